"""Booking from free slots, cancelling and rescheduling. The database stops a double booking
(a unique constraint on the staff member and start of pending appointments); losing that race
is the plain "that time was just taken", never an error page. A patient changes a booking up
to NOTICE before it starts; a change frees the slot and tells the staff member, by name of
nobody (the message travels by email)."""

from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.accounts.selectors import coordinator_or_admin
from tether.engagement.models import Appointment, AppointmentKind, Enrollment, OutreachTask
from tether.engagement.schedule import Invalid, next_business_day_at
from tether.engagement.services.availability import (
    BOOKABLE_ROLES,
    free_slots_of,
    intake_slots,
    intake_staff,
    slot_minutes,
)
from tether.notifications.services import notify

# A patient cancels or reschedules at least this long before the appointment.
NOTICE = timedelta(hours=24)
TAKEN = "That time was just taken. Please choose another of the times shown."


class SlotTaken(Invalid):
    """The time was free when offered but someone booked it first."""


def _check_video_link(mode: str, video_link: str) -> None:
    if video_link and not video_link.startswith("https://"):
        raise Invalid({"video_link": "A video-call link starts with https://."})


def _is_free(staff: User, *, kind: str, starts_at: datetime, now: datetime) -> bool:
    if staff.practice is None:
        return False
    zone = ZoneInfo(staff.practice.time_zone)
    day = starts_at.astimezone(zone).date()
    slots = free_slots_of(staff, kind=kind, now=now, days=1, first_day=day)
    return any(slot.starts_at == starts_at for slot in slots)


@transaction.atomic
def book_slot(
    *,
    patient: Patient,
    staff: User,
    kind: str,
    starts_at: datetime,
    mode: str,
    booked_by: User,
    enrollment: Enrollment | None = None,
    video_link: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Book a free slot of `staff` for the patient, in the standard length for `kind`."""
    now = now or timezone.now()
    if timezone.is_naive(starts_at):
        raise Invalid({"starts_at": "Give the time with its time zone."})
    if staff.practice_id != patient.practice_id or staff.role not in BOOKABLE_ROLES:
        raise Invalid({"staff": "Choose a coordinator or clinician of this practice."})
    if mode not in Appointment.Mode.values:
        raise Invalid({"mode": "Choose phone, video or in person."})
    _check_video_link(mode, video_link)
    if not _is_free(staff, kind=kind, starts_at=starts_at, now=now):
        raise SlotTaken({"starts_at": TAKEN})
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                patient=patient,
                kind=kind,
                mode=mode,
                staff=staff,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=slot_minutes(kind)),
                enrollment=enrollment,
                video_link=video_link,
            )
    except IntegrityError:
        raise SlotTaken({"starts_at": TAKEN}) from None


@transaction.atomic
def book_intake_call(
    *,
    enrollment: Enrollment,
    starts_at: datetime,
    booked_by: User,
    mode: str = Appointment.Mode.PHONE,
    staff: User | None = None,
    video_link: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Book the intake call that unlocks the program in a free slot: with `staff` when
    named (staff booking), else with whoever takes the patient's intake and is free then."""
    if enrollment.status != Enrollment.Status.AWAITING_INTAKE:
        raise Invalid({"enrollment": "This program does not wait on an intake call."})
    now = now or timezone.now()
    patient = enrollment.patient
    if staff is None and starts_at not in intake_slots(patient, now=now):
        raise SlotTaken({"starts_at": TAKEN})
    for candidate in [staff] if staff else intake_staff(patient):
        try:
            return book_slot(
                patient=patient,
                staff=candidate,
                kind=AppointmentKind.INTAKE_CALL,
                starts_at=starts_at,
                mode=mode,
                booked_by=booked_by,
                enrollment=enrollment,
                video_link=video_link,
                now=now,
            )
        except SlotTaken:
            continue
    raise SlotTaken({"starts_at": TAKEN})


def _tell_staff(appointment: Appointment, what: str) -> None:
    staff = appointment.staff
    if staff is None:
        return
    zone = ZoneInfo(staff.practice.time_zone) if staff.practice else ZoneInfo("UTC")
    when = appointment.starts_at.astimezone(zone).strftime("%A %d %B, %H:%M")
    notify(
        user=staff,
        subject=f"An appointment was {what}",
        body=f"The {appointment.get_kind_display().lower()} on {when} was {what} by the "
        "patient. The time is free again. Sign in to Tether to see the details.",
        link=reverse("my_availability"),
        purpose="appointment_changed",
        channels=("in_app", "email"),
    )


def _check_notice(appointment: Appointment, by: User, now: datetime) -> None:
    if appointment.attendance != Appointment.Attendance.PENDING:
        raise Invalid({"appointment": "This appointment is no longer booked."})
    if by.is_patient and appointment.starts_at - now < NOTICE:
        raise Invalid(
            {
                "appointment": "It is less than 24 hours away, so it can no longer be changed "
                "here. Please call the practice."
            }
        )


def _cancel(appointment: Appointment, by: User, now: datetime) -> None:
    _check_notice(appointment, by, now)
    appointment.attendance = (
        Appointment.Attendance.CANCELLED_BY_PATIENT
        if by.is_patient
        else Appointment.Attendance.CANCELLED_BY_PRACTICE
    )
    appointment.attendance_recorded_at = now
    appointment.attendance_recorded_by = by
    appointment.save(
        update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"]
    )


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """Cancel a pending appointment, freeing its slot; a patient only up to NOTICE before."""
    _cancel(appointment, by, now or timezone.now())
    if by.is_patient:
        transaction.on_commit(partial(_tell_staff, appointment, "cancelled"))
    return appointment


@transaction.atomic
def reschedule_appointment(
    *, appointment: Appointment, starts_at: datetime, by: User, now: datetime | None = None
) -> Appointment:
    """Move an appointment to another free slot of the same staff member (all or nothing)."""
    now = now or timezone.now()
    _check_notice(appointment, by, now)
    if appointment.staff is None:
        raise Invalid({"appointment": "This appointment has nobody to move it with."})
    _cancel(appointment, by, now)
    moved = book_slot(
        patient=appointment.patient,
        staff=appointment.staff,
        kind=appointment.kind,
        starts_at=starts_at,
        mode=appointment.mode,
        booked_by=by,
        enrollment=appointment.enrollment,
        video_link=appointment.video_link,
        now=now,
    )
    if by.is_patient:
        transaction.on_commit(partial(_tell_staff, appointment, "moved to another time"))
    return moved


@transaction.atomic
def ask_coordinator_to_find_time(
    *, patient: Patient, now: datetime | None = None
) -> OutreachTask | None:
    """Open the one task for the patient's coordinator to call and find an intake time (no
    slot was free within the target days). Return None when one is already open."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return OutreachTask.objects.create(
                kind=OutreachTask.Kind.INTAKE_NO_SLOT,
                patient=patient,
                assigned_to=coordinator_or_admin(patient),
                due_at=next_business_day_at(now, patient.practice.time_zone),
                created_at=now,
            )
    except IntegrityError:
        return None
