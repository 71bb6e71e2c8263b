"""Paused sign-ins as a practice admin sees them.

A pause (tether/accounts/throttle.py) is kept by django-axes as failed-attempt records per
account name and address. An admin sees only the accounts of their own practice: a paused
address, or a name that is no account, belongs to no practice and is not shown (they end on
their own after the cool-off).
"""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from tether.accounts.models import User


@dataclass(frozen=True)
class PausedAccount:
    """An account whose sign-in is paused, with when the pause ends by itself."""

    account: User
    failures: int
    until: datetime


def paused_accounts(
    accounts: QuerySet[User], *, now: datetime | None = None
) -> list[PausedAccount]:
    """Return the accounts among `accounts` whose sign-in is paused now, the latest first."""
    now = now or timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    counts = (
        AccessAttempt.objects.filter(
            username__in=accounts.values("username"), attempt_time__gte=now - cool_off
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    by_name = {row["username"]: row for row in counts}
    found = [
        PausedAccount(
            account=account,
            failures=by_name[account.username]["failures"],
            until=by_name[account.username]["last"] + cool_off,
        )
        for account in accounts.filter(username__in=by_name)
    ]
    return sorted(found, key=lambda paused: paused.until, reverse=True)
