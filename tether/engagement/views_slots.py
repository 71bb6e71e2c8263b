"""Bookable hours and slots: a coordinator's or clinician's own hours (/staff/availability/),
the patient's slot picker for the intake call, cancelling and moving an appointment, and staff
booking a patient into any colleague's free slot. Each looks up through the access module and
calls a service."""

from datetime import datetime, time
from itertools import groupby
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import (
    bookable_colleagues,
    get_appointment_to_change,
    get_bookable_colleague,
    get_enrollment,
    get_own_patient,
    get_patient,
)
from tether.access.decorators import care_staff_required, patient_required, role_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role, User
from tether.accounts.zones import patient_zone
from tether.engagement.models import Appointment, AppointmentKind, AvailabilityException
from tether.engagement.services import (
    STAFF_BOOKING_DAYS,
    EngagementInvalid,
    add_exception,
    book_intake_call,
    book_slot,
    cancel_appointment,
    free_slots_of,
    reschedule_appointment,
    set_weekly_hours,
)

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _zone(user: User) -> str:
    """Return the zone of `user`'s practice (the role decorators ensure they have one)."""
    return user.practice.time_zone if user.practice else "UTC"


def _problems(request, error: EngagementInvalid) -> None:
    for message in error.problems.values():
        messages.error(request, message)


def slot_days(starts: list[datetime], zone: str) -> list[dict]:
    """Group UTC slot starts by local day in `zone`, for a picker."""
    tz = ZoneInfo(zone)
    local = [(s, s.astimezone(tz)) for s in starts]
    return [
        {"day": day, "slots": [{"value": s.isoformat(), "local": t} for s, t in group]}
        for day, group in groupby(local, key=lambda pair: pair[1].date())
    ]


def parse_slot(value: str) -> datetime | None:
    """Return the aware datetime a picker sent, or None when it is not one."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        raise EngagementInvalid({"time": "Give times like 09:00."}) from None


# --- Staff: my hours ------------------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.CLINICIAN)
def my_availability(request: AuthenticatedRequest) -> HttpResponse:
    staff = request.user
    if request.method == "POST":
        try:
            _save_availability(request)
        except EngagementInvalid as error:
            _problems(request, error)
        else:
            messages.success(request, "Your hours are saved.")
        return redirect("my_availability")
    hours = {h.weekday: h for h in staff.weekly_hours.all()}
    zone = _zone(staff)
    context = {
        "zone": zone,
        "days": [{"n": n, "name": name, "hours": hours.get(n)} for n, name in enumerate(WEEKDAYS)],
        "exceptions": staff.availability_exceptions.filter(
            on__gte=timezone.now().astimezone(ZoneInfo(zone)).date()
        ),
        "kinds": AvailabilityException.Kind.choices,
    }
    return render(request, "engagement/my_availability.html", context)


def _save_availability(request: AuthenticatedRequest) -> None:
    staff, post = request.user, request.POST
    action = post.get("action")
    if action == "hours":
        hours = []
        for n in range(7):
            starts, ends = (
                _time(post.get(f"day_{n}_starts", "")),
                _time(post.get(f"day_{n}_ends", "")),
            )
            if starts and ends:
                hours.append((n, starts, ends))
            elif starts or ends:
                raise EngagementInvalid({f"day_{n}": f"Give {WEEKDAYS[n]} a start and an end."})
        set_weekly_hours(staff=staff, hours=hours)
    elif action == "exception":
        try:
            on = datetime.strptime(post.get("on", ""), "%Y-%m-%d").date()  # noqa: DTZ007
        except ValueError:
            raise EngagementInvalid({"on": "Choose a date."}) from None
        add_exception(
            staff=staff,
            kind=post.get("kind", ""),
            on=on,
            starts=_time(post.get("starts", "")),
            ends=_time(post.get("ends", "")),
        )
    elif action == "remove":
        exception_id = _uuid_or_none(post.get("exception"))
        if exception_id is not None:
            staff.availability_exceptions.filter(pk=exception_id).delete()
    else:
        raise EngagementInvalid({"action": "Nothing to save."})


def _uuid_or_none(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


# --- The patient ------------------------------------------------------------------------------


@patient_required
@require_POST
def book_my_intake(request: AuthenticatedRequest, enrollment_id) -> HttpResponse:
    """The patient books their intake call in one of the free slots they were offered."""
    get_own_patient(request.user)
    enrollment = get_enrollment(request.user, enrollment_id)
    starts_at = parse_slot(request.POST.get("slot", ""))
    mode = request.POST.get("mode", Appointment.Mode.PHONE)
    if starts_at is None:
        messages.error(request, "Please choose one of the times shown.")
        return redirect("my_programs")
    try:
        book_intake_call(
            enrollment=enrollment, starts_at=starts_at, mode=mode, booked_by=request.user
        )
    except EngagementInvalid as error:
        _problems(request, error)
    else:
        messages.success(request, "Your intake call is booked. Someone will call you then.")
    return redirect("my_programs")


@patient_required
@require_POST
def my_cancel_appointment(request: AuthenticatedRequest, appointment_id) -> HttpResponse:
    appointment = get_appointment_to_change(request.user, appointment_id)
    try:
        cancel_appointment(appointment=appointment, by=request.user)
    except EngagementInvalid as error:
        _problems(request, error)
    else:
        messages.success(request, "Your appointment is cancelled. We have let the practice know.")
    return redirect("my_appointments")


@patient_required
def my_reschedule_appointment(request: AuthenticatedRequest, appointment_id) -> HttpResponse:
    appointment = get_appointment_to_change(request.user, appointment_id)
    patient = get_own_patient(request.user)
    if request.method == "POST":
        starts_at = parse_slot(request.POST.get("slot", ""))
        try:
            if starts_at is None:
                raise EngagementInvalid({"slot": "Please choose one of the times shown."})
            reschedule_appointment(appointment=appointment, starts_at=starts_at, by=request.user)
        except EngagementInvalid as error:
            _problems(request, error)
            return redirect("my_reschedule_appointment", appointment.pk)
        messages.success(request, "Your appointment is moved. We have let the practice know.")
        return redirect("my_appointments")
    if appointment.staff is None:
        raise Http404("No such appointment.")
    slots = free_slots_of(
        appointment.staff, kind=appointment.kind, now=timezone.now(), days=STAFF_BOOKING_DAYS
    )
    zone = patient_zone(patient)
    context = {
        "appointment": appointment,
        "local": appointment.starts_in(zone),
        "zone": zone,
        "days": slot_days([s.starts_at for s in slots], zone),
    }
    return render(request, "engagement/my_reschedule.html", context)


# --- Staff book for a patient -----------------------------------------------------------------


@care_staff_required
def staff_book_slot(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    """Book a patient into any free slot of any coordinator or clinician of the practice."""
    patient = get_patient(request.user, patient_id)
    colleagues = bookable_colleagues(request.user).select_related("practice")
    chosen_id = request.POST.get("staff") or request.GET.get("staff")
    chosen = get_bookable_colleague(request.user, chosen_id) if chosen_id else None
    kind = request.POST.get("kind") or request.GET.get("kind") or AppointmentKind.CHECK_IN
    if kind not in (AppointmentKind.INTAKE_CALL, AppointmentKind.CHECK_IN):
        kind = AppointmentKind.CHECK_IN
    if request.method == "POST" and chosen is not None:
        starts_at = parse_slot(request.POST.get("slot", ""))
        try:
            if starts_at is None:
                raise EngagementInvalid({"slot": "Choose one of the times shown."})
            book_slot(
                patient=patient,
                staff=chosen,
                kind=kind,
                starts_at=starts_at,
                mode=request.POST.get("mode", Appointment.Mode.PHONE),
                video_link=request.POST.get("video_link", "").strip(),
                booked_by=request.user,
            )
        except EngagementInvalid as error:
            _problems(request, error)
        else:
            messages.success(request, "Booked.")
            return redirect("staff_engagement", patient.pk)
    zone = _zone(request.user)
    slots = (
        free_slots_of(chosen, kind=kind, now=timezone.now(), days=STAFF_BOOKING_DAYS)
        if chosen
        else []
    )
    context = {
        "patient": patient,
        "colleagues": colleagues,
        "chosen": chosen,
        "kind": kind,
        "zone": zone,
        "days": slot_days([s.starts_at for s in slots], zone),
        "modes": Appointment.Mode.choices,
    }
    return render(request, "engagement/staff_book_slot.html", context)
