"""Signed, expiring, single-purpose links for people without a Tether sign-in.

A trusted person's link names one purpose (respond to the invitation, say "I checked in",
see the safety plan) and carries the contact's `link_version`; the access module checks the
patient's current consent every time it is used, so withdrawing consent stops it at once.
"""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.core import signing

from tether.accounts.models import Patient
from tether.network.models import SupportContact


class Purpose:
    INVITATION = "invitation"
    CHECK_IN = "check-in"
    SAFETY_PLAN = "safety-plan"


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


def make_trusted_token(contact: SupportContact, purpose: str) -> str:
    payload = {"c": str(contact.pk), "v": contact.link_version}
    return signing.dumps(payload, salt=_TRUSTED_SALT + purpose, compress=True)


def read_trusted_token(token: str, purpose: str) -> TrustedLink:
    try:
        payload = signing.loads(token, salt=_TRUSTED_SALT + purpose, max_age=MAX_AGE[purpose])
        return TrustedLink(contact_id=UUID(payload["c"]), version=int(payload["v"]))
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise BadLink from None


def make_patient_plan_token(patient: Patient) -> str:
    return signing.dumps({"p": str(patient.pk)}, salt=_PATIENT_PLAN_SALT, compress=True)


def read_patient_plan_token(token: str) -> UUID:
    try:
        payload = signing.loads(token, salt=_PATIENT_PLAN_SALT, max_age=PATIENT_PLAN_MAX_AGE)
        return UUID(payload["p"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise BadLink from None
