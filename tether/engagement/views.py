"""Pages for programs, appointments and outreach: the patient's own (/me/...) and care staff's
(/staff/...). Each looks up through the access module, calls a service, and redirects."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import (
    get_appointment_for_staff,
    get_enrollment_for_staff,
    get_outreach_task,
    get_own_patient,
    get_patient,
    get_practice_staff,
    my_practice_staff,
    visible_outreach_tasks,
)
from tether.access.contact import ContactDetails, contact_details
from tether.access.decorators import (
    care_staff_required,
    outreach_worker_required,
    patient_required,
)
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Patient, Role
from tether.accounts.zones import patient_zone
from tether.engagement.forms import (
    AppointmentForm,
    AttemptForm,
    AttendanceForm,
    EnrollForm,
    IntakeCallForm,
    SeriesForm,
)
from tether.engagement.models import Appointment, Enrollment, OutreachTask
from tether.engagement.selectors import outreach_queue, upcoming_appointments
from tether.engagement.services import (
    EngagementInvalid,
    ask_coordinator_to_find_time,
    book_appointment,
    create_series,
    enroll_patient,
    intake_slots,
    intake_target_days,
    peer_supporter_for_outreach,
    record_attendance,
    record_intake_call,
    record_outreach_attempt,
    set_peer_outreach,
)
from tether.engagement.views_slots import slot_days
from tether.lib.forms import add_problems


def _times(appointments, patient: Patient) -> list[dict]:
    """Pair each appointment with its start in the patient's and the practice's zones."""
    mine, practice = patient_zone(patient), patient.practice.time_zone
    return [
        {
            "appointment": a,
            "local": a.starts_in(mine),
            "practice": a.starts_in(practice) if practice != mine else None,
        }
        for a in appointments
    ]


def _problems(request: HttpRequest, error: EngagementInvalid) -> None:
    for message in error.problems.values():
        messages.error(request, message)


# --- The patient's pages ---------------------------------------------------------------------


@patient_required
def my_appointments(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    rows = _times(upcoming_appointments(patient, now=timezone.now()), patient)
    context = {
        "patient": patient,
        "rows": rows,
        "zone": patient_zone(patient),
        "peer": peer_supporter_for_outreach(patient),
        "peer_supporters": my_practice_staff(request.user, Role.PEER_SUPPORTER).order_by(
            "first_name"
        ),
    }
    return render(request, "engagement/my_appointments.html", context)


@patient_required
@require_POST
def my_peer_outreach(request: AuthenticatedRequest) -> HttpResponse:
    """The patient lets a peer supporter reach out after a missed session, or stops it."""
    patient = get_own_patient(request.user)
    chosen = request.POST.get("peer_supporter") or None
    peer = None
    if chosen:
        try:
            peer = get_practice_staff(request.user, chosen, Role.PEER_SUPPORTER)
        except Http404:
            messages.error(request, "Choose one of your practice's peer supporters.")
            return redirect("my_appointments")
    set_peer_outreach(patient=patient, peer_supporter=peer)
    if peer:
        messages.success(request, f"{peer.display_name} may reach out if you miss a session.")
    else:
        messages.success(request, "Only your care coordinator will reach out now.")
    return redirect("my_appointments")


@patient_required
def my_programs(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    enrollments = patient.enrollments.select_related("program").prefetch_related("appointments")
    rows = []
    now = timezone.now()
    for enrollment in enrollments:
        intake = [a for a in enrollment.appointments.all() if a.kind == "intake_call"]
        booked = [a for a in intake if a.attendance == Appointment.Attendance.PENDING]
        days = []
        if enrollment.status == Enrollment.Status.AWAITING_INTAKE and not booked:
            starts = intake_slots(patient, now=now)
            if not starts:
                # Nobody is free within the target days: the coordinator gets a task to call.
                ask_coordinator_to_find_time(patient=patient, now=now)
            days = slot_days(starts, patient_zone(patient))
        rows.append({"enrollment": enrollment, "intake": _times(booked, patient), "days": days})
    context = {
        "patient": patient,
        "rows": rows,
        "zone": patient_zone(patient),
        "target_days": intake_target_days(patient.practice),
        "modes": [(Appointment.Mode.PHONE, "Phone call"), (Appointment.Mode.VIDEO, "Video call")],
    }
    return render(request, "engagement/my_programs.html", context)


# --- Care staff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _QueueRow:
    task: OutreachTask
    overdue: bool
    due_local: datetime  # in the patient's practice's time zone
    contact: ContactDetails | None  # None for whoever may not reach the patient (a peer)


@outreach_worker_required
def outreach_queue_page(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    tasks = list(outreach_queue(visible_outreach_tasks(request.user), now=now))
    contacts = contact_details(request.user, {task.patient_id for task in tasks})
    rows = [
        _QueueRow(
            task=task,
            overdue=task.is_overdue(now),
            due_local=task.due_at.astimezone(ZoneInfo(task.patient.practice.time_zone)),
            contact=contacts.get(task.patient_id),
        )
        for task in tasks
    ]
    return render(
        request,
        "engagement/outreach_queue.html",
        {"rows": rows, "attempt_form": AttemptForm()},
    )


@outreach_worker_required
@require_POST
def outreach_attempt(request: AuthenticatedRequest, task_id) -> HttpResponse:
    task = get_outreach_task(request.user, task_id)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you tried and whether you reached them.")
        return redirect("outreach_queue")
    try:
        record_outreach_attempt(task=task, by=request.user, **form.cleaned_data)
    except EngagementInvalid as error:
        _problems(request, error)
    else:
        messages.success(request, f"Attempt recorded for {task.patient.full_name}.")
    return redirect("outreach_queue")


def _staff_page(request, patient: Patient, **forms) -> HttpResponse:
    zone = patient_zone(patient)
    since = timezone.now() - timedelta(days=90)
    appointments = patient.appointments.filter(ends_at__gte=since).select_related("staff")
    context = {
        "patient": patient,
        "zone": zone,
        "rows": _times(appointments, patient),
        "enrollments": patient.enrollments.select_related("program"),
        "appointment_form": forms.get("appointment_form") or AppointmentForm(zone=zone),
        "series_form": forms.get("series_form") or SeriesForm(initial={"time_zone": zone}),
        "enroll_form": forms.get("enroll_form") or EnrollForm(practice=patient.practice),
        "intake_form": IntakeCallForm(zone=zone),
        "attendance_form": AttendanceForm(),
    }
    return render(request, "engagement/staff_patient.html", context)


@care_staff_required
def staff_engagement(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _staff_page(request, get_patient(request.user, patient_id))


@care_staff_required
@require_POST
def staff_book_appointment(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    form = AppointmentForm(request.POST, zone=patient_zone(patient))
    if form.is_valid():
        data = form.cleaned_data
        try:
            book_appointment(
                patient=patient,
                kind=data["kind"],
                mode=data["mode"],
                staff=request.user,
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + timedelta(minutes=data["duration_minutes"]),
                booked_by=request.user,
            )
        except EngagementInvalid as error:
            _problems(request, error)
        else:
            messages.success(request, "Appointment booked.")
            return redirect("staff_engagement", patient.pk)
    return _staff_page(request, patient, appointment_form=form)


@care_staff_required
@require_POST
def staff_book_series(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    form = SeriesForm(request.POST)
    if form.is_valid():
        try:
            series = create_series(
                patient=patient, staff=request.user, created_by=request.user, **form.cleaned_data
            )
        except EngagementInvalid as error:
            add_problems(form, error)
        else:
            messages.success(request, f"Booked {series.appointments.count()} check-ins.")
            return redirect("staff_engagement", patient.pk)
    return _staff_page(request, patient, series_form=form)


@care_staff_required
@require_POST
def staff_mark_attendance(request: AuthenticatedRequest, appointment_id) -> HttpResponse:
    appointment = get_appointment_for_staff(request.user, appointment_id)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        record_attendance(
            appointment=appointment, attendance=form.cleaned_data["attendance"], by=request.user
        )
        messages.success(request, "Attendance recorded.")
    return redirect("staff_engagement", appointment.patient_id)


@care_staff_required
@require_POST
def staff_enroll(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    form = EnrollForm(request.POST, practice=patient.practice)
    if form.is_valid():
        try:
            enroll_patient(patient=patient, program=form.cleaned_data["program"], by=request.user)
        except EngagementInvalid as error:
            _problems(request, error)
        else:
            messages.success(request, "Enrolled. The program unlocks after the intake call.")
    return redirect("staff_engagement", patient.pk)


@care_staff_required
@require_POST
def staff_record_intake(request: AuthenticatedRequest, enrollment_id) -> HttpResponse:
    enrollment: Enrollment = get_enrollment_for_staff(request.user, enrollment_id)
    form = IntakeCallForm(request.POST, zone=patient_zone(enrollment.patient))
    if not form.is_valid():
        messages.error(request, "Give when the call was, how long, and how it went.")
    else:
        try:
            record_intake_call(enrollment=enrollment, by=request.user, **form.cleaned_data)
        except EngagementInvalid as error:
            _problems(request, error)
        else:
            messages.success(request, f"Intake recorded: {enrollment.program} is unlocked.")
    return redirect("staff_engagement", enrollment.patient_id)
