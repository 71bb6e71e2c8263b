"""API tokens' life cycle: made with a name and an expiry, used (last use written at most once
a minute), revoked by their owner, and revoked for everyone of an account whose password
changes or which is deactivated. Revoked and expired tokens are kept, for the record, and
refused exactly like an unknown token.

Who may list and revoke which token is tether.access.tokens; recording the owner's revocation
in the audit trail is the caller's (accounts sits below audit).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from tether.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ApiToken, User
from tether.lib.errors import Invalid
from tether.lib.text import is_storable

# The last-used time is news to the owner at this grain; finer would be a write per call.
LAST_USED_EVERY = timedelta(minutes=1)
NAME_MAX = ApiToken._meta.get_field("name").max_length or 100
# The expiries the page offers (days); any whole number from 1 to TOKEN_MAX_DAYS is accepted.
EXPIRY_CHOICES = (7, 30, TOKEN_DEFAULT_DAYS, 180, TOKEN_MAX_DAYS)


class TokenInvalid(Invalid):
    """A token that cannot be made as asked (no name, an expiry out of range)."""


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the row, and the secret itself, which is never stored or shown again."""

    token: ApiToken
    secret: str


def issue_token(
    *,
    user: User,
    name: str,
    expires_in_days: int = TOKEN_DEFAULT_DAYS,
    not_after: datetime | None = None,
) -> IssuedToken:
    """Make a token for `user` called `name` that expires in `expires_in_days` (1 to
    TOKEN_MAX_DAYS) and, when `not_after` is given (a token made with another token), no later
    than that. Raise TokenInvalid for a blank or too long name or an expiry out of range."""
    name = name.strip()
    problems = {}
    if not name:
        problems["name"] = "Please give the token a name, so you can tell it apart later."
    elif len(name) > NAME_MAX or not is_storable(name):
        problems["name"] = f"Please use a name of at most {NAME_MAX} ordinary characters."
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        problems["expires_in_days"] = f"A token lasts from 1 to {TOKEN_MAX_DAYS} days."
    if problems:
        raise TokenInvalid(problems)
    expires_at = timezone.now() + timedelta(days=expires_in_days)
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash(secret), name=name, expires_at=expires_at
    )
    return IssuedToken(token=token, secret=secret)


def create_api_token(
    *, user: User, name: str = "", label: str = "", expires_in_days: int = TOKEN_DEFAULT_DAYS
) -> str:
    """Make a token for `user` and return its secret (manage.py create_api_token). `label` is
    the old word for `name`; a token given neither is named after where it was made."""
    chosen = name or label or "Made with manage.py create_api_token"
    return issue_token(user=user, name=chosen, expires_in_days=expires_in_days).secret


def revoke_token(
    *, token: ApiToken, because: str = ApiToken.RevokedBecause.OWNER, at: datetime | None = None
) -> bool:
    """Revoke `token` (kept, refused from now on). Return False when it was already revoked:
    the first revocation's time and reason stand."""
    at = at or timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=at, revoked_because=because
    )
    if revoked:
        token.revoked_at, token.revoked_because = at, because
    else:
        token.refresh_from_db(fields=["revoked_at", "revoked_because"])
    return bool(revoked)


def revoke_all_tokens(*, user: User, because: str) -> int:
    """Revoke every token of `user` not yet revoked; return how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def authenticate_token(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """Return the usable token whose secret this is (its user loaded), else None: unknown,
    expired, revoked and an inactive owner all read the same. Its last use is written when
    the stored one is older than LAST_USED_EVERY, so a busy integration does not write on
    every call."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user")
        .filter(key_hash=ApiToken.hash(secret))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@receiver(post_save, sender=User, dispatch_uid="tokens_follow_the_account")
def _tokens_follow_the_account(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
    """Revoke an account's tokens when its password changes or it is deactivated, however
    that happens (reset, change page, admin, set_password + save).

    A password change is what Django itself reads as one: set_password() leaves the new
    password in `_password` until the save (AbstractBaseUser.save calls the validators'
    password_changed with it after this signal). Django's own hash upgrade at sign-in clears
    it first, so a stronger hash of the same password revokes nothing."""
    if created:
        return
    if not instance.is_active:
        because = ApiToken.RevokedBecause.DEACTIVATED
    elif getattr(instance, "_password", None) is not None:
        because = ApiToken.RevokedBecause.PASSWORD_CHANGED
    else:
        return
    # Inside the save's transaction when there is one: the account and its tokens change
    # together.
    with transaction.atomic():
        revoke_all_tokens(user=instance, because=because)
