"""/api/v1 for questionnaires: the instruments Tether scores, and a patient's assessments,
submitted and listed through the access module and tether.assessments.services."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from tether.access import get_patient, visible_assessments
from tether.api.assessments_schemas import (
    AssessmentCreatedOut,
    AssessmentIn,
    AssessmentOut,
    InstrumentOut,
)
from tether.api.auth import ApiRequest
from tether.api.crisis import crisis_support
from tether.api.errors import Error
from tether.api.pagination import Pages
from tether.assessments.instruments import INSTRUMENTS
from tether.assessments.services import submit_assessment

router = Router(tags=["assessments"])

# Operation ids keep the names these endpoints had in api.py before it was split by domain:
# clients generated from the OpenAPI document call them by these names.


@router.get(
    "/instruments",
    response=list[InstrumentOut],
    auth=None,
    operation_id="tether_api_api_list_instruments",
)
def list_instruments(request: HttpRequest):
    """The questionnaires Tether can score, with their items, options and severity bands."""
    return list(INSTRUMENTS.values())


@router.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentCreatedOut, 400: Error, 404: Error},
    operation_id="tether_api_api_create_assessment",
)
def create_assessment(request: ApiRequest, patient_id: UUID, payload: AssessmentIn):
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
    # Read back by AssessmentCreatedOut's resolvers (see there why not from the model).
    answer.answer_alert = submitted.alert  # type: ignore[attr-defined]
    answer.answer_crisis = (  # type: ignore[attr-defined]
        crisis_support(patient, submitted.alert) if submitted.alert else None
    )
    return Status(201, answer)


@router.get(
    "/patients/{patient_id}/assessments",
    response={200: list[AssessmentOut], 404: Error},
    operation_id="tether_api_api_list_assessments",
)
@paginate(Pages)
def list_assessments(request: ApiRequest, patient_id: UUID):
    """The patient's questionnaires, newest first."""
    patient = get_patient(request.auth, patient_id)
    return (
        visible_assessments(request.auth)
        .filter(patient=patient)
        .select_related("risk_alert")
        .order_by("-completed_at")
    )
