"""Writes for the crisis layer: raising, acknowledging and resolving risk alerts."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.assessments.models import Assessment
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.resources import resources_for
from tether.network.links import make_patient_plan_token
from tether.network.services import site_url
from tether.notifications.services import queue_email


class AlertStateError(ValueError):
    """The alert is not in a state that allows this change."""


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
    return alert


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
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
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
    alert.save(
        update_fields=[
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
