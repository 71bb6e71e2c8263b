from tether.notifications.tests.fake_twilio import twilio  # noqa: F401
