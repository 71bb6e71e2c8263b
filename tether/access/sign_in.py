"""Whose paused sign-in a user may see and lift: a practice admin, the accounts of their own
practice (patients and staff alike); nobody else, anyone's."""

from django.db.models import QuerySet

from tether.access.lookup import one_or_404
from tether.accounts.models import Role, User


def accounts_for_sign_in_help(user: User) -> QuerySet[User]:
    """Return the accounts whose paused sign-in `user` may see and lift: every account of an
    active practice admin's own practice; none for anyone else."""
    if (
        not user.is_authenticated
        or not user.is_active
        or user.role != Role.ADMIN
        or user.practice_id is None
    ):
        return User.objects.none()
    return User.objects.filter(practice_id=user.practice_id)


def get_account_for_sign_in_help(user: User, account_id: object) -> User:
    """Return the account `account_id` if `user` may lift its paused sign-in, else raise
    Http404: another practice's account is as unknown as a missing one."""
    return one_or_404(accounts_for_sign_in_help(user), account_id, "account")
