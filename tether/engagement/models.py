"""Programs, appointments and outreach (see services.py for the rules)."""
