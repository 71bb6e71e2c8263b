"""Periodic sweeps the scheduler runs every minute. Each reads only due rows through a
partial index and claims them in batches (tether.lib.claims: up to CLAIM_BATCH rows per
transaction, rows another worker holds skipped, each row claimed by a conditional UPDATE), so
running it twice, or on two workers at once, or again after a crash, never acts on a row
twice nor skips one."""

from datetime import datetime, timedelta

from django.db.models import QuerySet

from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.services import MISSED_GRACE, claim_missed, escalate_outreach
from tether.lib.claims import CLAIM_BATCH, claim_due


def due_missed_appointments(
    *, now: datetime, grace: timedelta = MISSED_GRACE
) -> QuerySet[Appointment]:
    """Return pending appointments whose end passed more than `grace` ago (index:
    appointment_pending_end)."""
    return Appointment.objects.filter(
        attendance=Appointment.Attendance.PENDING, ends_at__lt=now - grace
    )


def sweep_missed_appointments(
    *, now: datetime, grace: timedelta = MISSED_GRACE, batch: int = CLAIM_BATCH
) -> int:
    """Mark overdue pending appointments missed and open one outreach task each. Return how
    many this run claimed."""
    return claim_due(
        due_missed_appointments(now=now, grace=grace),
        order_by=["ends_at"],
        claim=lambda appointment: claim_missed(appointment_id=appointment.pk, at=now) is not None,
        batch=batch,
    )


def due_overdue_outreach(*, now: datetime) -> QuerySet[OutreachTask]:
    """Return open tasks past due that have not escalated (index: outreach_open_unescalated)."""
    return OutreachTask.objects.filter(
        status=OutreachTask.Status.OPEN, escalated_at__isnull=True, due_at__lt=now
    )


def sweep_overdue_outreach(*, now: datetime, batch: int = CLAIM_BATCH) -> int:
    """Escalate each overdue outreach task to the practice admin, once. Return how many."""
    return claim_due(
        due_overdue_outreach(now=now),
        order_by=["due_at"],
        claim=lambda task: escalate_outreach(task_id=task.pk, at=now),
        batch=batch,
    )
