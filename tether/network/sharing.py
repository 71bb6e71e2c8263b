"""Suggested sharing: care staff may suggest what a trusted person could see or be told; only
the patient turns a suggestion into consent.

Rules:
- Staff (and only staff) store suggestions on the contact; a suggestion shares nothing and
  sends nothing.
- The patient shares one suggested scope at a time ("Share this") or all of them at once,
  through the same consent service as their own choices. If the person was never invited,
  sharing invites them, as the patient: the invitation says the patient asked, because
  they did.
- The patient may set suggestions aside; nothing is shared.
"""

from collections.abc import Collection

from django.db import transaction

from tether.access import may_suggest_sharing, may_widen_sharing
from tether.accounts.models import User
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    NetworkError,
    OnlyThePatientShares,
    active_scopes,
    invite_trusted_person,
    set_consent,
)


class OnlyStaffSuggest(NetworkError):
    """A suggestion comes from the care team; the patient shares directly instead."""

    def __init__(self) -> None:
        super().__init__("Only the care team makes suggestions; you can share it yourself.")


def _checked(contact: SupportContact, scopes: Collection[str]) -> list[str]:
    if not contact.is_trusted_person:
        raise NetworkError("Only a trusted person can be given sharing choices.")
    unknown = set(scopes) - set(ConsentScope.values)
    if unknown:
        raise NetworkError(f"Unknown sharing choices: {', '.join(sorted(unknown))}.")
    # In the order the patient sees them everywhere else.
    return [value for value in ConsentScope.values if value in set(scopes)]


@transaction.atomic
def suggest_sharing(
    *, contact: SupportContact, scopes: Collection[str], by: User
) -> SupportContact:
    """Suggest exactly `scopes` for the patient to confirm (an empty list clears them).
    Scopes already shared are left out. Nothing is shared or sent."""
    if not may_suggest_sharing(by, contact):
        raise OnlyStaffSuggest()
    chosen = _checked(contact, scopes)
    contact = SupportContact.objects.select_for_update().get(pk=contact.pk)
    shared = active_scopes(contact)
    contact.suggested_scopes = [scope for scope in chosen if scope not in shared]
    contact.save(update_fields=["suggested_scopes", "updated_at"])
    return contact


@transaction.atomic
def share_suggested(
    *, contact: SupportContact, by: User, scopes: Collection[str] | None = None
) -> SupportContact:
    """The patient shares the suggested `scopes` (None: every suggestion) on top of what
    they already share. A person never invited is invited now, by the patient."""
    if not may_widen_sharing(by, contact):
        raise OnlyThePatientShares()
    contact = SupportContact.objects.select_for_update().get(pk=contact.pk)
    suggested = list(contact.suggested_scopes or [])
    chosen = suggested if scopes is None else _checked(contact, scopes)
    if not chosen or not set(chosen) <= set(suggested):
        raise NetworkError("That is not one of the suggestions waiting for you.")
    wanted = active_scopes(contact) | set(chosen)
    every_days = contact.check_in_every_days or (
        7 if ConsentScope.NUDGE_CHECK_IN in wanted else None
    )
    if contact.invitation in (
        SupportContact.Invitation.INVITED,
        SupportContact.Invitation.ACCEPTED,
    ):
        return set_consent(contact=contact, scopes=wanted, by=by, check_in_every_days=every_days)
    return invite_trusted_person(
        contact=contact, scopes=wanted, by=by, check_in_every_days=every_days
    )


@transaction.atomic
def set_suggestions_aside(*, contact: SupportContact, by: User) -> SupportContact:
    """The patient says "not now" to every suggestion: nothing is shared."""
    if not may_widen_sharing(by, contact):
        raise OnlyThePatientShares()
    contact.suggested_scopes = []
    contact.save(update_fields=["suggested_scopes", "updated_at"])
    return contact
