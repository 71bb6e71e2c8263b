"""The time zone a patient's local times are shown in. Lives in accounts, beside the patient's
and the practice's own zone fields, because appointments (engagement), group meetings (peers)
and quiet hours (notifications) all show local times."""

from tether.accounts.models import Patient


def patient_zone(patient: Patient) -> str:
    """Return the IANA zone a patient's times are shown in: their own, else the practice's."""
    return patient.time_zone or patient.practice.time_zone
