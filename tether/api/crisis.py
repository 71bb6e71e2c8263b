"""/api/v1/me/not-safe and /api/v1/me/screener: the patient's own crisis routes, doing what
the web's button and screener page do, through the same services."""

from django.http import HttpRequest
from ninja import Router, Status

from tether.access import get_own_patient
from tether.accounts.models import Patient
from tether.api.schemas import AlertRaisedOut, Error, ScreenIn, ScreenOut
from tether.crisis import triage
from tether.crisis.models import RiskAlert
from tether.crisis.resources import resources_for
from tether.crisis.screener import call_first, record_risk_screen
from tether.crisis.services import open_alert_of, patient_message_after_alert, raise_risk_alert

router = Router(tags=["crisis"])

# Said with the resources after a screener that raised no alert (all "no", nothing open).
NO_ALERT_MESSAGE = (
    "Thank you for answering. If things change, tell us at any time with "
    "POST /me/not-safe, or call one of these lines."
)


def crisis_support(patient: Patient, alert: RiskAlert | None) -> dict:
    """Return the practice's crisis resources and what to tell the patient with them."""
    practice = patient.practice
    return {
        "crisis_resources": resources_for(country=practice.country, practice_slug=practice.slug),
        "support_message": patient_message_after_alert(alert) if alert else NO_ALERT_MESSAGE,
    }


@router.post("/me/not-safe", response={201: AlertRaisedOut, 401: Error, 404: Error})
def not_safe(request: HttpRequest):
    """Patients only: "I'm not safe right now". Raises a risk alert for the care team (or,
    when one is already open, adds to it and pages whoever holds it again) and answers with
    the crisis resources to show at once and what to tell the patient. Anyone else gets 404,
    as for every /me route."""
    patient = get_own_patient(request.auth)
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=request.auth,
        detail="The patient said “I'm not safe right now” (through the API).",
    )
    return Status(201, {"alert_id": alert.pk, **crisis_support(patient, alert)})


@router.post("/me/screener", response={201: ScreenOut, 400: Error, 401: Error, 404: Error})
def screener(request: HttpRequest, payload: ScreenIn):
    """Patients only: answer the Columbia screener (C-SSRS). The answers set the triage of
    the patient's open alert; on its own, any yes raises an alert. High triage pages the
    care team at once and returns `call_first`, the crisis line to show first."""
    patient = get_own_patient(request.auth)
    screen = record_risk_screen(
        patient=patient,
        answers=payload.answers,
        entered_by=request.auth,
        alert=open_alert_of(patient),
    )
    support = crisis_support(patient, screen.alert)
    first = call_first(support["crisis_resources"]) if screen.triage == triage.HIGH else None
    return Status(
        201,
        {
            "id": screen.pk,
            "triage": screen.triage,
            "answers": screen.answers,
            "alert_id": screen.alert_id,
            "completed_at": screen.completed_at,
            "call_first": first[1].href if first else None,
            "crisis": support,
        },
    )
