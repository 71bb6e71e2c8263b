"""/api/v1 for the practice's staff and care teams: the care staff of one's own practice, and
changing a patient's care team (tether.staffing.services, the same rules as the web page).
Someone whose role may not is answered 403; a patient one may not see, 404; bad input, 400
with nothing changed."""

from uuid import UUID

from django.db.models import Count
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from tether import access
from tether.accounts.models import CARE_TEAM_ROLES, Patient, Role, User
from tether.accounts.services import CareTeamError
from tether.api.auth import ApiRequest
from tether.api.errors import Error, require_care_staff
from tether.api.pagination import Pages
from tether.staffing.services import change_care_team
from tether.staffing.work import care_team_of

router = Router(tags=["staff"])


class StaffOut(Schema):
    id: int
    name: str
    role: str
    email: str
    phone: str
    caseload: int | None  # patients on their care teams; None for roles that hold none


class TeamMemberOut(Schema):
    id: int
    name: str


class CareTeamIn(Schema):
    coordinator_id: int
    clinician_ids: list[int]


class CareTeamOut(Schema):
    patient_id: UUID
    coordinator: TeamMemberOut | None
    clinicians: list[TeamMemberOut]
    changed: bool


@router.get(
    "/staff",
    response={200: list[StaffOut], 403: Error},
    operation_id="tether_api_api_list_staff",
)
@paginate(Pages)
def list_staff(request: ApiRequest):
    """The active care staff of your own practice (coordinators, clinicians, admins), with
    each coordinator's and clinician's caseload. Care staff only."""
    require_care_staff(request.auth)
    staff = access.my_practice_staff(
        request.auth, Role.COORDINATOR, Role.CLINICIAN, Role.ADMIN
    ).annotate(patients=Count("care_teams"))
    return [
        {
            "id": s.pk,
            "name": s.display_name,
            "role": s.role,
            "email": s.email,
            "phone": s.phone,
            "caseload": s.patients if s.role in CARE_TEAM_ROLES else None,
        }
        for s in staff
    ]


def _colleague(user: User, staff_id: int, role: str, what: str) -> User:
    found = access.my_practice_staff(user, role).filter(pk=staff_id).first()
    if found is None:
        raise CareTeamError(f"{what} {staff_id} is not an active {role} of your practice.")
    return found


def _team(patient: Patient, changed: bool) -> dict:
    team = care_team_of(patient)
    return {
        "patient_id": patient.pk,
        "coordinator": (
            {"id": team.coordinator.pk, "name": team.coordinator.display_name}
            if team.coordinator
            else None
        ),
        "clinicians": [{"id": c.pk, "name": c.display_name} for c in team.clinicians],
        "changed": changed,
    }


@router.post(
    "/patients/{patient_id}/care-team",
    response={200: CareTeamOut, 400: Error, 403: Error, 404: Error},
    operation_id="tether_api_api_change_care_team",
)
def change_patient_care_team(request: ApiRequest, patient_id: UUID, payload: CareTeamIn):
    """Give the patient this coordinator and these clinicians (at least one), all active staff
    of your practice. Care coordinators (of the patients they coordinate) and practice admins
    only. Each change is recorded and the patient is told their care team changed."""
    if request.auth.role not in (Role.COORDINATOR, Role.ADMIN):
        raise HttpError(403, "Only care coordinators and practice admins change care teams.")
    patient = access.get_patient(request.auth, patient_id)
    if not access.may_change_care_team(request.auth, patient):
        raise HttpError(403, "Only care coordinators and practice admins change care teams.")
    try:
        coordinator = _colleague(request.auth, payload.coordinator_id, Role.COORDINATOR, "Staff")
        clinicians = [
            _colleague(request.auth, pk, Role.CLINICIAN, "Staff")
            for pk in dict.fromkeys(payload.clinician_ids)
        ]
        changed = change_care_team(
            patient=patient, by=request.auth, coordinator=coordinator, clinicians=clinicians
        )
    except CareTeamError as error:
        return Status(400, {"detail": str(error), "problems": [str(error)]})
    return _team(patient, changed)
