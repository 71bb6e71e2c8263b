"""Sign-in throttling: how django-axes decides that sign-in is paused, and for whom.

Axes's backend (first in AUTHENTICATION_BACKENDS) asks before any password is hashed whether
the account or the address has failed too often; if so the attempt is refused without a hash
(so guessing cannot slow the site for everyone) and the person sees the page of
`sign_in_paused`. Failures are counted per account name as typed, whether an account by that
name exists or not, so a paused real account and a paused unknown name look the same.

The limits (settings, README) are two:
- an account pauses after AXES_FAILURE_LIMIT failures (5) within the cool-off;
- an address pauses after SIGN_IN_ADDRESS_FAILURE_LIMIT failures (50) over all names: a
  practice's office shares one address, so one person's typos must not pause everyone there,
  while one address trying many names (password spraying) is still stopped.
A pause ends AXES_COOLOFF_TIME after the failure that started it. Axes compares a single
count with a single limit, so `failures_toward_limit` scales the address's count onto the
account's limit.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def failures_toward_limit(
    *, by_account: int, by_address: int, account_limit: int, address_limit: int
) -> int:
    """Return the count Axes compares with `account_limit`: the account's failures, or the
    address's scaled so that they reach `account_limit` exactly when they reach
    `address_limit`, whichever is further along."""
    return max(by_account, by_address * account_limit // address_limit)


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes's database handler with a limit per account and a larger one per address
    (AXES_LOCKOUT_PARAMETERS must be ["username", "ip_address"], in that order)."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return failures_toward_limit(
            by_account=by_account,
            by_address=by_address,
            account_limit=settings.AXES_FAILURE_LIMIT,
            address_limit=settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
        )

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        """After a successful sign-in, forget the account's own failures (not the address's:
        signing in to one account must not wipe out an address's guesses at others)."""
        super().user_logged_in(sender, request, user, **kwargs)
        clear_account_failures(user.get_username())


def clear_account_failures(username: str) -> int:
    """Forget the failed sign-ins for the account name `username` (which lifts its pause);
    return how many attempt records went."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


def client_address(request: HttpRequest) -> str | None:
    """Return the address a sign-in attempt came from: REMOTE_ADDR, or, when Tether runs
    behind a proxy (BEHIND_HTTPS_PROXY), the last address in X-Forwarded-For: the one the
    proxy itself added. Earlier entries come from the client and could be anything. Whatever
    is not an IP address reads as none (Axes stores it in an address column)."""
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = _ip_or_none(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1])
        if forwarded is not None:
            return forwarded
    return _ip_or_none(request.META.get("REMOTE_ADDR", ""))


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
