"""Last human contact: the one definition the registry, the caseload and the API share.

Contact means a person at the practice actually reached the patient: an attended
appointment (sessions, check-ins, the intake call), an intake call recorded on an
enrollment, or an outreach attempt (call, text, email) that reached them. Questionnaires
are not contact, nor is a staff member acknowledging an alert: a patient who only fills in
forms for weeks is overdue for a human.
"""

from datetime import datetime

from django.db.models import OuterRef, Subquery

from tether.engagement.models import Appointment, Enrollment, OutreachAttempt

CONTACT_FIELDS = ("last_attended_at", "last_intake_at", "last_reached_at")


def human_contact_annotations() -> dict[str, Subquery]:
    """Return annotations for a Patient queryset: the latest moment of each kind of human
    contact (each NULL when there was none)."""
    attended = (
        Appointment.objects.filter(
            patient=OuterRef("pk"), attendance=Appointment.Attendance.ATTENDED
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    intake = (
        Enrollment.objects.filter(patient=OuterRef("pk"), intake_at__isnull=False)
        .order_by("-intake_at")
        .values("intake_at")[:1]
    )
    reached = (
        OutreachAttempt.objects.filter(
            task__patient=OuterRef("pk"), outcome=OutreachAttempt.Outcome.REACHED
        )
        .order_by("-at")
        .values("at")[:1]
    )
    return {
        "last_attended_at": Subquery(attended),
        "last_intake_at": Subquery(intake),
        "last_reached_at": Subquery(reached),
    }


def last_human_contact(row) -> datetime | None:
    """Return the latest human contact of a row annotated by human_contact_annotations."""
    moments = [getattr(row, name, None) for name in CONTACT_FIELDS]
    return max((m for m in moments if m is not None), default=None)
