"""Request and response shapes for /api/v1 programs, appointments and outreach."""

from datetime import date, datetime, time
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.api.input import Bounded
from tether.engagement.models import Appointment, OutreachAttempt

Kind = Literal[tuple(Appointment.Kind.values)]
Mode = Literal[tuple(Appointment.Mode.values)]
Attendance = Literal[tuple(v for v in Appointment.Attendance.values if v != "pending")]


class _Input(Bounded):
    model_config = ConfigDict(extra="forbid")


# A working day: longer is a typing slip, and the column holds at most 32,767. The shortest
# length is the services' to say (5 minutes for a booking, 1 for a call that happened).
MAX_DURATION_MINUTES = 8 * 60


def _minutes(default=...):
    return Field(default, le=MAX_DURATION_MINUTES, description="Minutes, up to a working day.")


class AppointmentIn(_Input):
    kind: Kind
    mode: Mode
    starts_at: datetime
    ends_at: datetime


class AppointmentOut(Schema):
    id: UUID
    patient_id: UUID
    kind: str
    mode: str
    staff_id: int | None
    starts_at: datetime
    ends_at: datetime
    starts_local: str
    time_zone: str
    attendance: str
    series_id: UUID | None
    enrollment_id: UUID | None


class AttendanceIn(_Input):
    attendance: Attendance


class SeriesIn(_Input):
    mode: Mode
    every_weeks: int
    first_date: date
    local_start_time: time
    duration_minutes: int = _minutes()
    time_zone: str
    count: int | None = None
    until: date | None = None


class SeriesOut(Schema):
    id: UUID
    every_weeks: int
    time_zone: str
    appointments: list[AppointmentOut]


class ProgramOut(Schema):
    id: UUID
    name: str
    description: str
    guided: bool


class EnrollIn(_Input):
    program_id: UUID


class EnrollmentOut(Schema):
    id: UUID
    patient_id: UUID
    program: ProgramOut
    status: str
    unlocked: bool
    enrolled_at: datetime
    intake_at: datetime | None
    intake_duration_minutes: int | None


class IntakeBookingIn(_Input):
    """One of the free intake slots (GET /slots?kind=intake_call); the length is the
    practice's standard, not the caller's."""

    starts_at: datetime
    mode: Mode = "phone"


class IntakeIn(_Input):
    at: datetime
    duration_minutes: int = _minutes()
    outcome: str
    appointment_id: UUID | None = None


class AttemptIn(_Input):
    method: Literal[tuple(OutreachAttempt.Method.values)]
    outcome: Literal[tuple(OutreachAttempt.Outcome.values)]
    note: str = ""


class AttemptOut(Schema):
    method: str
    outcome: str
    at: datetime
    note: str


class OutreachOut(Schema):
    id: UUID
    kind: str
    urgent: bool
    patient_id: UUID
    appointment_id: UUID | None
    risk_alert_id: UUID | None
    assigned_to_id: int | None
    route: str
    status: str
    due_at: datetime
    overdue: bool
    escalated_at: datetime | None
    attempts: list[AttemptOut]
