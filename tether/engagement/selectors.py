"""Reads for programs, appointments and the outreach queue."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tether.accounts.models import Patient
from tether.engagement.models import Appointment, AppointmentKind, OutreachTask


def upcoming_appointments(patient: Patient, *, now: datetime) -> QuerySet[Appointment]:
    """Return the patient's appointments that have not ended and were not cancelled."""
    return (
        patient.appointments.filter(ends_at__gte=now)
        .exclude(
            attendance__in=[
                Appointment.Attendance.CANCELLED_BY_PATIENT,
                Appointment.Attendance.CANCELLED_BY_PRACTICE,
            ]
        )
        .select_related("staff")
        .order_by("starts_at")
    )


def outreach_queue(tasks: QuerySet[OutreachTask], *, now: datetime) -> QuerySet[OutreachTask]:
    """Return open tasks: urgent ones first (raised while a risk alert was open), then
    overdue, then by due time."""
    return (
        tasks.filter(status=OutreachTask.Status.OPEN)
        .annotate(
            overdue=Case(
                When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related(
            "patient__practice", "appointment", "assigned_to", "trusted_contact", "risk_alert"
        )
        .prefetch_related("attempts")
        .order_by("-urgent", "overdue", "due_at")
    )


def needs_attention(patient_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Return, for each listed patient who should be raised on the caseload, why: their most
    recent intake call was missed, or their last two check-ins both were."""
    rows = (
        Appointment.objects.filter(
            patient_id__in=list(patient_ids),
            kind__in=[AppointmentKind.INTAKE_CALL, AppointmentKind.CHECK_IN],
            attendance__in=[Appointment.Attendance.ATTENDED, Appointment.Attendance.MISSED],
        )
        .order_by("patient_id", "-starts_at")
        .values_list("patient_id", "kind", "attendance")
    )
    recent: dict[UUID, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for patient_id, kind, attendance in rows:
        recent[patient_id][kind].append(attendance)
    reasons: dict[UUID, str] = {}
    missed = Appointment.Attendance.MISSED
    for patient_id, by_kind in recent.items():
        intakes = by_kind.get(AppointmentKind.INTAKE_CALL, [])
        check_ins = by_kind.get(AppointmentKind.CHECK_IN, [])
        if intakes and intakes[0] == missed:
            reasons[patient_id] = "Missed their intake call"
        elif check_ins[:2] == [missed, missed]:
            reasons[patient_id] = "Missed two check-ins in a row"
    return reasons
