"""/api/v1 for programs, appointments and outreach. Every endpoint looks records up through
the access module and changes data only through tether.engagement.services. Bad input is 400
with {detail, problems} and nothing saved."""

from datetime import datetime
from uuid import UUID

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from tether.access import (
    get_appointment_for_staff,
    get_enrollment,
    get_enrollment_for_staff,
    get_outreach_task,
    get_patient,
    visible_outreach_tasks,
    visible_programs,
)
from tether.accounts.zones import patient_zone
from tether.api.auth import ApiRequest
from tether.api.engagement_schemas import (
    AppointmentIn,
    AppointmentOut,
    AttemptIn,
    AttendanceIn,
    EnrollIn,
    EnrollmentOut,
    IntakeBookingIn,
    IntakeIn,
    OutreachOut,
    ProgramOut,
    SeriesIn,
    SeriesOut,
)
from tether.api.errors import INVALID, NOT_FOUND, Error, invalid, require_care_staff
from tether.api.pagination import Pages
from tether.engagement.models import Appointment, Enrollment
from tether.engagement.selectors import outreach_queue
from tether.engagement.services import (
    EngagementInvalid,
    book_appointment,
    book_intake_call,
    create_series,
    enroll_patient,
    record_attendance,
    record_intake_call,
    record_outreach_attempt,
)
from tether.lib.pagination import Rows

router = Router(tags=["engagement"])


def _appointment(a: Appointment) -> dict:
    zone = patient_zone(a.patient)
    return {
        **{f: getattr(a, f) for f in ("id", "patient_id", "kind", "mode", "staff_id")},
        **{f: getattr(a, f) for f in ("starts_at", "ends_at", "attendance")},
        "series_id": a.series_id,
        "enrollment_id": a.enrollment_id,
        "starts_local": a.starts_in(zone).isoformat(),
        "time_zone": zone,
    }


def _task(task, now: datetime) -> dict:
    return {
        **{f: getattr(task, f) for f in ("id", "kind", "urgent", "patient_id", "appointment_id")},
        **{f: getattr(task, f) for f in ("risk_alert_id", "assigned_to_id")},
        **{f: getattr(task, f) for f in ("route", "status", "due_at", "escalated_at")},
        "overdue": task.is_overdue(now),
        "attempts": list(task.attempts.all()),
    }


# --- Appointments ----------------------------------------------------------------------------


@router.get(
    "/patients/{patient_id}/appointments", response={200: list[AppointmentOut], **NOT_FOUND}
)
@paginate(Pages)
def list_appointments(request: ApiRequest, patient_id: UUID):
    """The patient's appointments, soonest first, with local times in the patient's zone;
    paginated."""
    patient = get_patient(request.auth, patient_id)
    appointments = patient.appointments.select_related("patient__practice").order_by(
        "starts_at", "pk"
    )
    return Rows(appointments, lambda page: [_appointment(a) for a in page])


@router.post(
    "/patients/{patient_id}/appointments",
    response={201: AppointmentOut, 403: Error, **INVALID},
)
def create_appointment(request: ApiRequest, patient_id: UUID, payload: AppointmentIn):
    """Book one appointment with the caller (care staff). Times carry their UTC offset."""
    patient = get_patient(request.auth, patient_id)
    require_care_staff(request.auth)
    try:
        appointment = book_appointment(
            patient=patient, staff=request.auth, booked_by=request.auth, **payload.dict()
        )
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, _appointment(appointment))


@router.post("/appointments/{appointment_id}/attendance", response={200: AppointmentOut, **INVALID})
def set_attendance(request: ApiRequest, appointment_id: UUID, payload: AttendanceIn):
    """Record attendance. Missed opens the appointment's outreach task (only ever one)."""
    appointment = get_appointment_for_staff(request.auth, appointment_id)
    record_attendance(appointment=appointment, attendance=payload.attendance, by=request.auth)
    return _appointment(appointment)


@router.post(
    "/patients/{patient_id}/appointment-series",
    response={201: SeriesOut, 403: Error, **INVALID},
)
def create_appointment_series(request: ApiRequest, patient_id: UUID, payload: SeriesIn):
    """Book recurring check-ins every 1, 2 or 4 weeks at a local time in a named IANA zone,
    for `count` occurrences or `until` a date. All occurrences are saved, or none."""
    patient = get_patient(request.auth, patient_id)
    require_care_staff(request.auth)
    try:
        series = create_series(
            patient=patient, staff=request.auth, created_by=request.auth, **payload.dict()
        )
    except EngagementInvalid as error:
        return invalid(error)
    appointments = series.appointments.select_related("patient__practice").order_by("starts_at")
    return Status(
        201,
        {
            "id": series.pk,
            "every_weeks": series.every_weeks,
            "time_zone": series.time_zone,
            "appointments": [_appointment(a) for a in appointments],
        },
    )


# --- Programs and enrollment -----------------------------------------------------------------


@router.get("/programs", response=list[ProgramOut])
@paginate(Pages)
def list_programs(request: ApiRequest):
    """The active programs of the caller's practice, by name, paginated."""
    return visible_programs(request.auth).filter(active=True).order_by("name", "pk")


@router.get("/patients/{patient_id}/enrollments", response={200: list[EnrollmentOut], **NOT_FOUND})
@paginate(Pages)
def list_enrollments(request: ApiRequest, patient_id: UUID):
    """The patient's programs with their intake status, newest first, paginated."""
    patient = get_patient(request.auth, patient_id)
    return patient.enrollments.select_related("program").order_by("-enrolled_at", "pk")


@router.post(
    "/patients/{patient_id}/enrollments",
    response={201: EnrollmentOut, 403: Error, **INVALID},
)
def create_enrollment(request: ApiRequest, patient_id: UUID, payload: EnrollIn):
    """Enroll the patient. The program stays locked until the intake call is recorded."""
    patient = get_patient(request.auth, patient_id)
    require_care_staff(request.auth)
    program = visible_programs(request.auth).filter(pk=payload.program_id).first()
    if program is None:
        return invalid(EngagementInvalid({"program_id": "No such program."}))
    try:
        enrollment = enroll_patient(patient=patient, program=program, by=request.auth)
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, enrollment)


@router.post("/enrollments/{enrollment_id}/intake-call", response={201: AppointmentOut, **INVALID})
def book_intake(request: ApiRequest, enrollment_id: UUID, payload: IntakeBookingIn):
    """Book the intake call (the patient themselves, or care staff)."""
    enrollment = get_enrollment(request.auth, enrollment_id)
    try:
        appointment = book_intake_call(
            enrollment=enrollment, booked_by=request.auth, **payload.dict()
        )
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, _appointment(appointment))


@router.post("/enrollments/{enrollment_id}/intake", response={200: EnrollmentOut, **INVALID})
def record_intake(request: ApiRequest, enrollment_id: UUID, payload: IntakeIn):
    """Record the completed intake call: who (the caller), when, how long, the outcome. The
    program unlocks."""
    enrollment: Enrollment = get_enrollment_for_staff(request.auth, enrollment_id)
    appointment = None
    if payload.appointment_id is not None:
        appointment = get_appointment_for_staff(request.auth, payload.appointment_id)
    try:
        return record_intake_call(
            enrollment=enrollment,
            by=request.auth,
            at=payload.at,
            duration_minutes=payload.duration_minutes,
            outcome=payload.outcome,
            appointment=appointment,
        )
    except EngagementInvalid as error:
        return invalid(error)


# --- Outreach --------------------------------------------------------------------------------


@router.get("/outreach", response={200: list[OutreachOut], 403: Error})
@paginate(Pages)
def list_outreach(request: ApiRequest):
    """Open outreach tasks the caller may work: urgent first, then overdue, then by due
    time. A follow-up after a risk alert has no appointment."""
    require_care_staff(request.auth)
    now = timezone.now()
    return [_task(t, now) for t in outreach_queue(visible_outreach_tasks(request.auth), now=now)]


@router.post("/outreach/{task_id}/attempts", response={201: OutreachOut, **INVALID})
def create_attempt(request: ApiRequest, task_id: UUID, payload: AttemptIn):
    """Record one try at reaching the patient. Reached closes the task; not reached moves it
    to the next business day."""
    task = get_outreach_task(request.auth, task_id)
    try:
        record_outreach_attempt(task=task, by=request.auth, **payload.dict())
    except EngagementInvalid as error:
        return invalid(error)
    return Status(201, _task(task, timezone.now()))
