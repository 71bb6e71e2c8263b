"""Trusted people: their signed links, the invitation (only the patient invites), their
answer, and "I checked in" (the note is screened). Reminders to check in are sent by
network.sweeps."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.access import may_widen_sharing
from tether.access.links import Purpose, make_trusted_token
from tether.accounts.models import User
from tether.crisis.models import ScreenedText
from tether.crisis.screening import Screening, screen_text
from tether.lib.history import record_update
from tether.lib.urls import absolute_url
from tether.network.models import SupportContact, TrustedCheckIn
from tether.network.services.consent import next_nudge, set_consent
from tether.network.services.errors import NetworkError, OnlyThePatientShares
from tether.network.validation import ContactInvalid
from tether.notifications.services import queue_email


def trusted_link(contact: SupportContact, purpose: str) -> str:
    """Return the full URL of a signed link for the trusted person."""
    names = {
        Purpose.INVITATION: "trusted_invitation",
        Purpose.CHECK_IN: "trusted_check_in",
        Purpose.SAFETY_PLAN: "trusted_safety_plan",
    }
    return absolute_url(reverse(names[purpose], args=[make_trusted_token(contact, purpose)]))


@transaction.atomic
def invite_trusted_person(
    *,
    contact: SupportContact,
    scopes: Collection[str],
    by: User,
    check_in_every_days: int | None = None,
) -> SupportContact:
    """The patient asks a trusted person to be part of their support, sharing only `scopes`.
    Only the patient may: the invitation says they asked (staff suggest instead)."""
    if not contact.is_trusted_person:
        raise NetworkError("Only a trusted person can be invited.")
    if not may_widen_sharing(by, contact):
        raise OnlyThePatientShares()
    if not contact.email and not contact.phone:
        raise ContactInvalid({"email": "Add an email address (or a phone number) to invite them."})
    if not scopes:
        raise NetworkError("Choose at least one thing to share, or there is nothing to invite to.")
    contact = set_consent(
        contact=contact, scopes=scopes, by=by, check_in_every_days=check_in_every_days
    )
    if contact.invitation == SupportContact.Invitation.ACCEPTED:
        return contact  # already said yes: the new sharing choices apply at once
    contact.invitation = SupportContact.Invitation.INVITED
    contact.save(update_fields=["invitation"])
    if contact.email:
        patient = contact.patient
        queue_email(
            to=contact.email,
            subject="Someone you know would like you in their corner",
            body=_invitation_text(contact),
            purpose="trusted-invitation",
            patient=patient,
        )
    return contact


def _invitation_text(contact: SupportContact) -> str:
    # No names, no practice, nothing about health: an email can be read by others. The page
    # behind the link says who asked and what they share.
    return (
        "Hello,\n\n"
        "Someone you know has asked for you as a person they trust, and would like you in "
        "their corner.\n\n"
        "This link shows who it is and what they would like to share with you, and lets you "
        "say yes or no. You don't need an account, and the link is just for you (it works "
        "for 14 days):\n"
        f"{trusted_link(contact, Purpose.INVITATION)}\n"
    )


@transaction.atomic
def respond_to_invitation(*, contact: SupportContact, accept: bool) -> SupportContact:
    """The trusted person says yes or no. A no withdraws everything the patient shared."""
    contact = SupportContact.objects.select_for_update().get(pk=contact.pk)
    now = timezone.now()
    if accept:
        contact.invitation = SupportContact.Invitation.ACCEPTED
        contact.state = SupportContact.State.ACTIVE
        contact.next_nudge_at = next_nudge(contact, now)
        contact.save(update_fields=["invitation", "state", "next_nudge_at", "updated_at"])
        return contact
    if contact.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now):
        record_update(contact.consents.filter(withdrawn_at=now))
    contact.invitation = SupportContact.Invitation.DECLINED
    contact.state = SupportContact.State.DECLINED
    contact.next_nudge_at = None
    contact.link_version += 1  # the row is locked, so this cannot race
    contact.save(
        update_fields=["invitation", "state", "next_nudge_at", "link_version", "updated_at"]
    )
    return contact


@dataclass(frozen=True)
class CheckInRecorded:
    check_in: TrustedCheckIn
    screening: Screening  # of the note; NOTHING when there is none


@transaction.atomic
def record_trusted_check_in(
    *, contact: SupportContact, note: str = "", at: datetime | None = None
) -> CheckInRecorded:
    """The trusted person says "I checked in". A lapsed person becomes active again. The note
    is screened in the same transaction: words that may mean the patient is in danger raise a
    risk alert for the care team, quoting them (nobody moderates these notes)."""
    at = at or timezone.now()
    check_in = TrustedCheckIn.objects.create(
        contact=contact, at=at, note=(note or "").strip()[:500]
    )
    screening = screen_text(
        patient=contact.patient,
        text=check_in.note,
        route=ScreenedText.Route.TRUSTED_NOTE,
        written_by=None,
        written_by_name=contact.name,
        at=at,
    )
    contact.last_checked_in_at = at
    if contact.state == SupportContact.State.LAPSED:
        contact.state = SupportContact.State.ACTIVE
    # The next reminder counts from this check-in, not from the last reminder.
    if contact.next_nudge_at is not None and contact.check_in_every_days:
        contact.next_nudge_at = at + timedelta(days=contact.check_in_every_days)
    contact.save(update_fields=["last_checked_in_at", "state", "next_nudge_at", "updated_at"])
    return CheckInRecorded(check_in=check_in, screening=screening)
