"""Contact details: who may read a patient's phone number and email to reach them."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from tether.access.patients import is_care_staff, visible_patients
from tether.accounts.models import Patient, User
from tether.crisis.models import AlertEvent
from tether.lib.reads import door


@dataclass(frozen=True)
class ContactDetails:
    """How to reach one patient: blank when nothing is on file."""

    patient_id: Any
    phone: str
    email: str


@door("contact details", patients=lambda found: found.keys())
def contact_details(user: User, patient_ids: Iterable[Any]) -> dict[Any, ContactDetails]:
    """Return the contact details of those of `patient_ids` whose details `user` may read,
    by patient id (one query for any number of patients).

    Care staff (coordinators, clinicians, admins) read the details of the patients they may
    see, and of the patients of their own practice whose alert they were paged about (on
    call, backup): they are the ones who must call. Peer supporters, patients and anyone
    else read none. The phone is the one the patient keeps in their notification settings;
    the email is their account's."""
    ids = list(patient_ids)
    if not ids or not is_care_staff(user) or user.practice_id is None:
        return {}
    paged = AlertEvent.objects.filter(alert__patient=OuterRef("pk"), recipient=user)
    readable = Q(pk__in=visible_patients(user).values("pk")) | (
        Q(practice_id=user.practice_id) & Q(Exists(paged))
    )
    rows = (
        Patient.objects.filter(readable, pk__in=ids)
        .values_list("pk", "user__email", "user__notification_preference__phone")
        .order_by()
    )
    return {
        pk: ContactDetails(patient_id=pk, phone=phone or "", email=email or "")
        for pk, email, phone in rows
    }
