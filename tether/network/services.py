"""Writes for the support network: contacts, trusted people and their consent, the safety
plan. Every function here is the only way its data changes."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tether.access import may_widen_sharing
from tether.access.links import Purpose, make_trusted_token
from tether.accounts.models import Patient, User
from tether.crisis.models import ScreenedText
from tether.crisis.resources import resources_for
from tether.crisis.screening import NOTHING, Screening, screen_text
from tether.lib.errors import Invalid
from tether.lib.urls import absolute_url
from tether.network.models import (
    Consent,
    ConsentScope,
    SafetyPlan,
    SupportContact,
    TrustedCheckIn,
    scope_for_trusted,
)
from tether.network.steps import MAX_ENTRIES_PER_STEP, MAX_ENTRY_LENGTH, SAFETY_PLAN_STEPS
from tether.network.validation import ContactInvalid, clean_contact_details
from tether.notifications.services import queue_email

CHECK_IN_SCHEDULES = {7: "Every week", 14: "Every two weeks", 28: "Every four weeks"}


class SafetyPlanInvalid(Invalid):
    """A safety plan that cannot be saved."""


class NetworkError(ValueError):
    """A change the network's rules don't allow, with a plain message."""


class OnlyThePatientShares(NetworkError):
    """Someone other than the patient tried to grant or widen what a trusted person sees.
    Views and the API answer it as a forbidden action (403)."""

    def __init__(self) -> None:
        super().__init__(
            "Only the patient can choose what a trusted person sees or is told. You can "
            "suggest it, and they confirm it on their support page."
        )


# --- Safety plan -------------------------------------------------------------------------


def _entries(value: Sequence[str] | str | None) -> list[str]:
    if value is None:
        return []
    lines = value.splitlines() if isinstance(value, str) else list(value)
    return [str(line).strip() for line in lines if str(line).strip()]


def clean_safety_plan(steps: Mapping[str, Sequence[str] | str | None]) -> dict[str, list[str]]:
    """Return each step as a list of entries, or raise SafetyPlanInvalid naming problems."""
    problems: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for step in SAFETY_PLAN_STEPS:
        raw = steps.get(step.field)
        if raw is not None and not isinstance(raw, str | list | tuple):
            problems[step.field] = f"“{step.title}” should be a list of short entries."
            continue
        entries = _entries(raw)
        if len(entries) > MAX_ENTRIES_PER_STEP:
            problems[step.field] = (
                f"“{step.title}” has {len(entries)} entries; please keep it to "
                f"{MAX_ENTRIES_PER_STEP} or fewer."
            )
        elif any(len(e) > MAX_ENTRY_LENGTH for e in entries):
            problems[step.field] = (
                f"An entry in “{step.title}” is longer than {MAX_ENTRY_LENGTH} characters; "
                "short lines are easier to read in a hard moment."
            )
        cleaned[step.field] = entries
    unknown = set(steps) - {s.field for s in SAFETY_PLAN_STEPS}
    if unknown:
        problems["plan"] = f"Unknown safety-plan steps: {', '.join(sorted(unknown))}."
    if not problems and not any(cleaned.values()):
        problems["plan"] = "Write at least one thing in any step to save your plan."
    if problems:
        raise SafetyPlanInvalid(problems)
    return cleaned


@transaction.atomic
def save_safety_plan(
    *,
    patient: Patient,
    steps: Mapping[str, Sequence[str] | str | None],
    written_by: User,
    with_clinician: User | None = None,
) -> SafetyPlan:
    """Save the next version of the patient's safety plan; earlier versions are kept."""
    cleaned = clean_safety_plan(steps)
    # Lock the patient so two saves at once cannot take the same version number.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    latest = patient.safety_plans.aggregate(v=Max("version"))["v"] or 0
    return SafetyPlan.objects.create(
        patient=patient,
        version=latest + 1,
        written_by=written_by,
        with_clinician=with_clinician,
        **cleaned,
    )


def current_safety_plan(patient: Patient) -> SafetyPlan | None:
    return patient.safety_plans.order_by("-version").first()


# --- Support contacts ----------------------------------------------------------------------


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


# --- Trusted people and consent ------------------------------------------------------------


def active_scopes(contact: SupportContact) -> set[str]:
    return set(contact.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True))


def _next_nudge(contact: SupportContact, now: datetime) -> datetime | None:
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
    if check_in_every_days is not None:
        contact.check_in_every_days = check_in_every_days
    if not scopes:
        contact.link_version += 1
    contact.next_nudge_at = _next_nudge(contact, now)
    contact.save(update_fields=["check_in_every_days", "link_version", "next_nudge_at"])
    return contact


def withdraw_consent(*, contact: SupportContact, by: User) -> SupportContact:
    """Stop sharing anything with this trusted person, effective immediately."""
    return set_consent(contact=contact, scopes=(), by=by)


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
            subject=f"{patient.called} would like you in their corner",
            body=_invitation_text(contact),
            purpose="trusted-invitation",
            patient=patient,
        )
    return contact


def _emergency_line(patient: Patient) -> str:
    resources = resources_for(country=patient.practice.country, practice_slug=patient.practice.slug)
    emergency = next((r for r in resources if r.kind == "emergency"), resources[0])
    return emergency.contacts[0].label


def _invitation_text(contact: SupportContact) -> str:
    patient = contact.patient
    shared = "\n".join(
        f"- {scope_for_trusted(scope, patient.called)}" for scope in sorted(active_scopes(contact))
    )
    return (
        f"Hello {contact.name},\n\n"
        f"{patient.full_name} is building a support network with their care team at "
        f"{patient.practice.name}, and asked for you as someone they trust.\n\n"
        f"They chose to share with you:\n{shared}\n\n"
        "You will never see their questionnaire answers or scores. You don't need an account.\n\n"
        f"Say yes or no here (the link works for 14 days):\n"
        f"{trusted_link(contact, Purpose.INVITATION)}\n\n"
        f"If you are ever worried they are in immediate danger: {_emergency_line(patient)}.\n"
    )


@transaction.atomic
def respond_to_invitation(*, contact: SupportContact, accept: bool) -> SupportContact:
    """The trusted person says yes or no. A no withdraws everything the patient shared."""
    contact = SupportContact.objects.select_for_update().get(pk=contact.pk)
    now = timezone.now()
    if accept:
        contact.invitation = SupportContact.Invitation.ACCEPTED
        contact.state = SupportContact.State.ACTIVE
        contact.next_nudge_at = _next_nudge(contact, now)
        contact.save(update_fields=["invitation", "state", "next_nudge_at", "updated_at"])
        return contact
    contact.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
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
