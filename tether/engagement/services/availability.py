"""Published hours and the free slots they give: a coordinator's or clinician's weekly hours
and exceptions (writes), and the slots still free for a kind of appointment (reads)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from tether.accounts.models import Patient, Practice, Role, User
from tether.accounts.selectors import care_coordinator, practice_staff
from tether.engagement.models import (
    Appointment,
    AppointmentKind,
    AvailabilityException,
    WeeklyHours,
)
from tether.engagement.schedule import Invalid
from tether.engagement.slots import (
    CHECK_IN_MINUTES,
    INTAKE_CALL_MINUTES,
    Exception_,
    Hours,
    free_slots,
)

# Who publishes hours and takes booked appointments.
BOOKABLE_ROLES = (Role.COORDINATOR, Role.CLINICIAN)
# How far ahead staff see colleagues' slots when booking for a patient.
STAFF_BOOKING_DAYS = 28


def slot_minutes(kind: str) -> int:
    """Return the standard length of a bookable appointment of `kind`."""
    return INTAKE_CALL_MINUTES if kind == AppointmentKind.INTAKE_CALL else CHECK_IN_MINUTES


def intake_target_days(practice: Practice) -> int:
    """Return within how many days a new patient's intake call is offered."""
    return practice.intake_target_days


@dataclass(frozen=True)
class Slot:
    staff: User
    starts_at: datetime
    ends_at: datetime


@transaction.atomic
def set_weekly_hours(*, staff: User, hours: list[tuple[int, time, time]]) -> None:
    """Replace `staff`'s weekly hours with `hours` (weekday, local start, local end)."""
    problems = {}
    if staff.role not in BOOKABLE_ROLES:
        problems["staff"] = "Only coordinators and clinicians publish hours."
    for weekday, starts, ends in hours:
        if not 0 <= weekday <= 6:
            problems["weekday"] = "Choose a day of the week."
        elif ends <= starts:
            problems[f"day_{weekday}"] = "Each day's hours must end after they start."
    if problems:
        raise Invalid(problems)
    WeeklyHours.objects.filter(staff=staff).delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(staff=staff, weekday=w, starts=s, ends=e) for w, s, e in hours
    )


@transaction.atomic
def add_exception(
    *, staff: User, kind: str, on: date, starts: time | None = None, ends: time | None = None
) -> AvailabilityException:
    """Add time off (the whole day when no times) or extra hours on one date."""
    problems = {}
    if staff.role not in BOOKABLE_ROLES:
        problems["staff"] = "Only coordinators and clinicians publish hours."
    if kind not in AvailabilityException.Kind.values:
        problems["kind"] = "Choose time off or extra hours."
    if (starts is None) != (ends is None):
        problems["ends"] = "Give both a start and an end, or neither."
    elif starts is None and kind == AvailabilityException.Kind.EXTRA:
        problems["starts"] = "Say when the extra hours start and end."
    elif starts is not None and ends is not None and ends <= starts:
        problems["ends"] = "The hours must end after they start."
    if problems:
        raise Invalid(problems)
    return AvailabilityException.objects.create(
        staff=staff, kind=kind, on=on, starts=starts, ends=ends
    )


def free_slots_of(
    staff: User, *, kind: str, now: datetime, days: int, first_day: date | None = None
) -> list[Slot]:
    """Return `staff`'s free slots for `kind` from today (practice time) for `days` days."""
    if staff.practice is None or not staff.is_active or staff.role not in BOOKABLE_ROLES:
        return []
    zone = staff.practice.time_zone
    today = first_day or now.astimezone(ZoneInfo(zone)).date()
    last = today + timedelta(days=days - 1)
    minutes = slot_minutes(kind)
    weekly = [Hours(h.weekday, h.starts, h.ends) for h in staff.weekly_hours.all()]
    exceptions = [
        Exception_(e.on, e.kind == "off", e.starts, e.ends)
        for e in staff.availability_exceptions.filter(on__gte=today, on__lte=last)
    ]
    busy = Appointment.objects.filter(
        staff=staff,
        attendance=Appointment.Attendance.PENDING,
        ends_at__gt=now - timedelta(days=1),
        starts_at__lt=now + timedelta(days=days + 2),
    ).values_list("starts_at", "ends_at")
    starts = free_slots(
        weekly=weekly,
        exceptions=exceptions,
        busy=list(busy),
        zone=zone,
        first_day=today,
        last_day=last,
        minutes=minutes,
        not_before=now,
    )
    length = timedelta(minutes=minutes)
    return [Slot(staff, s, s + length) for s in starts]


def intake_staff(patient: Patient) -> list[User]:
    """Return who takes the patient's intake call: their care coordinator when they have
    published hours, else every coordinator of the practice who has."""
    coordinator = care_coordinator(patient)
    if coordinator is not None and coordinator.weekly_hours.exists():
        return [coordinator]
    return list(
        practice_staff(patient.practice_id, Role.COORDINATOR)
        .filter(weekly_hours__isnull=False)
        .distinct()
        .select_related("practice")
    )


def intake_slots(patient: Patient, *, now: datetime) -> list[datetime]:
    """Return the free intake-call starts (UTC) offered to the patient: within the
    practice's target days, from whoever takes their intake call, each time once."""
    days = intake_target_days(patient.practice)
    starts = {
        slot.starts_at
        for staff in intake_staff(patient)
        for slot in free_slots_of(staff, kind=AppointmentKind.INTAKE_CALL, now=now, days=days + 1)
        if slot.starts_at <= now + timedelta(days=days)
    }
    return sorted(starts)
