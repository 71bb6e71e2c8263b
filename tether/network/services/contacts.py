"""The patient's support map: adding, changing and removing supports (contact details are
checked; what the patient writes about a support is screened), and what the patient says
they would like help with."""

from django.db import transaction

from tether.accounts.models import Patient, User
from tether.crisis.models import ScreenedText
from tether.crisis.screening import NOTHING, Screening, screen_text
from tether.network.models import SupportContact
from tether.network.services.errors import NetworkError
from tether.network.validation import ContactInvalid, clean_contact_details


@transaction.atomic
def add_support(
    *,
    patient: Patient,
    kind: str,
    name: str,
    by: User,
    relationship: str = "",
    phone: str = "",
    email: str = "",
    details: str = "",
    state: str = SupportContact.State.ACTIVE,
) -> SupportContact:
    """Add a support to the patient's map; contact details are checked before saving."""
    _check_choices(kind=kind, state=state, relationship=relationship)
    name, phone, email = clean_contact_details(
        name=name,
        phone=phone,
        email=email,
        country=patient.practice.country,
        needs_reach=False,
    )
    contact = SupportContact.objects.create(
        patient=patient,
        kind=kind,
        name=name,
        relationship=relationship if kind == SupportContact.Kind.TRUSTED_PERSON else "",
        phone=phone,
        email=email,
        details=(details or "").strip()[:300],
        state=state,
        created_by=by,
    )
    _screen_details(contact, by=by)
    return contact


def _screen_details(contact: SupportContact, *, by: User) -> None:
    # What the patient writes about a support passes the one screening, in this transaction:
    # crisis words raise an alert (and every page then shows the crisis lines first). Staff
    # notes are not screened.
    if by.pk != contact.patient.user_id or not contact.details:
        return
    screen_text(
        patient=contact.patient,
        text=contact.details,
        route=ScreenedText.Route.SUPPORT_DETAILS,
        written_by=by,
    )


def _check_choices(*, kind: str, state: str, relationship: str) -> None:
    problems = {}
    if kind not in SupportContact.Kind.values:
        problems["kind"] = f"“{kind}” is not a kind of support Tether knows."
    if state not in SupportContact.State.values:
        problems["state"] = f"“{state}” is not a state: use active, lapsed or declined."
    if relationship and relationship not in SupportContact.Relationship.values:
        problems["relationship"] = (
            f"“{relationship}” is not a relationship: use family, partner, friend or other."
        )
    if problems:
        raise ContactInvalid(problems)


@transaction.atomic
def update_support(
    *,
    contact: SupportContact,
    by: User,
    name: str | None = None,
    relationship: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    details: str | None = None,
    state: str | None = None,
) -> SupportContact:
    """Change a support's details or state; unchanged fields are left as they are."""
    new_state = state if state is not None else contact.state
    new_relationship = relationship if relationship is not None else contact.relationship
    _check_choices(kind=contact.kind, state=new_state, relationship=new_relationship)
    name, phone, email = clean_contact_details(
        name=name if name is not None else contact.name,
        phone=phone if phone is not None else contact.phone,
        email=email if email is not None else contact.email,
        country=contact.patient.practice.country,
        needs_reach=contact.invitation != SupportContact.Invitation.NOT_INVITED,
    )
    contact.name, contact.phone, contact.email = name, phone, email
    contact.relationship = new_relationship if contact.is_trusted_person else ""
    contact.state = new_state
    details_changed = details is not None and details.strip()[:300] != contact.details
    if details is not None:
        contact.details = details.strip()[:300]
    contact.save(
        update_fields=[
            "name",
            "phone",
            "email",
            "relationship",
            "state",
            "details",
            "updated_at",
        ]
    )
    if details_changed:
        _screen_details(contact, by=by)
    return contact


@transaction.atomic
def remove_support(*, contact: SupportContact, by: User) -> None:
    """Take a support off the map. Any link sent to a trusted person dies with it."""
    contact.delete()


@transaction.atomic
def set_help_wanted(*, patient: Patient, text: str) -> Screening:
    """Keep what the patient said they want help with, for the first conversation, and screen
    it in the same transaction: words that may mean they are in danger raise a risk alert for
    the care team, quoting them. Return the screening (NOTHING for an unchanged or empty text,
    so saving the same words again raises nothing new)."""
    text = (text or "").strip()
    if len(text) > 2000:
        raise NetworkError("Please keep this under 2,000 characters.")
    unchanged = text == patient.help_wanted
    patient.help_wanted = text
    patient.save(update_fields=["help_wanted"])
    if unchanged:
        return NOTHING
    return screen_text(
        patient=patient,
        text=text,
        route=ScreenedText.Route.HELP_WANTED,
        written_by=patient.user,
    )
