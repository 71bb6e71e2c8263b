"""Who must pass a second factor before reaching anything else.

Every staff role (admin, coordinator, clinician, peer supporter) and every account that can open
Django's admin must; a patient must once they have set one up themselves. Whether a patient
has one is read once at sign-in and kept in the session, so an ordinary patient request costs
no extra query; setting one up or turning it off updates the flag.
"""

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django_otp import user_has_device

from tether.accounts.models import STAFF_ROLES, User

# Session flag: the signed-in person has a confirmed factor (patients only need one then).
HAS_FACTOR_SESSION_KEY = "mfa_has_factor"


def must_have_second_factor(user: User) -> bool:
    """Return whether `user` must set up a second factor: staff always (and Django admin
    accounts); patients never (for them it is a choice)."""
    return user.role in STAFF_ROLES or user.is_staff or user.is_superuser


def has_second_factor(user: User) -> bool:
    """Return whether `user` has a confirmed second factor."""
    return user_has_device(user, confirmed=True)


def needs_verification(user: User, session: SessionBase) -> bool:
    """Return whether this signed-in session must pass the second factor before going on."""
    if must_have_second_factor(user):
        return True
    has_factor = session.get(HAS_FACTOR_SESSION_KEY)
    if has_factor is None:  # a session from before this flag existed
        has_factor = session[HAS_FACTOR_SESSION_KEY] = has_second_factor(user)
    return bool(has_factor)


def remember_at_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """On every sign-in, record in the new session whether the person has a factor."""
    if hasattr(request, "session"):
        request.session[HAS_FACTOR_SESSION_KEY] = has_second_factor(user)


def has_passed_second_factor(request: HttpRequest) -> bool:
    """Return whether the signed-in session of `request` may go on: it passed its second
    factor (django-otp's OTPMiddleware), or its person needs none."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)  # django_otp.OTPMiddleware puts it there
    if is_verified is not None and is_verified():
        return True
    return not needs_verification(user, request.session)  # type: ignore[arg-type]
