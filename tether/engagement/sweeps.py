"""Periodic sweeps the scheduler runs every minute. Each is idempotent: it reads only due rows
through a partial index and claims each row with a conditional UPDATE, so running it twice, or
on two workers at once, or again after a crash, never acts on a row twice nor skips one."""

from datetime import datetime, timedelta

from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.services import MISSED_GRACE, claim_missed, escalate_outreach

BATCH = 500


def due_missed_appointments(*, now: datetime, grace: timedelta = MISSED_GRACE):
    """Return pending appointments whose end passed more than `grace` ago (index:
    appointment_pending_end)."""
    return Appointment.objects.filter(
        attendance=Appointment.Attendance.PENDING, ends_at__lt=now - grace
    )


def sweep_missed_appointments(*, now: datetime, grace: timedelta = MISSED_GRACE) -> int:
    """Mark overdue pending appointments missed and open one outreach task each. Return how
    many this run claimed."""
    claimed = 0
    while True:
        ids = list(
            due_missed_appointments(now=now, grace=grace)
            .order_by("ends_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        # Each claim commits on its own: a crash loses at most the one in flight, which
        # stays pending and is claimed by the next run.
        batch_claimed = sum(claim_missed(appointment_id=pk, at=now) is not None for pk in ids)
        claimed += batch_claimed
        if len(ids) < BATCH or not batch_claimed:
            return claimed


def due_overdue_outreach(*, now: datetime):
    """Return open tasks past due that have not escalated (index: outreach_open_unescalated)."""
    return OutreachTask.objects.filter(
        status=OutreachTask.Status.OPEN, escalated_at__isnull=True, due_at__lt=now
    )


def sweep_overdue_outreach(*, now: datetime) -> int:
    """Escalate each overdue outreach task to the practice admin, once. Return how many."""
    escalated = 0
    while True:
        ids = list(
            due_overdue_outreach(now=now).order_by("due_at").values_list("pk", flat=True)[:BATCH]
        )
        batch = sum(escalate_outreach(task_id=pk, at=now) for pk in ids)
        escalated += batch
        if len(ids) < BATCH or not batch:
            return escalated
