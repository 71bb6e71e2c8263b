"""/api/v1 for the crisis layer: the patient's own routes (/me/not-safe, /me/screener), doing
what the web's button and screener page do; risk alerts for the care staff who may see them;
the practice's on-call rota and alert response times. Through the same services as the web."""

from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from tether.access import get_alert_for_staff, get_own_patient, may_change_rota
from tether.accounts.models import Patient, Practice, User
from tether.api.auth import ApiRequest
from tether.api.crisis_schemas import (
    AlertOut,
    AlertRaisedOut,
    ResolveIn,
    ResponseTimesOut,
    ScreenIn,
    ScreenOut,
    ShiftIn,
    ShiftOut,
)
from tether.api.errors import Error, require_care_staff
from tether.api.pagination import Pages
from tether.crisis import triage
from tether.crisis.models import OnCallShift, RiskAlert
from tether.crisis.resources import resources_for
from tether.crisis.screener import call_first, record_risk_screen
from tether.crisis.selectors import alert_queue, response_times, rota
from tether.crisis.services import (
    ShiftInvalid,
    acknowledge_alert,
    add_shift,
    open_alert_of,
    patient_message_after_alert,
    raise_risk_alert,
    remove_shift,
    resolve_alert,
)

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
def not_safe(request: ApiRequest):
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
def screener(request: ApiRequest, payload: ScreenIn):
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


# --- Risk alerts ------------------------------------------------------------------------------
# Operation ids keep the names these endpoints had in api.py before it was split by domain:
# clients generated from the OpenAPI document call them by these names.


@router.get(
    "/alerts", response=list[AlertOut], tags=["alerts"], operation_id="tether_api_api_list_alerts"
)
@paginate(Pages)
def list_alerts(request: ApiRequest):
    """Unresolved risk alerts the caller may see: unacknowledged first, newest at the top."""
    return alert_queue(request.auth)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, 404: Error, 409: Error},
    tags=["alerts"],
    operation_id="tether_api_api_acknowledge",
)
def acknowledge(request: ApiRequest, alert_id: UUID):
    """Record that you have seen the alert and are acting on it."""
    alert = get_alert_for_staff(request.auth, alert_id)
    return acknowledge_alert(alert=alert, by=request.auth)


@router.post(
    "/alerts/{alert_id}/resolve",
    response={200: AlertOut, 400: Error, 404: Error, 409: Error},
    tags=["alerts"],
    operation_id="tether_api_api_resolve",
)
def resolve(request: ApiRequest, alert_id: UUID, payload: ResolveIn):
    """Close the alert with a note of what was done."""
    alert = get_alert_for_staff(request.auth, alert_id)
    if not payload.note.strip():
        raise HttpError(400, "Please write a note saying what was done before resolving.")
    return resolve_alert(alert=alert, by=request.auth, note=payload.note)


# --- On-call rota and alert response times ----------------------------------------------------


def _staff_practice(request: ApiRequest) -> Practice:
    require_care_staff(request.auth)
    if request.auth.practice is None:
        raise HttpError(403, "Only staff of a practice may do this.")
    return request.auth.practice


def _practice_user(practice: Practice, user_id: int, what: str) -> User:
    user = User.objects.filter(pk=user_id, practice=practice).first()
    if user is None:
        raise ShiftInvalid(f"The {what} must be a clinician of this practice.")
    return user


@router.get(
    "/on-call",
    response={200: list[ShiftOut], 403: Error},
    operation_id="tether_api_api_list_on_call",
)
@paginate(Pages)
def list_on_call(request: ApiRequest):
    """The practice's on-call rota: shifts running now or starting in the next 14 days,
    paginated."""
    return rota(_staff_practice(request), now=timezone.now())


@router.post(
    "/on-call",
    response={201: ShiftOut, 400: Error, 403: Error},
    operation_id="tether_api_api_create_on_call_shift",
)
def create_on_call_shift(request: ApiRequest, payload: ShiftIn):
    """Add a shift (practice admin only). Times must carry a time zone; the end must come
    after the start; clinician and backup must be clinicians of the practice."""
    practice = _staff_practice(request)
    if not may_change_rota(request.auth, practice.pk):
        raise HttpError(403, "Only the practice admin can change the on-call rota.")
    shift = add_shift(
        practice=practice,
        by=request.auth,
        clinician=_practice_user(practice, payload.clinician_id, "on-call clinician"),
        backup=(
            None
            if payload.backup_id is None
            else _practice_user(practice, payload.backup_id, "backup")
        ),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, shift)


@router.delete(
    "/on-call/{shift_id}",
    response={204: None, 403: Error, 404: Error},
    operation_id="tether_api_api_delete_on_call_shift",
)
def delete_on_call_shift(request: ApiRequest, shift_id: UUID):
    """Remove a shift (practice admin only)."""
    practice = _staff_practice(request)
    shift = OnCallShift.objects.filter(pk=shift_id, practice=practice).first()
    if shift is None:
        raise Http404("No such shift.")
    try:
        remove_shift(shift=shift, by=request.auth)
    except ShiftInvalid as error:
        raise HttpError(403, str(error)) from None
    return Status(204, None)


@router.get(
    "/alerts/response-times",
    response={200: ResponseTimesOut, 403: Error},
    operation_id="tether_api_api_alert_response_times",
)
def alert_response_times(request: ApiRequest):
    """Time from alert to acknowledgement for alerts raised this month (practice time zone):
    median, 90th percentile and longest, in seconds."""
    return response_times(_staff_practice(request), now=timezone.now())
