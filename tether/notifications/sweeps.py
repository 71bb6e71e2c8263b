"""Periodic sweeps. Each is idempotent and safe to run from any number of workers at once:
a unique row or a conditional UPDATE is claimed before anything is sent.

- retry_failed_deliveries: re-sends queued/failed deliveries whose backoff has passed,
  claiming up to 500 attempts in one transaction before sending any.

Appointment reminders and staff outreach digests go out through these channels but are
engagement's sweeps (engagement.sweeps).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tether.notifications.models import Delivery
from tether.notifications.services import claim, send_claimed

RETRY_BATCH = 500


def due_retries(*, now: datetime) -> QuerySet[Delivery]:
    """Return queued or failed deliveries whose next attempt is due."""
    return Delivery.objects.filter(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED],
        next_attempt_at__isnull=False,
        next_attempt_at__lte=now,
    )


def retry_failed_deliveries(*, now: datetime | None = None, batch: int = RETRY_BATCH) -> int:
    """Try again up to `batch` deliveries whose next attempt is due; return how many were
    sent. The attempts are claimed together in one transaction (rows another worker holds
    are skipped; each claim is a conditional UPDATE that also books the next try) and
    committed before anything is sent: a message never leaves for a claim that could still
    roll back, and a worker killed mid-send leaves the rest for their next try."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            due_retries(now=now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True, of=("self",))[:batch]
        )
        claimed = [delivery for delivery in due if claim(delivery, now=now)]
    return sum(send_claimed(d).status == Delivery.Status.SENT for d in claimed)
