"""Periodic sweeps the scheduler runs every minute.

- sweep_missed_appointments, sweep_overdue_outreach: each reads only due rows through a
  partial index and claims them in batches (tether.lib.claims: up to CLAIM_BATCH rows per
  transaction, rows another worker holds skipped, each row claimed by a conditional UPDATE),
  so running it twice, or on two workers at once, or again after a crash, never acts on a
  row twice nor skips one.
- send_due_reminders: one reminder per appointment and channel, ~24 h ahead, never in the
  patient's quiet hours.
- send_outreach_digests: each staff member's outreach queue, once per local day.
The last two claim a unique row (AppointmentReminder, OutreachDigest) in the transaction
that queues the message, so a second run or worker sends nothing twice; they too work in
batches (tether.lib.claims.claim_each), each appointment or person in its own savepoint."""

from datetime import datetime, time, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tether.accounts.models import STAFF_ROLES, Patient, User
from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.services import MISSED_GRACE, claim_missed, escalate_outreach
from tether.lib.claims import CLAIM_BATCH, claim_due, claim_each
from tether.lib.urls import absolute_url
from tether.notifications.models import AppointmentReminder, Delivery, OutreachDigest
from tether.notifications.services import (
    in_quiet_hours,
    preference_for,
    queue_email,
    queue_sms,
    user_zone,
)

REMINDER_AHEAD = timedelta(hours=24)
DIGEST_LOCAL_TIME = time(7, 0)  # a staff member's digest goes out from 07:00 their time


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


def _site_link(url_name: str) -> str:
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        path = "/"
    return absolute_url(path)


# --- Appointment reminders (through notifications' channels) ---------------------------


def _reminder_text(appointment, patient: Patient, zone) -> tuple[str, str, str]:
    # The time only: no name, no kind of appointment, no clinician (an email or a text can be
    # read by others); the details are behind the sign-in.
    local = appointment.starts_at.astimezone(zone)
    when = f"{local:%A %-d %B at %-I:%M %p} ({local.tzname()})"
    link = _site_link("patient_home")
    subject = f"Reminder: your appointment on {when}"
    email = (
        "Hello,\n\n"
        f"A reminder of your appointment on {when}.\n\n"
        "Sign in to Tether to see the details, or to let us know if you can't make it:\n"
        f"{link}\n"
    )
    sms = f"Tether: a reminder of your appointment on {when}. Details: {link}"
    return subject, email, sms


def _claim_and_queue(appointment, channel: str, queue) -> bool:
    """Claim the (appointment, channel) reminder and queue its message in one transaction:
    both happen or neither; a second claimant hits the unique constraint."""
    try:
        with transaction.atomic():
            reminder = AppointmentReminder.objects.create(appointment=appointment, channel=channel)
            reminder.delivery = queue()
            reminder.save(update_fields=["delivery"])
    except IntegrityError:
        return False
    return True


def due_reminders(*, now: datetime) -> QuerySet[Appointment]:
    """Return pending appointments starting within 24 hours, of patients with an account,
    not yet reminded on every channel."""
    return (
        Appointment.objects.filter(
            attendance=Appointment.Attendance.PENDING,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_AHEAD,
            patient__user__isnull=False,
        )
        .annotate(claimed=Count("reminders"))
        .filter(claimed__lt=len(Delivery.Channel))
        .select_related("patient__user", "patient__practice", "staff")
        .prefetch_related("reminders")
        .order_by("starts_at")
    )


def send_due_reminders(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Remind patients of pending appointments starting within 24 hours, once per channel,
    by email and/or SMS as they chose. Inside their quiet hours nothing is sent: a later
    run sends it once the quiet hours end. Return how many reminders were queued.

    Appointments are handled `batch` to a transaction, each in its own savepoint
    (lib.claims.claim_each); the claim is the unique reminder row of each channel."""
    at = now or timezone.now()
    appointments = list(due_reminders(now=at))
    queued = 0
    for start in range(0, len(appointments), batch):
        with transaction.atomic():
            done, _ = claim_each(appointments[start : start + batch], lambda a: _remind(a, now=at))
        queued += done
    return queued


def _remind(appointment: Appointment, *, now: datetime) -> int:
    patient = appointment.patient
    user = patient.user
    if user is None:  # due_reminders reads only patients with an account
        return 0
    preference = preference_for(user)
    zone = user_zone(user)
    if in_quiet_hours(preference, now.astimezone(zone).time()):
        return 0
    done = {r.channel for r in appointment.reminders.all()}
    subject, email_body, sms_body = _reminder_text(appointment, patient, zone)
    queued = 0
    if (
        Delivery.Channel.EMAIL not in done
        and preference.email_enabled
        and user.email
        and _claim_and_queue(
            appointment,
            Delivery.Channel.EMAIL,
            partial(
                queue_email,
                to=user.email,
                subject=subject,
                body=email_body,
                purpose="appointment-reminder",
                patient=patient,
                user=user,
            ),
        )
    ):
        queued += 1
    if (
        Delivery.Channel.SMS not in done
        and preference.sms_enabled
        and preference.phone
        and _claim_and_queue(
            appointment,
            Delivery.Channel.SMS,
            partial(
                queue_sms,
                to=preference.phone,
                body=sms_body,
                purpose="appointment-reminder",
                patient=patient,
                user=user,
                country=patient.practice.country,
            ),
        )
    ):
        queued += 1
    return queued


# --- Staff digests --------------------------------------------------------------------


def send_outreach_digests(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Email each staff member with open outreach tasks a count of their queue (open,
    overdue) once per local day, from 07:00 their time. No patient names. Return how many
    digests were queued. Staff are handled `batch` to a transaction, each in its own
    savepoint; the claim is the unique digest row of the day."""
    at = now or timezone.now()
    counts = {
        row["assigned_to"]: row
        for row in OutreachTask.objects.filter(
            status=OutreachTask.Status.OPEN, assigned_to__isnull=False
        )
        .values("assigned_to")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=at)),
        )
    }
    if not counts:
        return 0
    staff = list(
        User.objects.filter(pk__in=counts.keys(), is_active=True, role__in=STAFF_ROLES)
        .select_related("practice")
        .order_by("pk")
    )
    queued = 0
    for start in range(0, len(staff), batch):
        with transaction.atomic():
            done, _ = claim_each(
                staff[start : start + batch],
                lambda user: _send_digest(user, counts[user.pk], now=at),
            )
        queued += done
    return queued


def _send_digest(user: User, row: dict, *, now: datetime) -> bool:
    zone = user_zone(user)
    local = now.astimezone(zone)
    if local.time() < DIGEST_LOCAL_TIME or not user.email:
        return False
    if not preference_for(user).email_enabled:
        return False
    link = _site_link("outreach_queue")
    body = (
        "Good morning,\n\n"
        f"Your outreach queue today: {row['open']} open task(s), "
        f"{row['overdue']} overdue.\n\n"
        f"Open the queue to see who to reach first:\n{link}\n"
    )
    try:
        with transaction.atomic():
            digest = OutreachDigest.objects.create(user=user, date=local.date())
            digest.delivery = queue_email(
                to=user.email,
                subject=f"Your outreach queue: {row['open']} open, {row['overdue']} overdue",
                body=body,
                purpose="outreach-digest",
                user=user,
            )
            digest.save(update_fields=["delivery"])
    except IntegrityError:
        return False  # already sent today, by this or another worker
    return True
