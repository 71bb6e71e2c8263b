"""Writes for getting back in: each one forgets the account's failed sign-ins and leaves an
audit account event."""

from django.db import transaction

from tether.accounts.models import User
from tether.accounts.throttle import clear_account_failures
from tether.audit.models import AuditEvent
from tether.audit.services import record_account_event


@transaction.atomic
def lift_sign_in_pause(*, account: User, by: User) -> bool:
    """Lift the pause on `account`'s sign-in (its failed attempts are forgotten) and record
    that `by` lifted it. Return False, recording nothing, when it was not paused."""
    if not clear_account_failures(account.get_username()):
        return False
    record_account_event(actor=by, subject=account, action=AuditEvent.Action.ACCOUNT_UNLOCKED)
    return True


@transaction.atomic
def password_was_reset(*, account: User) -> None:
    """After `account` set a new password through an emailed link: lift any pause on its
    sign-in (the person proved they hold the account's email) and record the reset."""
    clear_account_failures(account.get_username())
    record_account_event(actor=account, subject=account, action=AuditEvent.Action.PASSWORD_RESET)
