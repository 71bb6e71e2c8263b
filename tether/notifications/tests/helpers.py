"""Minimal appointment and outreach rows for notification tests."""

from datetime import datetime, timedelta

from tether.engagement.models import Appointment, OutreachTask


def appointment(patient, staff, starts_at: datetime, minutes=30, **fields) -> Appointment:
    fields.setdefault("kind", Appointment.Kind.CHECK_IN)
    fields.setdefault("mode", Appointment.Mode.PHONE)
    return Appointment.objects.create(
        patient=patient,
        staff=staff,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def outreach_task(patient, staff, *, due_at: datetime, created_at: datetime) -> OutreachTask:
    missed = appointment(
        patient,
        staff,
        created_at - timedelta(hours=2),
        attendance=Appointment.Attendance.MISSED,
    )
    return OutreachTask.objects.create(
        appointment=missed,
        patient=patient,
        assigned_to=staff,
        due_at=due_at,
        created_at=created_at,
    )
