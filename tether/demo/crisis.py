"""Demo data for the crisis layer: an on-call rota covering yesterday to tomorrow (so the
admin sees the rota gaps of the next 14 days), one alert that nobody acknowledged, so it
escalated to the backup and then the admin, and a PHQ-9 alert whose Columbia screener the
coordinator entered during a call (triage: moderate). Called by `load_demo`."""

from datetime import datetime, timedelta

from tether.accounts.models import Patient, Practice, User
from tether.crisis.models import OnCallShift, RiskAlert
from tether.crisis.screener import record_risk_screen
from tether.crisis.services import add_shift, escalate_alert, raise_risk_alert

ALERT_DETAIL = "The patient pressed “I'm not safe right now”."


# Thoughts and a method, no intent, plan or behaviour: moderate on the Columbia triage.
SCREEN_ANSWERS = {
    "wish_dead": True,
    "thoughts": True,
    "method": True,
    "intent": False,
    "plan": False,
    "behavior": False,
}


def load(*, practice: Practice, now: datetime) -> None:
    if OnCallShift.objects.filter(practice=practice).exists():
        return  # loaded before: the demo changes nothing on a second run
    staff = {u.username: u for u in User.objects.filter(practice=practice)}
    _screen_an_open_alert(practice=practice, by=staff["demo-coordinator"], now=now)
    admin, on_call, backup = (
        staff["demo-admin"],
        staff["demo-clinician"],
        staff["demo-clinician-2"],
    )
    today = now.replace(minute=0, second=0, microsecond=0)
    # Yesterday's shift, today's (covering now) and tomorrow's, with the roles swapped.
    add_shift(
        practice=practice,
        by=admin,
        clinician=backup,
        backup=on_call,
        starts_at=today - timedelta(hours=36),
        ends_at=today - timedelta(hours=12),
    )
    add_shift(
        practice=practice,
        by=admin,
        clinician=on_call,
        backup=backup,
        starts_at=today - timedelta(hours=12),
        ends_at=today + timedelta(hours=12),
    )
    add_shift(
        practice=practice,
        by=admin,
        clinician=backup,
        backup=on_call,
        starts_at=today + timedelta(hours=12),
        ends_at=today + timedelta(hours=36),
    )
    patient = (
        Patient.objects.filter(practice=practice, user__isnull=False)
        .exclude(risk_alerts__status__in=[RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED])
        .order_by("-last_name", "-first_name")
        .first()
    )
    if patient is None:
        return
    raised = now - timedelta(minutes=25)
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=patient.user,
        detail=ALERT_DETAIL,
        at=raised,
    )
    limit = timedelta(minutes=practice.alert_ack_minutes)
    # Nobody acknowledged it: the sweep moved it to the backup, then to the admin.
    escalate_alert(alert_id=alert.pk, from_level=0, now=raised + limit)
    escalate_alert(alert_id=alert.pk, from_level=1, now=raised + 2 * limit)


def _screen_an_open_alert(*, practice: Practice, by: User, now: datetime) -> None:
    alert = (
        RiskAlert.objects.filter(
            patient__practice=practice,
            reason=RiskAlert.Reason.PHQ9_ITEM9,
            status=RiskAlert.Status.OPEN,
            patient__care_team__staff=by,
        )
        .order_by("created_at")
        .first()
    )
    if alert is not None:
        record_risk_screen(
            patient=alert.patient,
            answers=SCREEN_ANSWERS,
            entered_by=by,
            alert=alert,
            at=max(alert.created_at, now - timedelta(hours=1)),
        )
