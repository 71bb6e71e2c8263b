"""Outreach after a missed session (or a risk alert's follow-up): who owns the task, telling
a consented trusted person, attempts to reach the patient, and escalation when it is overdue.
The routing and due-time rules are listed in the services package's docstring."""

from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tether.access.links import Purpose
from tether.accounts.models import Patient, Role, User
from tether.accounts.selectors import coordinator_or_admin, practice_admins, treating_clinician
from tether.crisis.selectors import has_active_alert
from tether.engagement.models import (
    Appointment,
    OutreachAttempt,
    OutreachTask,
    PeerOutreachConsent,
)
from tether.engagement.schedule import Invalid, next_business_day_at
from tether.lib.history import record_update
from tether.lib.urls import absolute_url
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import trusted_link
from tether.notifications.services import queue_email

# An urgent task (missed session during an open risk alert) is due this soon.
URGENT_WITHIN = timedelta(hours=2)


def trusted_person_for_missed_session(patient: Patient) -> SupportContact | None:
    """Return the trusted person the patient asked to be told of a missed session, if they
    accepted and can be emailed."""
    return (
        SupportContact.objects.filter(
            patient=patient,
            kind=SupportContact.Kind.TRUSTED_PERSON,
            state=SupportContact.State.ACTIVE,
            invitation=SupportContact.Invitation.ACCEPTED,
            consents__scope=ConsentScope.MISSED_SESSION,
            consents__withdrawn_at__isnull=True,
        )
        .exclude(email="")
        .order_by("created_at")
        .first()
    )


def peer_supporter_for_outreach(patient: Patient) -> User | None:
    """Return the active peer supporter the patient agreed may reach out, if any."""
    consent = (
        PeerOutreachConsent.objects.filter(
            patient=patient,
            withdrawn_at__isnull=True,
            peer_supporter__is_active=True,
            peer_supporter__role=Role.PEER_SUPPORTER,
            peer_supporter__practice_id=patient.practice_id,
        )
        .select_related("peer_supporter")
        .first()
    )
    return consent.peer_supporter if consent else None


@transaction.atomic
def set_peer_outreach(*, patient: Patient, peer_supporter: User | None) -> None:
    """Let `peer_supporter` reach out after a missed session, or (None) stop it, at once."""
    if peer_supporter is not None and (
        peer_supporter.role != Role.PEER_SUPPORTER
        or peer_supporter.practice_id != patient.practice_id
        or not peer_supporter.is_active
    ):
        raise Invalid({"peer_supporter": "Choose one of your practice's peer supporters."})
    now = timezone.now()
    if PeerOutreachConsent.objects.filter(patient=patient, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    ):
        record_update(PeerOutreachConsent.objects.filter(patient=patient, withdrawn_at=now))
    if peer_supporter is not None:
        PeerOutreachConsent.objects.create(
            patient=patient, peer_supporter=peer_supporter, granted_at=now
        )


def clinician_for_urgent_outreach(patient: Patient) -> User | None:
    """Return the treating clinician, else the coordinator (else the practice admin)."""
    return treating_clinician(patient) or coordinator_or_admin(patient)


@transaction.atomic
def open_outreach_task(*, appointment: Appointment, at: datetime) -> tuple[OutreachTask, bool]:
    """Return the appointment's outreach task, creating it (and telling a consented trusted
    person, unless a risk alert is open) only the first time."""
    existing = OutreachTask.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing, False
    patient = appointment.patient
    trusted: SupportContact | None = None
    urgent = has_active_alert(patient)
    if urgent:
        owner, route = clinician_for_urgent_outreach(patient), OutreachTask.Route.CLINICIAN
        due_at = at + URGENT_WITHIN
    else:
        trusted = trusted_person_for_missed_session(patient)
        peer = peer_supporter_for_outreach(patient)
        if peer is not None:
            owner, route = peer, OutreachTask.Route.PEER_SUPPORTER
        elif trusted is not None:
            owner, route = coordinator_or_admin(patient), OutreachTask.Route.TRUSTED_PERSON
        else:
            owner, route = coordinator_or_admin(patient), OutreachTask.Route.COORDINATOR
        due_at = next_business_day_at(at, patient.practice.time_zone)
    try:
        with transaction.atomic():
            task = OutreachTask.objects.create(
                kind=OutreachTask.Kind.MISSED_SESSION,
                appointment=appointment,
                patient=patient,
                assigned_to=owner,
                route=route,
                urgent=urgent,
                trusted_contact=trusted,
                due_at=due_at,
                created_at=at,
            )
    except IntegrityError:
        # Another worker created it between our read and our insert: theirs stands.
        return OutreachTask.objects.get(appointment=appointment), False
    if trusted is not None:
        _tell_trusted_person(trusted, patient)
    return task, True


def _tell_trusted_person(contact: SupportContact, patient: Patient) -> None:
    # Only that an appointment was missed: never its kind, the reason or anything clinical,
    # and no name (an email can be read by others); the signed link says who.
    queue_email(
        to=contact.email,
        subject="A note from Tether",
        body=(
            "Hello,\n\n"
            "The person who asked for you in Tether wanted you to know if they miss an "
            "appointment, and they missed one today. There is no need to worry, and nothing "
            "you must do. If it feels right, a friendly hello from you might mean a lot.\n\n"
            "This link is just for you and shows who it is:\n"
            f"{trusted_link(contact, Purpose.INVITATION)}\n"
        ),
        purpose="missed-session-trusted",
        patient=patient,
    )


@transaction.atomic
def record_outreach_attempt(
    *,
    task: OutreachTask,
    by: User,
    method: str,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
) -> OutreachAttempt:
    """Record one try at reaching the patient. Reached closes the task; not reached sets the
    next attempt for the next business day (an urgent task: within 2 hours)."""
    problems = {}
    if method not in OutreachAttempt.Method.values:
        problems["method"] = f"Choose one of: {', '.join(OutreachAttempt.Method.values)}."
    if outcome not in OutreachAttempt.Outcome.values:
        problems["outcome"] = "Say whether you reached them."
    if task.status != OutreachTask.Status.OPEN:
        problems["task"] = "This outreach is already done."
    if problems:
        raise Invalid(problems)
    at = at or timezone.now()
    attempt = OutreachAttempt.objects.create(
        task=task, by=by, at=at, method=method, outcome=outcome, note=note.strip()
    )
    if outcome == OutreachAttempt.Outcome.REACHED:
        task.status = OutreachTask.Status.DONE
        task.done_at = at
    elif task.urgent:
        task.due_at = at + URGENT_WITHIN
    else:
        task.due_at = next_business_day_at(at, task.patient.practice.time_zone)
    task.save(update_fields=["status", "done_at", "due_at"])
    return attempt


@transaction.atomic
def escalate_outreach(*, task_id: UUID, at: datetime) -> bool:
    """Escalate an overdue task to the practice admin, once. Return whether this call did."""
    claimed = OutreachTask.objects.filter(
        pk=task_id, status=OutreachTask.Status.OPEN, escalated_at__isnull=True, due_at__lt=at
    ).update(escalated_at=at)
    if not claimed:
        return False
    task = OutreachTask.objects.select_related("patient", "assigned_to").get(pk=task_id)
    record_update([task])
    # No name and no reason by email: who, why and with whom are behind the sign-in.
    subject = "An urgent task in Tether needs you" if task.urgent else "A task in Tether needs you"
    for admin in practice_admins(task.patient.practice_id).exclude(email=""):
        queue_email(
            to=admin.email,
            subject=subject,
            body=(
                "Hello,\n\n"
                f"A follow-up that was due {task.due_at:%Y-%m-%d %H:%M} UTC is not done yet. "
                "Please sign in to see it in the outreach queue:\n"
                f"{absolute_url(reverse('outreach_queue'))}\n"
            ),
            purpose="outreach-escalated",
            patient=task.patient,
        )
    return True
