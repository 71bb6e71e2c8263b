"""/api/v1: thin endpoints over the same access rules and services as the web."""

from datetime import datetime
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from tether.access import get_alert_for_staff, get_patient, is_care_staff
from tether.accounts.models import Role, User
from tether.api.auth import AUTH
from tether.api.care import router as care_router
from tether.api.crisis import crisis_support
from tether.api.crisis import router as crisis_router
from tether.api.engagement import router as engagement_router
from tether.api.network import router as network_router
from tether.api.peers import router as peers_router
from tether.api.schemas import (
    AlertOut,
    AssessmentCreatedOut,
    AssessmentIn,
    AssessmentOut,
    CaseloadRow,
    Error,
    InstrumentOut,
    ResolveIn,
)
from tether.assessments.instruments import INSTRUMENTS
from tether.assessments.models import Assessment
from tether.assessments.scoring import AnswersInvalid
from tether.assessments.services import submit_assessment
from tether.care.selectors import caseload, last_contact
from tether.crisis.models import OnCallShift
from tether.crisis.selectors import alert_queue, response_times, rota
from tether.crisis.services import (
    AlertStateError,
    ShiftInvalid,
    acknowledge_alert,
    add_shift,
    remove_shift,
    resolve_alert,
)
from tether.crisis.triage import ScreenInvalid
from tether.network.selectors import coverage_summaries
from tether.network.services import NetworkError, SafetyPlanInvalid
from tether.network.validation import ContactInvalid

api = NinjaAPI(
    title="Tether API",
    version="1",
    description=(
        "Self-assessments, risk alerts, caseloads and each patient's support network (contacts, "
        "consent, safety plan, personal plan). Authenticate with a session (plus CSRF "
        "token) or `Authorization: Bearer <token>` from `manage.py create_api_token`. "
        "A record you may not see answers 404, the same as one that does not exist."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=AUTH,
)


def _readable(error: dict) -> str:
    loc = list(error.get("loc", ()))
    if loc[:2] == ["body", "payload"]:  # ninja's own prefix, not a field called "body"
        loc = loc[2:]
    where = ".".join(str(part) for part in loc)
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid")


@api.exception_handler(ValidationError)
def on_invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [_readable(e) for e in exc.errors]
    return api.create_response(
        request,
        {"detail": "The request is not valid: " + "; ".join(problems), "problems": problems},
        status=400,
    )


@api.exception_handler(AnswersInvalid)
def on_invalid_answers(request: HttpRequest, exc: AnswersInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": exc.problems}, status=400)


@api.exception_handler(ScreenInvalid)
def on_invalid_screen(request: HttpRequest, exc: ScreenInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": exc.problems}, status=400)


@api.exception_handler(AlertStateError)
def on_alert_state(request: HttpRequest, exc: AlertStateError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": []}, status=409)


@api.exception_handler(ShiftInvalid)
def on_invalid_shift(request: HttpRequest, exc: ShiftInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": []}, status=400)


@api.exception_handler(ContactInvalid)
@api.exception_handler(SafetyPlanInvalid)
def on_invalid_network_input(
    request: HttpRequest, exc: ContactInvalid | SafetyPlanInvalid
) -> HttpResponse:
    problems = [f"{field}: {message}" for field, message in exc.problems.items()]
    return api.create_response(request, {"detail": str(exc), "problems": problems}, status=400)


@api.exception_handler(NetworkError)
def on_network_rule(request: HttpRequest, exc: NetworkError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": []}, status=400)


# Django-ninja's own errors, in the same {"detail", "problems"} shape as ours.
@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One fixed message: an unknown record and a forbidden one must read the same.
    return api.create_response(request, {"detail": "Not found.", "problems": []}, status=404)


@api.exception_handler(AuthenticationError)
def on_not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Sign in, or send Authorization: Bearer <token>."
    return api.create_response(request, {"detail": detail, "problems": []}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        detail = "The request body is not valid JSON."
    return api.create_response(request, {"detail": detail, "problems": []}, status=exc.status_code)


api.add_router("", network_router)
api.add_router("", engagement_router)
api.add_router("", peers_router)
api.add_router("", care_router)
api.add_router("", crisis_router)


def _require_care_staff(request: HttpRequest) -> None:
    if not is_care_staff(request.auth):
        raise HttpError(403, "Only care coordinators, clinicians and practice admins may do this.")


@api.get("/instruments", response=list[InstrumentOut], auth=None, tags=["assessments"])
def list_instruments(request: HttpRequest):
    """The questionnaires Tether can score, with their items, options and severity bands."""
    return list(INSTRUMENTS.values())


@api.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentCreatedOut, 400: Error, 404: Error},
    tags=["assessments"],
)
def create_assessment(request: HttpRequest, patient_id: UUID, payload: AssessmentIn):
    """Submit a questionnaire. A PHQ-9 with question 9 above 0 raises a risk alert in the
    same transaction (or adds to the one already open); its id is returned as `alert_id`,
    with `crisis`: the crisis resources and the message to show the patient at once. Such a
    PHQ-9 is kept even with unanswered questions (null): `complete` false, no total, and it
    never counts as a score; any other gap is refused with 400 and nothing is stored."""
    patient = get_patient(request.auth, patient_id)
    submitted = submit_assessment(
        patient=patient,
        instrument=payload.instrument,
        answers=payload.answers,
        difficulty=payload.difficulty,
        entered_by=request.auth,
    )
    answer = submitted.assessment
    answer.answer_alert = submitted.alert  # type: ignore[attr-defined]
    answer.answer_crisis = (  # type: ignore[attr-defined]
        crisis_support(patient, submitted.alert) if submitted.alert else None
    )
    return Status(201, answer)


@api.get(
    "/patients/{patient_id}/assessments",
    response={200: list[AssessmentOut], 404: Error},
    tags=["assessments"],
)
@paginate(LimitOffsetPagination)
def list_assessments(request: HttpRequest, patient_id: UUID):
    """The patient's questionnaires, newest first."""
    patient = get_patient(request.auth, patient_id)
    return (
        Assessment.objects.filter(patient=patient)
        .select_related("risk_alert")
        .order_by("-completed_at")
    )


@api.get("/alerts", response=list[AlertOut], tags=["alerts"])
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest):
    """Unresolved risk alerts the caller may see: unacknowledged first, newest at the top."""
    return alert_queue(request.auth)


@api.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, 404: Error, 409: Error},
    tags=["alerts"],
)
def acknowledge(request: HttpRequest, alert_id: UUID):
    """Record that you have seen the alert and are acting on it."""
    alert = get_alert_for_staff(request.auth, alert_id)
    return acknowledge_alert(alert=alert, by=request.auth)


@api.post(
    "/alerts/{alert_id}/resolve",
    response={200: AlertOut, 400: Error, 404: Error, 409: Error},
    tags=["alerts"],
)
def resolve(request: HttpRequest, alert_id: UUID, payload: ResolveIn):
    """Close the alert with a note of what was done."""
    alert = get_alert_for_staff(request.auth, alert_id)
    if not payload.note.strip():
        raise HttpError(400, "Please write a note saying what was done before resolving.")
    return resolve_alert(alert=alert, by=request.auth, note=payload.note)


@api.get("/caseload", response={200: list[CaseloadRow], 403: Error}, tags=["caseload"])
@paginate(LimitOffsetPagination)
def get_caseload(request: HttpRequest):
    """The caller's caseload: patients with an unresolved alert first."""
    _require_care_staff(request)
    return _CaseloadRows(caseload(request.auth))


class _CaseloadRows:
    """Adapts the caseload queryset to API rows while keeping pagination's slicing lazy."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        rows = list(self.queryset[window])
        # One go for the whole slice: a constant number of queries whatever its length.
        coverage = coverage_summaries([row.pk for row in rows])
        return [_caseload_row(row, network=coverage[row.pk]) for row in rows]


def _score(row, code: str) -> dict | None:
    total = getattr(row, f"{code}_total")
    if total is None:
        return None
    previous = getattr(row, f"{code}_previous")
    return {
        "total": total,
        "severity": getattr(row, f"{code}_severity"),
        "change": None if previous is None else total - previous,
    }


def _caseload_row(row, *, network: str) -> dict:
    return {
        "patient_id": row.pk,
        "name": row.full_name,
        "has_active_alert": row.has_active_alert,
        "phq9": _score(row, "phq9"),
        "gad7": _score(row, "gad7"),
        "network": network,
        "last_contact": last_contact(row),
    }


# --- On-call rota and alert response times (crisis) -----------------------------------------


class ShiftOut(Schema):
    id: UUID
    clinician_id: int
    clinician: str
    backup_id: int | None
    backup: str | None
    starts_at: datetime
    ends_at: datetime

    @staticmethod
    def resolve_clinician(shift: OnCallShift) -> str:
        return shift.clinician.display_name

    @staticmethod
    def resolve_backup(shift: OnCallShift) -> str | None:
        return shift.backup.display_name if shift.backup else None


class ShiftIn(Schema):
    clinician_id: int
    backup_id: int | None = None
    starts_at: datetime
    ends_at: datetime


class ResponseTimesOut(Schema):
    month_start: datetime
    acknowledged: int
    unacknowledged: int
    median_seconds: float | None
    p90_seconds: float | None
    longest_seconds: float | None


def _staff_practice(request: HttpRequest):
    _require_care_staff(request)
    if request.auth.practice is None:
        raise HttpError(403, "Only staff of a practice may do this.")
    return request.auth.practice


def _practice_user(practice, user_id: int | None, what: str):
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, practice=practice).first()
    if user is None:
        raise ShiftInvalid(f"The {what} must be a clinician of this practice.")
    return user


@api.get("/on-call", response={200: list[ShiftOut], 403: Error}, tags=["crisis"])
def list_on_call(request: HttpRequest):
    """The practice's on-call rota: shifts running now or starting in the next 14 days."""
    return list(rota(_staff_practice(request), now=timezone.now()))


@api.post("/on-call", response={201: ShiftOut, 400: Error, 403: Error}, tags=["crisis"])
def create_on_call_shift(request: HttpRequest, payload: ShiftIn):
    """Add a shift (practice admin only). Times must carry a time zone; the end must come
    after the start; clinician and backup must be clinicians of the practice."""
    practice = _staff_practice(request)
    if request.auth.role != Role.ADMIN:
        raise HttpError(403, "Only the practice admin can change the on-call rota.")
    shift = add_shift(
        practice=practice,
        by=request.auth,
        clinician=_practice_user(practice, payload.clinician_id, "on-call clinician"),
        backup=_practice_user(practice, payload.backup_id, "backup"),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, shift)


@api.delete("/on-call/{shift_id}", response={204: None, 403: Error, 404: Error}, tags=["crisis"])
def delete_on_call_shift(request: HttpRequest, shift_id: UUID):
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


@api.get("/alerts/response-times", response={200: ResponseTimesOut, 403: Error}, tags=["crisis"])
def alert_response_times(request: HttpRequest):
    """Time from alert to acknowledgement for alerts raised this month (practice time zone):
    median, 90th percentile and longest, in seconds."""
    return response_times(_staff_practice(request), now=timezone.now())
