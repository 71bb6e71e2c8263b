"""The practice's staff: the practice a staff page is about, which of its staff a user may
pick, and who runs the practice."""

from django.db.models import QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.accounts.models import Practice, Role, User
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
