"""The support network: a patient's supports, consent to share with a trusted person, and the
signed links a trusted person (or the patient, for their plan) opens without signing in."""

from django.db.models import QuerySet
from django.http import Http404

from tether.access.links import (
    PURPOSE_SCOPE,
    BadLink,
    Purpose,
    read_patient_plan_token,
    read_trusted_token,
)
from tether.access.lookup import one_or_404
from tether.access.patients import get_patient, is_care_staff_of, visible_patients
from tether.accounts.models import Patient, Role, User
from tether.lib.reads import LINK, Reader, door
from tether.network.models import Consent, SupportContact

LINK_GONE = "This link has expired or no longer works."

# What a trusted person's link shows them of the patient, for the audit trail.
_TRUSTED_LINK_WHAT = {
    Purpose.INVITATION: "invitation to be a trusted person",
    Purpose.CHECK_IN: "check-in request",
    Purpose.SAFETY_PLAN: "safety plan",
}


def _trusted_reader(*args: object, result: SupportContact, **kwargs: object) -> Reader:
    # Someone without an account: named as the patient named them.
    return Reader(user_id=None, practice_id=None, label=f"{result.name} (trusted person)")


def _plan_link_reader(*args: object, result: Patient, **kwargs: object) -> Reader:
    # The patient's own plan link, opened without signing in.
    return Reader(user_id=result.user_id, practice_id=result.practice_id)


@door("support network")
def get_support(user: User, patient_id: object, contact_id: object) -> SupportContact:
    """Return one of a visible patient's supports, else raise Http404."""
    patient = get_patient(user, patient_id)
    return one_or_404(patient.supports.all(), contact_id, "support")


@door("sharing choices", patient="contact__patient")
def active_consents(user: User) -> QuerySet[Consent]:
    """Return what the patients `user` may see share with their trusted people right now
    (not withdrawn)."""
    return Consent.objects.filter(
        contact__patient__in=visible_patients(user), withdrawn_at__isnull=True
    )


def may_widen_sharing(user: User, contact: SupportContact) -> bool:
    """Return whether `user` may grant or widen what this trusted person sees or is told:
    only the patient's own, active account."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.PATIENT
        and contact.patient.user_id == user.pk
    )


def may_suggest_sharing(user: User, contact: SupportContact) -> bool:
    """Return whether `user` may suggest what the patient shares with this trusted person, or
    withdraw it: the care staff of the patient's practice (the patient alone confirms)."""
    return is_care_staff_of(user, contact.patient.practice_id)


def trusted_scopes(contact: SupportContact) -> set[str]:
    """Return what the patient shares with this trusted person right now."""
    return set(contact.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True))


@door(
    lambda token, purpose: _TRUSTED_LINK_WHAT[purpose],
    reader=_trusted_reader,
    channel=LINK,
)
def get_trusted_contact(token: str, purpose: str) -> SupportContact:
    """Return the trusted person a signed link was sent to, if the link is genuine, unexpired,
    for this purpose, newer than any withdrawal, and the patient still consents to what it
    opens. Anything else is Http404: the link simply no longer works."""
    try:
        link = read_trusted_token(token, purpose)
    except BadLink:
        raise Http404(LINK_GONE) from None
    contact = (
        SupportContact.objects.select_related("patient", "patient__practice")
        .filter(
            pk=link.contact_id,
            kind=SupportContact.Kind.TRUSTED_PERSON,
            link_version=link.version,
        )
        .first()
    )
    if contact is None:
        raise Http404(LINK_GONE)
    scopes = trusted_scopes(contact)
    needed = PURPOSE_SCOPE[purpose]
    if not scopes or (needed is not None and needed not in scopes):
        raise Http404(LINK_GONE)
    # A scoped link lives only as long as the very consent it was made under.
    if needed is not None and (
        link.grant_id is None
        or not contact.consents.filter(
            pk=link.grant_id, scope=needed, withdrawn_at__isnull=True
        ).exists()
    ):
        raise Http404(LINK_GONE)
    if purpose != Purpose.INVITATION and contact.invitation != SupportContact.Invitation.ACCEPTED:
        raise Http404(LINK_GONE)
    return contact


@door("safety plan", patient="", reader=_plan_link_reader, channel=LINK)
def get_patient_by_plan_link(token: str) -> Patient:
    """Return the patient whose own short-lived safety-plan link this is, else Http404."""
    try:
        patient_id = read_patient_plan_token(token)
    except BadLink:
        raise Http404("This link has expired. Please sign in to see your plan.") from None
    patient = Patient.objects.filter(pk=patient_id, user__is_active=True).first()
    if patient is None:
        raise Http404("This link has expired. Please sign in to see your plan.")
    return patient
