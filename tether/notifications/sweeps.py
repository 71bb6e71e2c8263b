"""Periodic sweeps. Each is idempotent and safe to run from any number of workers at once:
a unique row or a conditional UPDATE is claimed before anything is sent.

- retry_failed_deliveries: re-sends queued/failed deliveries whose backoff has passed.

Appointment reminders and staff outreach digests go out through these channels but are
engagement's sweeps (engagement.sweeps).
"""

from datetime import datetime

from django.utils import timezone

from tether.notifications.models import Delivery
from tether.notifications.services import deliver

RETRY_BATCH = 500


def retry_failed_deliveries(*, now: datetime | None = None) -> int:
    """Try again every delivery whose next attempt is due; return how many were sent."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED],
            next_attempt_at__isnull=False,
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    sent = 0
    for pk in due:
        # deliver() claims the attempt with a conditional UPDATE: another worker that got
        # there first makes this a no-op.
        if deliver(pk, now=now).status == Delivery.Status.SENT:
            sent += 1
    return sent
