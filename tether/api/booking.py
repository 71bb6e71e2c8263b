"""/api/v1 for bookable hours and free slots: a coordinator's or clinician's own hours, the
free slots a caller may book, and booking, cancelling and moving an appointment. Lookups go
through the access module, writes through tether.engagement.services."""

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from tether.access import (
    get_appointment_to_change,
    get_bookable_colleague,
    get_own_patient,
    get_patient,
    may_publish_availability,
)
from tether.accounts.models import Role, User
from tether.accounts.zones import patient_zone
from tether.api.auth import ApiRequest
from tether.api.booking_schemas import AvailabilityIO, BookIn, RescheduleIn, SlotOut
from tether.api.engagement import _appointment
from tether.api.engagement_schemas import AppointmentOut
from tether.api.errors import INVALID, NOT_FOUND, invalid, require_care_staff
from tether.api.pagination import Pages
from tether.engagement.services import (
    STAFF_BOOKING_DAYS,
    EngagementInvalid,
    add_exception,
    book_slot,
    cancel_appointment,
    free_slots_of,
    intake_slots,
    reschedule_appointment,
    set_weekly_hours,
)
from tether.engagement.services.availability import slot_minutes
from tether.engagement.slots import INTAKE_CALL_MINUTES

router = Router(tags=["booking"])


def _zone(user: User) -> str:
    return user.practice.time_zone if user.practice else "UTC"


def _slot(starts_at: datetime, minutes: int, zone: str, staff_id: int | None = None) -> dict:
    return {
        "staff_id": staff_id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "starts_local": starts_at.astimezone(ZoneInfo(zone)).isoformat(),
        "time_zone": zone,
    }


@router.get("/slots", response={200: list[SlotOut], **NOT_FOUND})
@paginate(Pages)
def list_slots(request: ApiRequest, kind: str = "intake_call", staff_id: int | None = None):
    """Free slots. A patient: their own intake-call slots, within the practice's target days,
    in their own zone (an empty list means the coordinator will call to find a time). Care
    staff: the free slots of a colleague (`staff_id`, a coordinator or clinician) for four
    weeks, for `kind` (intake_call or check_in)."""
    user: User = request.auth
    now = timezone.now()
    if user.role == Role.PATIENT:
        patient = get_own_patient(user)
        zone = patient_zone(patient)
        return [_slot(s, INTAKE_CALL_MINUTES, zone) for s in intake_slots(patient, now=now)]
    require_care_staff(user, hide=True)
    if staff_id is None or kind not in ("intake_call", "check_in"):
        raise Http404("Name a colleague.")
    colleague = get_bookable_colleague(user, staff_id)
    zone = _zone(colleague)
    slots = free_slots_of(colleague, kind=kind, now=now, days=STAFF_BOOKING_DAYS)
    return [_slot(s.starts_at, slot_minutes(kind), zone, colleague.pk) for s in slots]


@router.post("/patients/{patient_id}/bookings", response={201: AppointmentOut, **INVALID})
def book(request: ApiRequest, patient_id: UUID, payload: BookIn):
    """Book a patient the caller may see into a free slot of a colleague (care staff)."""
    require_care_staff(request.auth, hide=True)
    patient = get_patient(request.auth, patient_id)
    colleague = get_bookable_colleague(request.auth, payload.staff_id)
    try:
        appointment = book_slot(
            patient=patient,
            staff=colleague,
            kind=payload.kind,
            starts_at=payload.starts_at,
            mode=payload.mode,
            video_link=payload.video_link,
            booked_by=request.auth,
        )
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, _appointment(appointment))


@router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **INVALID})
def cancel(request: ApiRequest, appointment_id: UUID):
    """Cancel a booked appointment (a patient, up to 24 hours before). The slot is free again
    and the staff member is told."""
    appointment = get_appointment_to_change(request.auth, appointment_id)
    try:
        cancel_appointment(appointment=appointment, by=request.auth)
    except EngagementInvalid as error:
        return invalid(error)
    return _appointment(appointment)


@router.post("/appointments/{appointment_id}/reschedule", response={201: AppointmentOut, **INVALID})
def reschedule(request: ApiRequest, appointment_id: UUID, payload: RescheduleIn):
    """Move a booked appointment to another free slot of the same staff member (a patient, up
    to 24 hours before). Answers the new appointment; the old one reads cancelled."""
    appointment = get_appointment_to_change(request.auth, appointment_id)
    try:
        moved = reschedule_appointment(
            appointment=appointment, starts_at=payload.starts_at, by=request.auth
        )
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, _appointment(moved))


def _availability(user: User) -> dict:
    today = timezone.now().astimezone(ZoneInfo(_zone(user))).date()
    return {
        "time_zone": _zone(user),
        "weekly": list(user.weekly_hours.values("weekday", "starts", "ends")),
        "exceptions": list(
            user.availability_exceptions.filter(on__gte=today).values(
                "kind", "on", "starts", "ends"
            )
        ),
    }


def _publisher(request: ApiRequest) -> User:
    if not may_publish_availability(request.auth):
        raise Http404("Not found.")
    return request.auth


@router.get("/me/availability", response={200: AvailabilityIO, **NOT_FOUND})
def get_availability(request: ApiRequest):
    """The caller's own weekly hours and upcoming exceptions (coordinators and clinicians)."""
    return _availability(_publisher(request))


@router.put("/me/availability", response={200: AvailabilityIO, **INVALID})
def put_availability(request: ApiRequest, payload: AvailabilityIO):
    """Replace the caller's weekly hours and upcoming exceptions, all or nothing."""
    user = _publisher(request)
    try:
        with transaction.atomic():
            set_weekly_hours(
                staff=user, hours=[(h.weekday, h.starts, h.ends) for h in payload.weekly]
            )
            today = timezone.now().astimezone(ZoneInfo(_zone(user))).date()
            user.availability_exceptions.filter(on__gte=today).delete()
            for e in payload.exceptions:
                add_exception(staff=user, kind=e.kind, on=e.on, starts=e.starts, ends=e.ends)
    except EngagementInvalid as error:
        return invalid(error)
    return _availability(user)
