"""Patients: whose records a user may see."""

from django.db.models import QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.accounts.models import Patient, Role, User
from tether.lib.reads import door


@door("record", patient="")
def visible_patients(user: User) -> QuerySet[Patient]:
    """Return the patients whose records `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    if user.practice_id is None:
        return Patient.objects.none()
    in_practice = Patient.objects.filter(practice_id=user.practice_id)
    if user.role == Role.ADMIN:
        return in_practice
    if user.role in (Role.COORDINATOR, Role.CLINICIAN):
        return in_practice.filter(care_team__staff=user)
    return Patient.objects.none()


@door("record", patient="")
def get_patient(user: User, patient_id: object) -> Patient:
    """Return the patient if `user` may see their records, else raise Http404."""
    return one_or_404(visible_patients(user), patient_id, "patient")


@door("record", patient="")
def get_own_patient(user: User) -> Patient:
    """Return the patient record of a signed-in patient, else raise Http404."""
    # Check the role first: an anonymous user has no pk to filter by.
    if not user.is_authenticated or user.role != Role.PATIENT:
        raise Http404("No patient record for this account.")
    patient = visible_patients(user).first()
    if patient is None:
        raise Http404("No patient record for this account.")
    return patient


def is_care_staff(user: User) -> bool:
    """Return whether `user` works with alerts and caseloads (coordinator, clinician, admin)."""
    return user.is_authenticated and user.is_active and user.is_care_staff


def is_care_staff_of(user: User, practice_id: object) -> bool:
    """Return whether `user` is active care staff (coordinator, clinician, admin) of the
    practice `practice_id`: the check a service makes on whoever changes a patient's care
    (an episode, a suggested sharing) after the view found the patient through the door."""
    return is_care_staff(user) and user.practice_id is not None and user.practice_id == practice_id
