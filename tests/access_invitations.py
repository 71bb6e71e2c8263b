"""The invitation routes' part of the access matrix (tests/access_table.py): who may invite,
and the records each request needs, made before it (a patient without an account on the
scope's care team, invited by its coordinator)."""

from tests.access_world import PATIENT_OF, PRACTICE, ROLE, TEAM, World
from tether.accounts.models import Patient, Role
from tether.accounts.services import register_patient
from tether.invitations.services import invite_patient
from tether.invitations.tokens import make_invitation_token


def may_invite(persona: str, scope: str | None) -> bool:
    """A coordinator or admin (of their own practice, for a page about no record)."""
    return ROLE[persona] in (Role.COORDINATOR, Role.ADMIN)


def may_invite_patient(persona: str, scope: str | None) -> bool:
    """The patient's coordinator and their practice's admin (not the clinician)."""
    return (
        scope is not None
        and persona in TEAM[PATIENT_OF[scope]]
        and ROLE[persona] in (Role.COORDINATOR, Role.ADMIN)
    )


def _newcomer(world: World, scope: str) -> Patient:
    """Return a new patient without an account on the care team of the scope's patient."""
    patient = world.patient(scope)
    team = {m.team_role: m.staff for m in patient.care_team.select_related("staff")}
    clinicians = [m.staff for m in patient.care_team.filter(team_role="clinician")]
    return register_patient(
        practice=patient.practice,
        first_name="New",
        last_name="Comer",
        coordinator=team["coordinator"],
        clinicians=clinicians,
    )


def prepare_newcomer(world: World, scope: str) -> None:
    world.scopes[scope].extra["newcomer_id"] = _newcomer(world, scope).pk


def prepare_invitation(world: World, scope: str) -> None:
    newcomer = _newcomer(world, scope)
    coordinator = newcomer.care_team.get(team_role="coordinator").staff
    invitation = invite_patient(patient=newcomer, by=coordinator, email="new@example.org")
    extra = world.scopes[scope].extra
    extra["invitation_id"] = invitation.pk
    extra["tokens"]["patient_invitation"] = make_invitation_token(invitation)  # type: ignore[index]


def add_patient_form(world: World, scope: str, persona: str) -> dict:
    people = world.people
    outside = PRACTICE[persona] == "B"
    coordinator = people.outside_coordinator if outside else people.coordinator
    clinician = people.outside_clinician if outside else people.clinician
    return {
        "first_name": "New",
        "last_name": "Comer",
        "email": "new@example.org",
        "coordinator": str(coordinator.pk),
        "clinicians": [str(clinician.pk)],
        "send_now": "on",
    }


def invite_json(world: World, scope: str, persona: str) -> dict:
    return {"patient_id": str(world.scopes[scope].extra["newcomer_id"]), "email": "n@example.org"}
