"""Booking appointments (one, or a recurring series) and recording attendance. A missed
appointment opens its one outreach task (outreach.py); the sweep that marks overdue pending
appointments missed claims each with a conditional UPDATE."""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.engagement.models import (
    Appointment,
    AppointmentKind,
    AppointmentSeries,
    Enrollment,
    OutreachTask,
)
from tether.engagement.schedule import Invalid, occurrences
from tether.engagement.services.outreach import open_outreach_task
from tether.lib.history import record_update

# A pending appointment is missed once it ended this long ago with no attendance recorded.
MISSED_GRACE = timedelta(minutes=30)


@transaction.atomic
def book_appointment(
    *,
    patient: Patient,
    kind: str,
    mode: str,
    staff: User | None,
    starts_at: datetime,
    ends_at: datetime,
    booked_by: User,
    enrollment: Enrollment | None = None,
    series: AppointmentSeries | None = None,
) -> Appointment:
    """Book one appointment. Times may be in any zone; they are stored in UTC."""
    problems = {}
    if kind not in AppointmentKind.values:
        problems["kind"] = f"Choose one of: {', '.join(AppointmentKind.values)}."
    if mode not in Appointment.Mode.values:
        problems["mode"] = f"Choose one of: {', '.join(Appointment.Mode.values)}."
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        problems["starts_at"] = "Give times with their time zone."
    elif ends_at <= starts_at:
        problems["ends_at"] = "The appointment must end after it starts."
    if staff is not None and (staff.practice_id != patient.practice_id or staff.is_patient):
        problems["staff"] = "Choose someone on this practice's staff."
    if problems:
        raise Invalid(problems)
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                patient=patient,
                kind=kind,
                mode=mode,
                staff=staff,
                starts_at=starts_at,
                ends_at=ends_at,
                enrollment=enrollment,
                series=series,
            )
    except IntegrityError:
        # The one unique constraint: this staff member already has a booking at that time.
        raise Invalid({"starts_at": "That time is already booked with them."}) from None


@transaction.atomic
def create_series(
    *,
    patient: Patient,
    staff: User,
    mode: str,
    every_weeks: int,
    first_date: date,
    local_start_time: time,
    duration_minutes: int,
    time_zone: str,
    created_by: User,
    count: int | None = None,
    until: date | None = None,
    kind: str = AppointmentKind.CHECK_IN,
) -> AppointmentSeries:
    """Book recurring appointments and every occurrence, all or nothing."""
    problems = {}
    if not duration_minutes or duration_minutes < 5:
        problems["duration_minutes"] = "Each appointment lasts at least 5 minutes."
    if mode not in Appointment.Mode.values:
        problems["mode"] = f"Choose one of: {', '.join(Appointment.Mode.values)}."
    try:
        starts = occurrences(
            first_date=first_date,
            local_start=local_start_time,
            time_zone=time_zone,
            every_weeks=every_weeks,
            count=count,
            until=until,
        )
    except Invalid as error:
        problems.update(error.problems)
    if problems:
        raise Invalid(problems)
    series = AppointmentSeries.objects.create(
        patient=patient,
        kind=kind,
        mode=mode,
        staff=staff,
        every_weeks=every_weeks,
        first_date=first_date,
        local_start_time=local_start_time,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        count=count,
        until=until,
        created_by=created_by,
    )
    length = timedelta(minutes=duration_minutes)
    for starts_at in starts:
        book_appointment(
            patient=patient,
            kind=kind,
            mode=mode,
            staff=staff,
            starts_at=starts_at,
            ends_at=starts_at + length,
            booked_by=created_by,
            series=series,
        )
    return series


@transaction.atomic
def record_attendance(
    *, appointment: Appointment, attendance: str, by: User, at: datetime | None = None
) -> Appointment:
    """Record whether the patient came. Marking it missed opens its outreach task (once)."""
    if attendance not in Appointment.Attendance.values or attendance == "pending":
        raise Invalid({"attendance": "Choose attended, missed or a cancellation."})
    at = at or timezone.now()
    appointment.attendance = attendance
    appointment.attendance_recorded_at = at
    appointment.attendance_recorded_by = by
    appointment.save(
        update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"]
    )
    if attendance == Appointment.Attendance.MISSED:
        open_outreach_task(appointment=appointment, at=at)
    return appointment


@transaction.atomic
def claim_missed(*, appointment_id: UUID, at: datetime) -> OutreachTask | None:
    """Mark a pending appointment missed and open its outreach task, if nobody else has.
    The conditional UPDATE is the claim: of two workers only one changes the row."""
    claimed = Appointment.objects.filter(
        pk=appointment_id, attendance=Appointment.Attendance.PENDING
    ).update(attendance=Appointment.Attendance.MISSED, attendance_recorded_at=at)
    if not claimed:
        return None
    appointment = Appointment.objects.select_related("patient__practice").get(pk=appointment_id)
    record_update([appointment])
    task, _ = open_outreach_task(appointment=appointment, at=at)
    return task
