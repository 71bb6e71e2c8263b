"""Two-step sign-in: a second factor (an authenticator app's code, or a single-use recovery
code) after the password. Required for every staff member, optional for patients.

django-otp keeps the devices and checks the codes (with its own throttling); this app decides
who needs a factor (policy.py), enrols and verifies (services.py, views.py), and keeps an
unverified session away from everything but the sign-in pages (middleware.py).
"""
