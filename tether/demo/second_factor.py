"""The demo staff's second factor: one fixed, published TOTP secret for every staff account,
so a newcomer adds it to any authenticator app once and signs in as any of them. Synthetic
demo accounts only; a real account gets its own secret when its owner sets one up."""

from base64 import b32decode
from urllib.parse import quote

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.accounts.models import STAFF_ROLES, User
from tether.demo.loader import DEMO_SLUG
from tether.mfa import services

# Base32, as authenticator apps take it (20 bytes, like django-otp's own keys).
DEMO_TOTP_SECRET = "TETHERDEMOTETHERDEMOTETHERDEMO22"  # noqa: S105  (published demo secret)
DEMO_OTPAUTH_URI = (
    f"otpauth://totp/{quote('Tether:demo staff')}?secret={DEMO_TOTP_SECRET}"
    "&issuer=Tether&algorithm=SHA1&digits=6&period=30"
)


@transaction.atomic
def enrol_demo_staff() -> int:
    """Give every demo staff account without a factor the demo secret (with recovery codes
    nobody is shown); return how many were enrolled. Running it again changes nothing."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    staff = User.objects.filter(practice__slug=DEMO_SLUG, role__in=STAFF_ROLES)
    enrolled = 0
    for user in staff:
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
        services.new_recovery_codes(user=user)
        enrolled += 1
    return enrolled
