"""Signed, expiring, single-purpose links for people without a Tether sign-in. They live in
access because a link is a way in: access.network reads them (get_trusted_contact,
get_patient_by_plan_link), and the network app makes them for its emails.

A trusted person's link names one purpose (respond to the invitation, say "I checked in",
see the safety plan) and carries the contact's `link_version`; the access module checks the
patient's current consent every time it is used, so withdrawing consent stops it at once.
"""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.core import signing
from django.urls import reverse

from tether.accounts.models import Patient
from tether.lib.urls import absolute_url
from tether.network.models import ConsentScope, SupportContact


class Purpose:
    INVITATION = "invitation"
    CHECK_IN = "check-in"
    SAFETY_PLAN = "safety-plan"


# What each purpose needs the patient to have consented to (None: any scope at all).
PURPOSE_SCOPE = {
    Purpose.INVITATION: None,
    Purpose.CHECK_IN: ConsentScope.NUDGE_CHECK_IN,
    Purpose.SAFETY_PLAN: ConsentScope.SEE_SAFETY_PLAN,
}

MAX_AGE = {
    Purpose.INVITATION: timedelta(days=14),
    Purpose.CHECK_IN: timedelta(days=7),
    Purpose.SAFETY_PLAN: timedelta(days=7),
}
# The patient's own plan link after a risk alert: long enough to get through a hard night.
PATIENT_PLAN_MAX_AGE = timedelta(hours=24)

_TRUSTED_SALT = "tether.network.trusted."
_PATIENT_PLAN_SALT = "tether.network.patient-plan"


class BadLink(Exception):
    """The link is forged, expired, for another purpose, or from before a withdrawal."""


@dataclass(frozen=True)
class TrustedLink:
    contact_id: UUID
    version: int
    grant_id: int | None  # the consent row the link was made under, for scoped purposes


def make_trusted_token(contact: SupportContact, purpose: str) -> str:
    """Sign a link for one purpose. A scoped link names the consent it was made under, so
    withdrawing that consent and granting it again later does not revive the old link."""
    payload: dict = {"c": str(contact.pk), "v": contact.link_version}
    scope = PURPOSE_SCOPE[purpose]
    if scope is not None:
        grant = contact.consents.filter(scope=scope, withdrawn_at__isnull=True).first()
        payload["g"] = grant.pk if grant else None
    return signing.dumps(payload, salt=_TRUSTED_SALT + purpose, compress=True)


def read_trusted_token(token: str, purpose: str) -> TrustedLink:
    try:
        payload = signing.loads(token, salt=_TRUSTED_SALT + purpose, max_age=MAX_AGE[purpose])
        grant = payload.get("g")
        return TrustedLink(
            contact_id=UUID(payload["c"]),
            version=int(payload["v"]),
            grant_id=int(grant) if grant is not None else None,
        )
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise BadLink from None


def make_patient_plan_token(patient: Patient) -> str:
    return signing.dumps({"p": str(patient.pk)}, salt=_PATIENT_PLAN_SALT, compress=True)


def patient_plan_link(patient: Patient) -> str:
    """Return the patient's own link to their safety plan, which opens it without signing in
    for the next 24 hours."""
    return absolute_url(reverse("safety_plan_by_link", args=[make_patient_plan_token(patient)]))


def read_patient_plan_token(token: str) -> UUID:
    try:
        payload = signing.loads(token, salt=_PATIENT_PLAN_SALT, max_age=PATIENT_PLAN_MAX_AGE)
        return UUID(payload["p"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise BadLink from None
