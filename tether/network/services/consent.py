"""What a trusted person may see or be told: consent belongs to the patient, who alone may
grant or widen it; anyone may narrow it, and withdrawing everything retires every link."""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tether.access import may_widen_sharing
from tether.accounts.models import User
from tether.lib.history import record_update
from tether.network.models import Consent, ConsentScope, SupportContact
from tether.network.services.errors import NetworkError, OnlyThePatientShares

CHECK_IN_SCHEDULES = {7: "Every week", 14: "Every two weeks", 28: "Every four weeks"}


def active_scopes(contact: SupportContact) -> set[str]:
    """Return the scopes the patient shares with this trusted person now."""
    return set(contact.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True))


def next_nudge(contact: SupportContact, now: datetime) -> datetime | None:
    """Return when to remind this trusted person to check in next (None: no reminders):
    only once they accepted, chose how often, and the patient consents to reminders."""
    if (
        contact.check_in_every_days
        and contact.invitation == SupportContact.Invitation.ACCEPTED
        and ConsentScope.NUDGE_CHECK_IN in active_scopes(contact)
    ):
        return now + timedelta(days=contact.check_in_every_days)
    return None


@transaction.atomic
def set_consent(
    *,
    contact: SupportContact,
    scopes: Collection[str],
    by: User,
    check_in_every_days: int | None = None,
) -> SupportContact:
    """Make the trusted person's consent exactly `scopes`, from this moment. Withdrawing
    every scope also retires every link already sent to them."""
    if scopes and not contact.is_trusted_person:
        raise NetworkError("Only a trusted person can be given sharing choices.")
    unknown = set(scopes) - set(ConsentScope.values)
    if unknown:
        raise NetworkError(f"Unknown sharing choices: {', '.join(sorted(unknown))}.")
    if check_in_every_days is not None and check_in_every_days not in CHECK_IN_SCHEDULES:
        raise NetworkError("Choose how often: every week, every two weeks or every four weeks.")
    contact = SupportContact.objects.select_for_update().get(pk=contact.pk)
    now = timezone.now()
    current = active_scopes(contact)
    # Consent belongs to the patient: anyone else may only narrow it (withdraw).
    widens = bool(set(scopes) - current) or (
        check_in_every_days is not None and check_in_every_days != contact.check_in_every_days
    )
    if widens and not may_widen_sharing(by, contact):
        raise OnlyThePatientShares()
    for scope in set(scopes) - current:
        Consent.objects.create(contact=contact, scope=scope, granted_at=now, granted_by=by)
    # A scope the patient now shares is no longer a suggestion waiting for them.
    if contact.suggested_scopes and set(scopes) & set(contact.suggested_scopes):
        contact.suggested_scopes = [s for s in contact.suggested_scopes if s not in set(scopes)]
        contact.save(update_fields=["suggested_scopes"])
    withdrawn = current - set(scopes)
    if withdrawn:
        contact.consents.filter(scope__in=withdrawn, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=by
        )
        record_update(contact.consents.filter(scope__in=withdrawn, withdrawn_at=now))
    if check_in_every_days is not None:
        contact.check_in_every_days = check_in_every_days
    if not scopes:
        contact.link_version += 1
    contact.next_nudge_at = next_nudge(contact, now)
    contact.save(update_fields=["check_in_every_days", "link_version", "next_nudge_at"])
    return contact


def withdraw_consent(*, contact: SupportContact, by: User) -> SupportContact:
    """Stop sharing anything with this trusted person, effective immediately."""
    return set_consent(contact=contact, scopes=(), by=by)
