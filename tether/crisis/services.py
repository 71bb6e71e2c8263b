"""Writes for the crisis layer: raising, acknowledging, resolving and escalating risk alerts,
and the on-call rota."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient, Practice, Role, User
from tether.assessments.models import Assessment
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.resources import resources_for
from tether.network.links import make_patient_plan_token
from tether.network.services import site_url
from tether.notifications.services import notify, queue_email

log = logging.getLogger(__name__)


class AlertStateError(ValueError):
    """The alert is not in a state that allows this change."""


class ShiftInvalid(ValueError):
    """An on-call shift that cannot be saved, with a message fit to show the admin."""


@transaction.atomic
def raise_risk_alert(
    *,
    patient: Patient,
    reason: RiskAlert.Reason,
    raised_by: User,
    detail: str = "",
    assessment: Assessment | None = None,
    at: datetime | None = None,
) -> RiskAlert:
    """Raise a risk alert for the patient's care team. Callers that store the data that raised
    it call this inside their own transaction, so both are saved together or not at all."""
    at = at or timezone.now()
    alert = RiskAlert.objects.create(
        patient=patient,
        reason=reason,
        detail=detail,
        assessment=assessment,
        raised_by=raised_by,
        created_at=at,
    )
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.RAISED, actor=raised_by, at=at, note=detail
    )
    _email_safety_plan_link(patient)
    _notify_on_call(alert, at=at)
    return alert


# --- Escalation ----------------------------------------------------------------------------

LEVEL_ON_CALL, LEVEL_BACKUP, LEVEL_ADMIN = 0, 1, 2
NOBODY_ON_CALL = "Nobody was on call, so the practice admin was alerted at once."
NO_BACKUP = "The on-call shift had no backup, so the practice admin was alerted."
NO_ADMIN = "The practice has no active admin to escalate to."

ALERT_SUBJECT = "A risk alert needs you"
ALERT_BODY = "A risk alert needs you — open Tether."
ALERT_PURPOSE = "risk-alert"


def on_call_at(practice: Practice, at: datetime) -> OnCallShift | None:
    """Return the shift covering `at` (the latest-starting one, should shifts overlap)."""
    return (
        OnCallShift.objects.filter(practice=practice, starts_at__lte=at, ends_at__gt=at)
        .select_related("clinician", "backup")
        .order_by("-starts_at")
        .first()
    )


def practice_admins(practice: Practice) -> list[User]:
    return list(
        User.objects.filter(practice=practice, role=Role.ADMIN, is_active=True).order_by("pk")
    )


def _ack_limit(practice: Practice) -> timedelta:
    return timedelta(minutes=practice.alert_ack_minutes)


def _notify_on_call(alert: RiskAlert, *, at: datetime) -> None:
    # Runs inside raise_risk_alert's transaction: the alert, its NOTIFIED event and its
    # escalation clock are saved together; the messages go out once that commits.
    practice = alert.patient.practice
    shift = on_call_at(practice, at)
    if shift is None:
        alert.escalation_level = LEVEL_ADMIN
        alert.escalation_note = NOBODY_ON_CALL
        alert.next_escalation_at = None
        recipients = practice_admins(practice)
        kind = AlertEvent.Kind.ESCALATED
        note = NOBODY_ON_CALL if recipients else f"{NOBODY_ON_CALL} {NO_ADMIN}"
        if not recipients:
            alert.escalation_note = note
    else:
        alert.on_call_shift = shift
        alert.escalation_level = LEVEL_ON_CALL
        alert.next_escalation_at = alert.created_at + _ack_limit(practice)
        recipients = [shift.clinician]
        kind = AlertEvent.Kind.NOTIFIED
        note = ""
    alert.save(
        update_fields=["on_call_shift", "escalation_level", "escalation_note", "next_escalation_at"]
    )
    _record_and_send(alert, recipients=recipients, kind=kind, at=at, note=note)


def _record_and_send(
    alert: RiskAlert, *, recipients: list[User], kind: str, at: datetime, note: str
) -> None:
    # Called inside the transaction that claimed the step. The event, the in-app notice and
    # the delivery records commit together with the claim, or not at all: a step is never
    # recorded without its messages, nor its messages queued twice. The sends themselves
    # happen on commit (notifications.services), and a send that fails or never runs (the
    # process died right after commit) is retried by the notifications retry sweep.
    for user in recipients:
        AlertEvent.objects.create(alert=alert, kind=kind, recipient=user, at=at, note=note)
        send_alert_notice(alert=alert, user=user)
    if not recipients:
        AlertEvent.objects.create(alert=alert, kind=kind, at=at, note=note)


def send_alert_notice(*, alert: RiskAlert, user: User) -> None:
    """THE single call site that pages a staff member about a risk alert: in-app, email and
    SMS. Only "A risk alert needs you" and a link: no name, no reason, no clinical detail,
    since email and text are not private channels."""
    try:
        # A savepoint: a failure to page must never undo the alert (nor the assessment that
        # raised it). The escalation clock keeps running either way.
        with transaction.atomic():
            notify(
                user=user,
                subject=ALERT_SUBJECT,
                body=ALERT_BODY,
                link=reverse("alert_detail", args=[alert.pk]),
                purpose=ALERT_PURPOSE,
                channels=("in_app", "email", "sms"),
            )
    except Exception:  # noqa: BLE001  (logged; escalation still moves the alert on)
        log.exception("Could not page %s about risk alert %s", user.pk, alert.pk)


def escalate_unacknowledged_alerts(*, now: datetime) -> int:
    """Move every open alert whose acknowledgement limit has passed one step up: the on-call
    shift's backup, then the practice admin(s). Returns how many alerts moved.

    Idempotent and safe with any number of concurrent runs: each step is claimed with a
    conditional UPDATE on (pk, escalation_level), one alert per transaction, so a second run
    or worker never escalates twice, and a run that dies half-way leaves the rest due for
    the next one."""
    due = (
        RiskAlert.objects.filter(
            status=RiskAlert.Status.OPEN,
            next_escalation_at__isnull=False,
            next_escalation_at__lte=now,
        )
        .order_by("next_escalation_at")
        .values_list("pk", "escalation_level")
    )
    moved = 0
    for pk, level in list(due):
        if escalate_alert(alert_id=pk, from_level=level, now=now):
            moved += 1
    return moved


@transaction.atomic
def escalate_alert(*, alert_id, from_level: int, now: datetime) -> bool:
    """Claim and perform one escalation step. False when another run got there first, or
    the alert was acknowledged meanwhile."""
    alert = (
        RiskAlert.objects.select_related("patient__practice", "on_call_shift__backup")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return False
    practice = alert.patient.practice
    backup = alert.on_call_shift.backup if alert.on_call_shift else None
    note = ""
    if from_level == LEVEL_ON_CALL and backup is not None and backup.is_active:
        to_level, recipients = LEVEL_BACKUP, [backup]
        next_at = now + _ack_limit(practice)
    else:
        to_level, recipients = LEVEL_ADMIN, practice_admins(practice)
        next_at = None
        if from_level == LEVEL_ON_CALL:
            note = NO_BACKUP
        if not recipients:
            note = f"{note} {NO_ADMIN}".strip()
    claimed = RiskAlert.objects.filter(
        pk=alert_id,
        escalation_level=from_level,
        status=RiskAlert.Status.OPEN,
        next_escalation_at__lte=now,
    ).update(
        escalation_level=to_level,
        next_escalation_at=next_at,
        **({"escalation_note": note} if note else {}),
    )
    if claimed != 1:
        return False
    _record_and_send(
        alert, recipients=recipients, kind=AlertEvent.Kind.ESCALATED, at=now, note=note
    )
    return True


# --- The on-call rota ------------------------------------------------------------------------


def _check_clinician(user: User | None, practice: Practice, what: str) -> None:
    if user is None:
        return
    if user.practice_id != practice.pk:
        raise ShiftInvalid(f"The {what} must be a clinician of this practice.")
    if user.role != Role.CLINICIAN or not user.is_active:
        raise ShiftInvalid(f"The {what} must be a clinician; {user.display_name} is not.")


@transaction.atomic
def add_shift(
    *,
    practice: Practice,
    by: User,
    clinician: User,
    starts_at: datetime,
    ends_at: datetime,
    backup: User | None = None,
) -> OnCallShift:
    """Add an on-call shift. Only the practice's admin may; nothing is saved on bad input."""
    if by.role != Role.ADMIN or by.practice_id != practice.pk:
        raise ShiftInvalid("Only the practice admin can change the on-call rota.")
    if starts_at is None or ends_at is None:
        raise ShiftInvalid("Please give both a start and an end time.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ShiftInvalid("Times must include a time zone.")
    if ends_at <= starts_at:
        raise ShiftInvalid("The shift must end after it starts.")
    _check_clinician(clinician, practice, "on-call clinician")
    _check_clinician(backup, practice, "backup")
    if backup is not None and backup.pk == clinician.pk:
        raise ShiftInvalid("The backup must be someone other than the on-call clinician.")
    # Serialise rota changes per practice, so two admins cannot create an overlap together.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    if OnCallShift.objects.filter(
        practice=practice, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise ShiftInvalid("This overlaps a shift already on the rota; remove that one first.")
    return OnCallShift.objects.create(
        practice=practice,
        clinician=clinician,
        backup=backup,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
    )


@transaction.atomic
def remove_shift(*, shift: OnCallShift, by: User) -> None:
    if by.role != Role.ADMIN or by.practice_id != shift.practice_id:
        raise ShiftInvalid("Only the practice admin can change the on-call rota.")
    shift.delete()


def safety_plan_link(patient: Patient) -> str:
    """Return the patient's own link to their safety plan, which opens it without signing in
    for the next 24 hours."""
    return site_url(reverse("safety_plan_by_link", args=[make_patient_plan_token(patient)]))


def _email_safety_plan_link(patient: Patient) -> None:
    # In a hard moment a forgotten password should not stand between a patient and their
    # plan. The email says nothing about why the alert was raised, and never a score.
    email = patient.user.email if patient.user_id else ""
    if not email or not patient.safety_plans.exists():
        return
    practice = patient.practice
    resources = resources_for(country=practice.country, practice_slug=practice.slug)
    lines = "\n".join(
        f"- {r.name}: {', '.join(c.label for c in r.contacts)}"
        for r in resources
        if r.is_crisis_line
    )
    queue_email(
        to=email,
        subject="Your safety plan",
        body=(
            f"Hello {patient.called},\n\n"
            "Your care team knows things are hard right now, and someone will be in touch.\n\n"
            "Here is the safety plan you wrote. The link opens it without signing in, for the "
            f"next 24 hours:\n{safety_plan_link(patient)}\n\n"
            "If you feel you might act on thoughts of harming yourself, please reach out now. "
            f"These lines are free:\n{lines}\n\n"
            f"You don't have to face this alone.\n{practice.name}\n"
        ),
        purpose="patient-plan-link",
        patient=patient,
    )


def _locked(alert: RiskAlert) -> RiskAlert:
    # Lock the row so two staff acting at once cannot both move the alert on.
    return RiskAlert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def acknowledge_alert(*, alert: RiskAlert, by: User, note: str = "") -> RiskAlert:
    """Record that a staff member has seen the alert and is acting on it."""
    alert = _locked(alert)
    if alert.status != RiskAlert.Status.OPEN:
        raise AlertStateError(f"This alert is already {alert.get_status_display().lower()}.")
    now = timezone.now()
    alert.status = RiskAlert.Status.ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = by
    alert.next_escalation_at = None  # a human has it: escalation stops here
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "next_escalation_at"])
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.ACKNOWLEDGED, actor=by, at=now, note=note
    )
    return alert


@transaction.atomic
def resolve_alert(*, alert: RiskAlert, by: User, note: str) -> RiskAlert:
    """Close the alert with a note of what was done. An open alert is acknowledged on the way,
    so the history always shows both steps."""
    note = note.strip()
    if not note:
        raise AlertStateError("Please write a note saying what was done before resolving.")
    alert = _locked(alert)
    if alert.status == RiskAlert.Status.RESOLVED:
        raise AlertStateError("This alert is already resolved.")
    now = timezone.now()
    if alert.status == RiskAlert.Status.OPEN:
        alert.acknowledged_at = now
        alert.acknowledged_by = by
        AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ACKNOWLEDGED, actor=by, at=now)
    alert.status = RiskAlert.Status.RESOLVED
    alert.resolved_at = now
    alert.resolved_by = by
    alert.resolution_note = note
    alert.next_escalation_at = None
    alert.save(
        update_fields=[
            "next_escalation_at",
            "status",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution_note",
        ]
    )
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.RESOLVED, actor=by, at=now, note=note
    )
    return alert
