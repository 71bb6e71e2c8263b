"""Last human contact: the one definition the registry, its caseload filter, the CSV and the
API share (`last_contact_at`, None when there was none: never a placeholder date).

Contact means a person at the practice actually reached the patient: an attended
appointment (sessions, check-ins, the intake call), an intake call recorded on an
enrollment, or an outreach attempt (call, text, email) that reached them. Questionnaires
are not contact, nor is a staff member acknowledging an alert: a patient who only fills in
forms for weeks is overdue for a human.
"""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import F, Max

from tether.engagement.models import Appointment, Enrollment, OutreachAttempt


def last_contact_at(patient_ids: Iterable[UUID]) -> dict[UUID, datetime]:
    """Return the moment of each listed patient's latest human contact; a patient never
    reached is absent. Three queries however many patients."""
    ids = list(patient_ids)
    kinds = (
        Appointment.objects.filter(patient_id__in=ids, attendance=Appointment.Attendance.ATTENDED)
        .values("patient_id")
        .annotate(latest=Max("starts_at")),
        Enrollment.objects.filter(patient_id__in=ids, intake_at__isnull=False)
        .values("patient_id")
        .annotate(latest=Max("intake_at")),
        OutreachAttempt.objects.filter(
            task__patient_id__in=ids, outcome=OutreachAttempt.Outcome.REACHED
        )
        .values(patient_id=F("task__patient_id"))
        .annotate(latest=Max("at")),
    )
    latest: dict[UUID, datetime] = {}
    for rows in kinds:
        for patient_id, at in rows.order_by().values_list("patient_id", "latest"):
            if patient_id not in latest or at > latest[patient_id]:
                latest[patient_id] = at
    return latest
