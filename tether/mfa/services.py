"""Setting up, checking and resetting a person's second factor.

A factor is a confirmed django-otp TOTP device (an authenticator app) with a static device of
single-use recovery codes beside it. Codes are checked against one device at a time so that
django-otp's throttling applies: after each wrong code the device refuses every code for 1, 2,
4, 8 … seconds (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR).
"""

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import (
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.accounts.models import User
from tether.audit.models import AuditEvent
from tether.audit.services import record_account_event
from tether.mfa.policy import HAS_FACTOR_SESSION_KEY

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@dataclass(frozen=True)
class Check:
    """What became of a code: the device that accepted it, or how long to wait."""

    device: TOTPDevice | StaticDevice | None
    locked_until: datetime | None = None


def confirmed_app(user: User) -> TOTPDevice | None:
    """Return `user`'s confirmed authenticator app, if they have one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_app(user: User) -> TOTPDevice:
    """Return the authenticator app `user` is setting up (a new secret the first time)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_key(device: TOTPDevice) -> str:
    """Return the device's secret in the base32 form authenticator apps accept, in groups of
    four characters so it can be typed."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code(device: TOTPDevice) -> str:
    """Return the device's otpauth:// link as a QR code, an SVG data: URI for an <img>."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm_app(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app `user` is setting up with a code it shows; return their new recovery
    codes, or None when the code is wrong (nothing changes then but the throttle). Any factor
    they had before is replaced."""
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace `user`'s recovery codes with RECOVERY_CODE_COUNT new ones and return them (they
    are shown once; each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def check_code(*, user: User, code: str) -> Check:
    """Check a code from `user`'s app (digits) or one of their recovery codes (letters and
    digits); a recovery code is used up. Return what accepted it, or when to try again."""
    code = "".join(code.split()).lower()
    if code.isdigit():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
    with transaction.atomic():
        device = devices.select_for_update().first()
        if device is None:
            return Check(None)
        wait = locked_until(device)
        if wait is not None:
            return Check(None, locked_until=wait)
        if device.verify_token(code):
            return Check(device)
    return Check(None)


def locked_until(device: TOTPDevice | StaticDevice) -> datetime | None:
    """Return until when `device` refuses codes after wrong ones, if it does now."""
    allowed, why = device.verify_is_allowed()
    return None if allowed else (why or {}).get("locked_until")


def recovery_codes_left(user: User) -> int:
    """Return how many unused recovery codes `user` has."""
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def users_with_factor(users: list[User]) -> set[int]:
    """Return the ids of those of `users` who have a confirmed authenticator app."""
    return set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )


def mark_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """Record in the session that its person has passed the second factor with `device`
    (django_otp.login), under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[HAS_FACTOR_SESSION_KEY] = True


@transaction.atomic
def turn_off(*, user: User) -> None:
    """Remove `user`'s second factor (patients only: staff must keep one)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def reset_colleague_factor(*, admin: User, colleague: User) -> None:
    """Remove `colleague`'s second factor on their admin's word (a lost phone): they set up a
    new one at their next sign-in, and a session they had open stops at that step. Recorded
    in the practice's audit trail. The caller has checked who may
    (access.get_colleague_for_factor_reset)."""
    turn_off(user=colleague)
    record_account_event(
        actor=admin,
        subject=colleague,
        action=AuditEvent.Action.FACTOR_RESET,
    )


def _digits(code: str) -> str:
    return "".join(code.split())
