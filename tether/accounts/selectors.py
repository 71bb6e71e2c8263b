"""Who works where: the one answer to "who are this practice's staff, admins, coordinator and
treating clinician", for every app.

Active accounts only, always in the same order (oldest account first, then id), so "the admin"
paged for an alert and "the admin" told of overdue outreach are the same person.
"""

from uuid import UUID

from django.db.models import QuerySet

from tether.accounts.models import CareTeamMember, Patient, Role, User

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.PEER_SUPPORTER)
# Staff who may be on a patient's care team and see clinical records.
CARE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN)


def practice_staff(practice_id: UUID, *roles: str) -> QuerySet[User]:
    """Return the active staff of the practice with any of `roles` (every staff role when none
    is given), oldest account first."""
    return User.objects.filter(
        practice_id=practice_id, role__in=roles or STAFF_ROLES, is_active=True
    ).order_by("date_joined", "pk")


def practice_admins(practice_id: UUID) -> QuerySet[User]:
    """Return the practice's active admins, oldest account first."""
    return practice_staff(practice_id, Role.ADMIN)


def first_admin(practice_id: UUID) -> User | None:
    """Return the practice's longest-serving active admin, if it has one."""
    return practice_admins(practice_id).first()


def _first_on_care_team(patient: Patient, team_role: str) -> User | None:
    """Return the active staff member who joined the patient's care team first in
    `team_role`, if any."""
    member = (
        CareTeamMember.objects.filter(patient=patient, team_role=team_role, staff__is_active=True)
        .select_related("staff")
        .order_by("added_at", "pk")
        .first()
    )
    return member.staff if member else None


def care_coordinator(patient: Patient) -> User | None:
    """Return the patient's active care coordinator, if they have one."""
    return _first_on_care_team(patient, CareTeamMember.TeamRole.COORDINATOR)


def coordinator_or_admin(patient: Patient) -> User | None:
    """Return who answers for the patient's outreach: their coordinator, else the practice's
    first admin."""
    return care_coordinator(patient) or first_admin(patient.practice_id)


def treating_clinician(patient: Patient) -> User | None:
    """Return the active clinician who joined the patient's care team first, if any."""
    return _first_on_care_team(patient, CareTeamMember.TeamRole.CLINICIAN)
