"""Programs a practice offers and the intake gate: an enrollment starts awaiting intake, and
only a recorded intake call (a human conversation) makes it active."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tether.accounts.models import Patient, Practice, User
from tether.engagement.models import Appointment, AppointmentKind, Enrollment, Program
from tether.engagement.schedule import Invalid
from tether.engagement.services.appointments import record_attendance


def _aware(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise Invalid({field: "Give a time with its time zone."})
    return value


@transaction.atomic
def create_program(
    *, practice: Practice, name: str, description: str = "", guided: bool = True
) -> Program:
    """Add a program the practice offers."""
    if not name.strip():
        raise Invalid({"name": "Give the program a name."})
    return Program.objects.create(
        practice=practice, name=name.strip(), description=description, guided=guided
    )


@transaction.atomic
def enroll_patient(
    *, patient: Patient, program: Program, by: User, at: datetime | None = None
) -> Enrollment:
    """Enroll the patient; the program stays locked until the intake call is recorded."""
    if program.practice_id != patient.practice_id or not program.active:
        raise Invalid({"program": "That program is not offered here."})
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                patient=patient, program=program, enrolled_at=at or timezone.now(), enrolled_by=by
            )
    except IntegrityError:
        raise Invalid(
            {"program": f"{patient.called} is already enrolled in this program."}
        ) from None


@transaction.atomic
def record_intake_call(
    *,
    enrollment: Enrollment,
    by: User,
    at: datetime,
    duration_minutes: int,
    outcome: str,
    appointment: Appointment | None = None,
) -> Enrollment:
    """Record a completed intake call and unlock the program."""
    problems = {}
    if enrollment.status != Enrollment.Status.AWAITING_INTAKE:
        problems["enrollment"] = "The intake call for this program is already recorded."
    if not duration_minutes or duration_minutes < 1:
        problems["duration_minutes"] = "Say how long the call lasted, in minutes."
    if not outcome.strip():
        problems["outcome"] = "Write a line on how the call went."
    if appointment is not None and appointment.patient_id != enrollment.patient_id:
        problems["appointment"] = "That appointment is another patient's."
    if problems:
        raise Invalid(problems)
    _aware(at, "at")
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.intake_by = by
    enrollment.intake_at = at
    enrollment.intake_duration_minutes = duration_minutes
    enrollment.intake_outcome = outcome.strip()
    enrollment.save(
        update_fields=[
            "status",
            "intake_by",
            "intake_at",
            "intake_duration_minutes",
            "intake_outcome",
        ]
    )
    if appointment is None:
        appointment = (
            enrollment.appointments.filter(
                kind=AppointmentKind.INTAKE_CALL, attendance=Appointment.Attendance.PENDING
            )
            .order_by("starts_at")
            .first()
        )
    if appointment is not None and appointment.attendance != Appointment.Attendance.ATTENDED:
        record_attendance(
            appointment=appointment, attendance=Appointment.Attendance.ATTENDED, by=by, at=at
        )
    return enrollment
