"""Getting back in: resetting a forgotten password by email, changing one's password, and a
practice admin's page of paused sign-ins (tether/accounts/throttle.py) with the button that
lifts a pause.

It sits above accounts (which is below access and audit in the layers of pyproject.toml)
because lifting a pause and resetting a password are recorded as audit account events, and
who may lift whose pause is a rule of tether.access. The templates live with the sign-in page
in tether/accounts/templates/accounts/.
"""
