"""Writes on risk alerts: raising one (or adding a further signal to the one already open),
acknowledging and resolving. Who is paged, and when, lives in crisis.escalation."""

import logging
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.crisis.escalation import URGENT, page_again_for_signal, start_escalation
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.signals import FollowUpPlanned, alert_raised, alert_resolved
from tether.notifications.services import notify

log = logging.getLogger(__name__)

TRIAGE_ORDER = {
    "": 0,
    RiskAlert.Triage.LOW: 1,
    RiskAlert.Triage.MODERATE: 2,
    RiskAlert.Triage.HIGH: 3,
}
SAFETY_PLAN_PROMPT = "Would you like to look at your safety plan together with your care team?"


class RaisingAssessment(Protocol):
    """What an alert needs of the assessment that raised it. A protocol, not the model:
    assessments sits above crisis and calls raise_risk_alert, so crisis never imports it."""

    @property
    def pk(self) -> Any: ...

    completed_at: datetime

    def get_instrument_display(self) -> str: ...


class AlertStateError(ValueError):
    """The alert is not in a state that allows this change."""


def open_alert_of(patient: Patient) -> RiskAlert | None:
    """Return the patient's unresolved (open or acknowledged) alert, the oldest if several."""
    return (
        RiskAlert.objects.filter(patient=patient)
        .exclude(status=RiskAlert.Status.RESOLVED)
        .select_related(
            "patient__practice",
            "acknowledged_by",
            "on_call_shift__clinician",
            "on_call_shift__backup",
        )
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def raise_risk_alert(
    *,
    patient: Patient,
    reason: RiskAlert.Reason,
    raised_by: User | None,
    detail: str = "",
    assessment: RaisingAssessment | None = None,
    at: datetime | None = None,
    triage: str = "",
    urgent: bool = False,
) -> RiskAlert:
    """Raise a risk alert for the patient's care team and return it. Callers that store the
    data that raised it call this inside their own transaction, so both are saved together
    or not at all. `raised_by` is None when Tether raised it on text from someone without an
    account (a trusted person).

    While the patient already has an unresolved alert, no second one is opened: the signal
    is added to that alert as a FURTHER_SIGNAL event, whoever holds it now is paged again,
    and that alert is returned. `urgent` (high risk on the C-SSRS) also pages the on-call
    team and the admins at once. `triage` sets the alert's triage level, never lowering it."""
    at = at or timezone.now()
    # Lock the patient so two signals at once cannot both open a new alert.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    existing = open_alert_of(patient)
    if existing is not None:
        return _add_further_signal(
            existing,
            raised_by=raised_by,
            detail=detail,
            assessment=assessment,
            at=at,
            triage=triage,
            urgent=urgent,
        )
    alert = RiskAlert.objects.create(
        patient=patient,
        reason=reason,
        detail=detail,
        assessment_id=assessment.pk if assessment is not None else None,
        raised_by=raised_by,
        created_at=at,
        triage=triage,
    )
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.RAISED,
        actor=raised_by,
        at=at,
        note=f"{detail} {URGENT}".strip() if urgent else detail,
    )
    # Network emails the patient their safety plan link (network.plan_email).
    alert_raised.send(sender=RiskAlert, alert=alert, at=at)
    start_escalation(alert, at=at, urgent=urgent)
    return alert


def _add_further_signal(
    alert: RiskAlert,
    *,
    raised_by: User | None,
    detail: str,
    assessment: RaisingAssessment | None,
    at: datetime,
    triage: str,
    urgent: bool,
) -> RiskAlert:
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    parts = [detail]
    zone = ZoneInfo(alert.patient.practice.time_zone)
    if assessment is not None:
        # The alert's own assessment link is one-to-one and already taken (or empty by
        # design): the event names this one instead.
        parts.append(
            f"({assessment.get_instrument_display()} of "
            f"{assessment.completed_at.astimezone(zone):%Y-%m-%d %H:%M}, {assessment.pk})"
        )
    if urgent:
        parts.append(URGENT)
    note = " ".join(p for p in parts if p)
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.FURTHER_SIGNAL, actor=raised_by, at=at, note=note
    )
    if TRIAGE_ORDER.get(triage, 0) > TRIAGE_ORDER.get(alert.triage, 0):
        alert.triage = triage
        alert.save(update_fields=["triage"])
    page_again_for_signal(
        alert, at=at, urgent=urgent, note="Paged again: a further risk signal on this alert."
    )
    return alert


def _locked(alert: RiskAlert) -> RiskAlert:
    # Lock the row so two staff acting at once cannot both move the alert on.
    return RiskAlert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def acknowledge_alert(*, alert: RiskAlert, by: User, note: str = "") -> RiskAlert:
    """Record that a staff member has seen the alert and is acting on it. Escalation and
    re-paging stop here."""
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
    so the history always shows both steps. In the same transaction a follow-up contact is
    planned (an outreach task within the practice's 24–72 hours, by the alert_resolved
    receiver engagement connects) and the patient is invited to look at their safety plan
    with their care team."""
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
    # send(), not send_robust(): a receiver that fails rolls the resolution back with it.
    for _receiver, planned in alert_resolved.send(sender=RiskAlert, alert=alert, at=now):
        if isinstance(planned, FollowUpPlanned):
            _record_follow_up(alert, planned, at=now)
    _invite_safety_plan_review(alert.patient)
    return alert


def _record_follow_up(alert: RiskAlert, planned: FollowUpPlanned, *, at: datetime) -> None:
    owner = planned.owner.display_name if planned.owner else "nobody (no active staff)"
    due = planned.due_at.astimezone(ZoneInfo(alert.patient.practice.time_zone))
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.FOLLOW_UP,
        at=at,
        recipient=planned.owner,
        note=f"Follow-up contact by {owner}, due {due:%Y-%m-%d %H:%M}.",
    )


def _invite_safety_plan_review(patient: Patient) -> None:
    # In the app only: it is a gentle question, not something to send by email or text.
    user = patient.user
    if user is None:
        return
    notify(
        user=user,
        subject=SAFETY_PLAN_PROMPT,
        body=SAFETY_PLAN_PROMPT,
        link=reverse("safety_plan"),
        purpose="alert-follow-up-plan",
        channels=("in_app",),
        patient=patient,
    )
