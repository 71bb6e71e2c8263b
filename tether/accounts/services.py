"""Writes for people, practices and care teams."""

from datetime import date

from django.db import transaction

from tether.accounts.models import (
    CareTeamMember,
    Patient,
    Practice,
    Role,
    User,
)
from tether.accounts.tokens import create_api_token  # noqa: F401  (its old home; callers import it here)


class CareTeamError(ValueError):
    """A care-team change that would break the practice's rules."""


@transaction.atomic
def register_patient(
    *,
    practice: Practice,
    first_name: str,
    last_name: str,
    coordinator: User,
    clinicians: list[User],
    user: User | None = None,
    preferred_name: str = "",
    date_of_birth: date | None = None,
) -> Patient:
    """Register a patient with their care team: one coordinator and at least one clinician."""
    if not clinicians:
        raise CareTeamError("A care team needs at least one clinician.")
    if coordinator.role != Role.COORDINATOR:
        raise CareTeamError(f"{coordinator.username} is not a care coordinator.")
    for staff in [coordinator, *clinicians]:
        if staff.practice_id != practice.pk:
            raise CareTeamError(f"{staff.username} works at another practice.")
    patient = Patient.objects.create(
        practice=practice,
        user=user,
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
    )
    CareTeamMember.objects.create(
        patient=patient, staff=coordinator, team_role=CareTeamMember.TeamRole.COORDINATOR
    )
    for clinician in clinicians:
        add_clinician(patient=patient, clinician=clinician)
    return patient


def add_clinician(*, patient: Patient, clinician: User) -> CareTeamMember:
    """Put a clinician on a patient's care team (idempotent)."""
    if clinician.role != Role.CLINICIAN:
        raise CareTeamError(f"{clinician.username} is not a clinician.")
    if clinician.practice_id != patient.practice_id:
        raise CareTeamError(f"{clinician.username} works at another practice.")
    member, _ = CareTeamMember.objects.get_or_create(
        patient=patient,
        staff=clinician,
        defaults={"team_role": CareTeamMember.TeamRole.CLINICIAN},
    )
    return member
