"""The one door to patient data.

Every view, API endpoint, export and job asks here which patients and alerts a user may see
or change. A forbidden object and an unknown one get the same answer, Http404, so nobody can
learn that a record exists by probing ids.

Rules:
- a patient sees only their own records;
- care coordinators and clinicians see the patients whose care team they are on;
- a practice admin sees every patient of their own practice;
- peer supporters see no clinical records (what they may see comes later, through consent);
- nobody ever sees another practice's data.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from tether.accounts.models import Patient, Role, User
from tether.crisis.models import RiskAlert


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


def _as_uuid(value: object) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise Http404("No such patient.") from None


def get_patient(user: User, patient_id: object) -> Patient:
    """Return the patient if `user` may see their records, else raise Http404."""
    patient = visible_patients(user).filter(pk=_as_uuid(patient_id)).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


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


def visible_alerts(user: User) -> QuerySet[RiskAlert]:
    """Return the risk alerts `user` may see: those of patients they may see."""
    return RiskAlert.objects.filter(patient__in=visible_patients(user))


def get_alert_for_staff(user: User, alert_id: object) -> RiskAlert:
    """Return an alert that `user` may act on (acknowledge, resolve), else raise Http404.
    Only care staff act on alerts; a patient may see that one exists but not change it."""
    if not is_care_staff(user):
        raise Http404("No such alert.")
    try:
        pk = _as_uuid(alert_id)
    except Http404:
        raise Http404("No such alert.") from None
    alert = visible_alerts(user).select_related("patient").filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert
