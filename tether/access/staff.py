"""The practice's staff: the practice a staff page is about, which of its staff a user may
pick, and who runs the practice."""

from django.db.models import QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.accounts.models import STAFF_ROLES, Patient, Practice, Role, User
from tether.accounts.selectors import practice_staff


def my_practice(user: User) -> Practice:
    """Return `user`'s own practice, else raise Http404: a page about a practice (its rota, its
    groups, its outcomes) does not exist for an account outside one."""
    if user.practice is None:
        raise Http404("No practice.")
    return user.practice


def my_practice_staff(user: User, *roles: str) -> QuerySet[User]:
    """Return the active staff of `user`'s own practice with any of `roles` (every staff role
    when none is given): the people a patient or a staff member may choose (a peer supporter,
    a clinician to filter by). Nobody outside a practice sees any."""
    if not user.is_authenticated or not user.is_active or user.practice_id is None:
        return User.objects.none()
    return practice_staff(user.practice_id, *roles)


def get_practice_staff(user: User, staff_id: object, *roles: str) -> User:
    """Return an active staff member of `user`'s own practice with one of `roles`, else raise
    Http404: another practice's staff, a patient and an inactive account are unknown."""
    return one_or_404(my_practice_staff(user, *roles), staff_id, "staff member")


def is_practice_admin(user: User, practice_id: object) -> bool:
    """Return whether `user` is an active admin of the practice `practice_id`."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.ADMIN
        and user.practice_id is not None
        and user.practice_id == practice_id
    )


def colleagues_for_factor_reset(user: User) -> QuerySet[User]:
    """Return the staff whose second factor `user` may reset: an active practice admin's
    colleagues (every active staff member of their own practice but themselves, who change
    their own on their own page); nobody else's, and nobody for anyone but an admin."""
    if not user.is_authenticated or not user.is_active or user.role != Role.ADMIN:
        return User.objects.none()
    return my_practice_staff(user).exclude(pk=user.pk)


def get_colleague_for_factor_reset(user: User, staff_id: object) -> User:
    """Return the colleague whose second factor `user` may reset, else raise Http404."""
    return one_or_404(colleagues_for_factor_reset(user), staff_id, "staff member")


def may_manage_practice(user: User) -> bool:
    """Return whether `user` runs their practice: an active admin of it, who manages its staff
    and its settings. Nobody else does, coordinators and clinicians included."""
    return user.is_authenticated and is_practice_admin(user, user.practice_id)


def managed_staff(user: User) -> QuerySet[User]:
    """Return the staff accounts `user` manages: every staff member of an admin's own practice,
    deactivated ones too (so they can be seen and brought back); nobody for anyone else."""
    if not may_manage_practice(user) or user.practice_id is None:
        return User.objects.none()
    return User.objects.filter(practice_id=user.practice_id, role__in=STAFF_ROLES).order_by(
        "last_name", "first_name", "pk"
    )


def get_managed_staff(user: User, staff_id: object) -> User:
    """Return a staff account `user` manages, else raise Http404."""
    return one_or_404(managed_staff(user), staff_id, "staff member")


def may_change_care_team(user: User, patient: Patient) -> bool:
    """Return whether `user` may change `patient`'s care team: an active care coordinator or
    admin of the patient's own practice (who reached the patient through access.get_patient,
    so a coordinator changes the teams of the patients they coordinate)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.COORDINATOR, Role.ADMIN)
        and user.practice_id is not None
        and user.practice_id == patient.practice_id
    )
