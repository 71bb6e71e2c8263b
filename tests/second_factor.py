"""The suite's second factor: every staff member signs in with one, as in real life.

Tests sign people in with `client.force_login(user)` (or `client.login(...)`) hundreds of times;
a staff session without its second factor reaches nothing but the factor step. The root
conftest makes Django's test client finish the step the way a real sign-in does: it gives a
person who needs a factor a confirmed authenticator app (the first time) and records in the
session that they passed it (django_otp.login). Tests of the step itself sign in through the
real pages instead (`client.post("/login/", ...)`), which this leaves alone.
"""

import time
from base64 import b32encode

import pyotp
from django.contrib.sessions.backends.base import SessionBase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.accounts.models import User
from tether.mfa.policy import HAS_FACTOR_SESSION_KEY, must_have_second_factor


def authenticator(user: User) -> TOTPDevice:
    """Return `user`'s confirmed authenticator app, set up the first time it is asked for."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


def pass_second_factor(session: SessionBase, user: User) -> None:
    """Record in `session` that `user` passed their second factor, if they need one (staff
    always; a patient who set one up). The caller saves the session."""
    device = (
        authenticator(user)
        if must_have_second_factor(user)
        else TOTPDevice.objects.filter(user=user, confirmed=True).first()
    )
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[HAS_FACTOR_SESSION_KEY] = True


def totp(device: TOTPDevice) -> pyotp.TOTP:
    """Return a real TOTP generator (pyotp, RFC 6238) for `device`'s secret."""
    return pyotp.TOTP(
        b32encode(device.bin_key).decode(), digits=device.digits, interval=device.step
    )


def current_code(device: TOTPDevice) -> str:
    """Return a code the app would show now that the device has not accepted yet: a code is
    good once, so a second sign-in within the same 30 seconds takes the next step's code
    (django-otp accepts one step either side)."""
    device.refresh_from_db()
    now = time.time()
    step = int(now // device.step)
    return totp(device).at(max(step, device.last_t + 1) * device.step)
