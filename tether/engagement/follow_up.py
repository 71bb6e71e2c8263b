"""The follow-up contact after a risk alert is resolved: a human reaches out to the patient
within the practice's 24–72 hours (the follow-up call is the evidence-based part of safety
planning; Stanley et al. 2018). Planned when crisis.alerts.resolve_alert sends alert_resolved
inside its transaction (connected in EngagementConfig.ready), so engagement depends on crisis
and never the other way round."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from tether.accounts.models import FOLLOW_UP_MAX_HOURS, FOLLOW_UP_MIN_HOURS, User
from tether.accounts.selectors import coordinator_or_admin, treating_clinician
from tether.crisis.models import RiskAlert
from tether.crisis.signals import FollowUpPlanned
from tether.engagement.models import OutreachTask


def follow_up_hours(hours: int) -> int:
    """The practice's follow-up window, kept within 24–72 hours."""
    return min(max(hours, FOLLOW_UP_MIN_HOURS), FOLLOW_UP_MAX_HOURS)


def follow_up_owner(patient) -> tuple[User | None, str]:
    """Return (who, route) for an alert follow-up: the patient's active treating clinician,
    else their coordinator (who falls back to the practice admin)."""
    clinician = treating_clinician(patient)
    if clinician is not None and clinician.is_active:
        return clinician, OutreachTask.Route.CLINICIAN
    return coordinator_or_admin(patient), OutreachTask.Route.COORDINATOR


@transaction.atomic
def plan_alert_follow_up(*, alert: RiskAlert, now: datetime) -> OutreachTask:
    """Return the alert's follow-up outreach task, creating it the first time: assigned to
    the treating clinician (else the coordinator), due `follow_up_hours` after `now` (the
    moment the alert was resolved). One per alert, by a unique constraint."""
    existing = OutreachTask.objects.filter(risk_alert=alert).first()
    if existing is not None:
        return existing
    patient = alert.patient
    owner, route = follow_up_owner(patient)
    hours = follow_up_hours(patient.practice.follow_up_hours)
    try:
        with transaction.atomic():
            return OutreachTask.objects.create(
                kind=OutreachTask.Kind.ALERT_FOLLOW_UP,
                risk_alert=alert,
                appointment=None,
                patient=patient,
                assigned_to=owner,
                route=route,
                due_at=now + timedelta(hours=hours),
                created_at=now,
            )
    except IntegrityError:
        # Created by someone else between our read and our insert: theirs stands.
        return OutreachTask.objects.get(risk_alert=alert)


def plan_follow_up_for_resolved_alert(
    sender: object, *, alert: RiskAlert, at: datetime, **kwargs: object
) -> FollowUpPlanned:
    """Receiver of crisis.signals.alert_resolved: plan the follow-up contact and return who
    makes it and by when, for the alert's history."""
    task = plan_alert_follow_up(alert=alert, now=at)
    return FollowUpPlanned(owner=task.assigned_to, due_at=task.due_at)
