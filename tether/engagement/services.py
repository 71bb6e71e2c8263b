"""Writes for programs, appointments and missed-session outreach.

Rules:
- An enrollment starts awaiting intake; only a recorded intake call makes it active.
- A missed appointment gets exactly one outreach task: a unique constraint on the appointment
  stops a second one, and the sweep claims each appointment with a conditional UPDATE so two
  runs or two workers never both act on it.
- Routing: the patient's care coordinator owns the task by default (the practice admin when
  there is none). When the patient has consented to a named peer supporter reaching out, the
  task goes to that peer supporter's queue instead (the coordinator still sees it and it still
  escalates). When the patient has consented to a trusted person being told about a missed
  session, and that person accepted, they also get a gentle email with no clinical detail,
  and the task records that they were told.
- While the patient has an unresolved risk alert, a missed session is not routine: the task
  is urgent, owned by the treating clinician (the coordinator when the team has no active
  clinician), due within 2 hours, never routed to a peer supporter, and no trusted person is
  emailed (the routine note says there is no need to worry, which would not be true; any
  other wording would hint at the alert, so they are told nothing and the clinician decides).
- A task is due at 17:00 on the next business day in the practice's time zone; an
  unreached patient gets a second attempt due the next business day (urgent: within 2 hours
  again); an open task past its due time escalates once to the practice admin.
"""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient, Role, User
from tether.accounts.selectors import coordinator_or_admin, practice_admins, treating_clinician
from tether.crisis.selectors import has_active_alert
from tether.engagement.models import (
    Appointment,
    AppointmentKind,
    AppointmentSeries,
    Enrollment,
    OutreachAttempt,
    OutreachTask,
    PeerOutreachConsent,
    Program,
)
from tether.engagement.schedule import Invalid, next_business_day_at, occurrences, zone
from tether.lib.urls import absolute_url
from tether.network.models import ConsentScope, SupportContact
from tether.notifications.services import queue_email

EngagementInvalid = Invalid
MISSED_GRACE = timedelta(minutes=30)
# An urgent task (missed session during an open risk alert) is due this soon.
URGENT_WITHIN = timedelta(hours=2)


def _aware(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise Invalid({field: "Give a time with its time zone."})
    return value


# --- Programs and the intake gate ------------------------------------------------------------


@transaction.atomic
def create_program(*, practice, name: str, description: str = "", guided: bool = True) -> Program:
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
def book_intake_call(
    *,
    enrollment: Enrollment,
    starts_at: datetime,
    duration_minutes: int = 30,
    mode: str = Appointment.Mode.PHONE,
    booked_by: User,
    staff: User | None = None,
) -> Appointment:
    """Book the human intake call that unlocks the program, with the patient's coordinator
    unless another staff member is named."""
    if enrollment.status != Enrollment.Status.AWAITING_INTAKE:
        raise Invalid({"enrollment": "This program does not wait on an intake call."})
    if duration_minutes is None or duration_minutes < 5:
        raise Invalid({"duration_minutes": "An intake call lasts at least 5 minutes."})
    _aware(starts_at, "starts_at")
    return book_appointment(
        patient=enrollment.patient,
        kind=AppointmentKind.INTAKE_CALL,
        mode=mode,
        staff=staff or coordinator_or_admin(enrollment.patient),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        booked_by=booked_by,
        enrollment=enrollment,
    )


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


# --- Appointments ----------------------------------------------------------------------------


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
def claim_missed(*, appointment_id, at: datetime) -> OutreachTask | None:
    """Mark a pending appointment missed and open its outreach task, if nobody else has.
    The conditional UPDATE is the claim: of two workers only one changes the row."""
    claimed = Appointment.objects.filter(
        pk=appointment_id, attendance=Appointment.Attendance.PENDING
    ).update(attendance=Appointment.Attendance.MISSED, attendance_recorded_at=at)
    if not claimed:
        return None
    appointment = Appointment.objects.select_related("patient__practice").get(pk=appointment_id)
    task, _ = open_outreach_task(appointment=appointment, at=at)
    return task


# --- Outreach --------------------------------------------------------------------------------


def trusted_person_for_missed_session(patient: Patient) -> SupportContact | None:
    """Return the trusted person the patient asked to be told of a missed session, if they
    accepted and can be emailed."""
    return (
        SupportContact.objects.filter(
            patient=patient,
            kind=SupportContact.Kind.TRUSTED_PERSON,
            state=SupportContact.State.ACTIVE,
            invitation=SupportContact.Invitation.ACCEPTED,
            consents__scope=ConsentScope.MISSED_SESSION,
            consents__withdrawn_at__isnull=True,
        )
        .exclude(email="")
        .order_by("created_at")
        .first()
    )


def peer_supporter_for_outreach(patient: Patient) -> User | None:
    """Return the active peer supporter the patient agreed may reach out, if any."""
    consent = (
        PeerOutreachConsent.objects.filter(
            patient=patient,
            withdrawn_at__isnull=True,
            peer_supporter__is_active=True,
            peer_supporter__role=Role.PEER_SUPPORTER,
            peer_supporter__practice_id=patient.practice_id,
        )
        .select_related("peer_supporter")
        .first()
    )
    return consent.peer_supporter if consent else None


@transaction.atomic
def set_peer_outreach(*, patient: Patient, peer_supporter: User | None) -> None:
    """Let `peer_supporter` reach out after a missed session, or (None) stop it, at once."""
    if peer_supporter is not None and (
        peer_supporter.role != Role.PEER_SUPPORTER
        or peer_supporter.practice_id != patient.practice_id
        or not peer_supporter.is_active
    ):
        raise Invalid({"peer_supporter": "Choose one of your practice's peer supporters."})
    now = timezone.now()
    PeerOutreachConsent.objects.filter(patient=patient, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    if peer_supporter is not None:
        PeerOutreachConsent.objects.create(
            patient=patient, peer_supporter=peer_supporter, granted_at=now
        )


def clinician_for_urgent_outreach(patient: Patient) -> User | None:
    """Return the treating clinician, else the coordinator (else the practice admin)."""
    return treating_clinician(patient) or coordinator_or_admin(patient)


@transaction.atomic
def open_outreach_task(*, appointment: Appointment, at: datetime) -> tuple[OutreachTask, bool]:
    """Return the appointment's outreach task, creating it (and telling a consented trusted
    person, unless a risk alert is open) only the first time."""
    existing = OutreachTask.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing, False
    patient = appointment.patient
    trusted: SupportContact | None = None
    urgent = has_active_alert(patient)
    if urgent:
        owner, route = clinician_for_urgent_outreach(patient), OutreachTask.Route.CLINICIAN
        due_at = at + URGENT_WITHIN
    else:
        trusted = trusted_person_for_missed_session(patient)
        peer = peer_supporter_for_outreach(patient)
        if peer is not None:
            owner, route = peer, OutreachTask.Route.PEER_SUPPORTER
        elif trusted is not None:
            owner, route = coordinator_or_admin(patient), OutreachTask.Route.TRUSTED_PERSON
        else:
            owner, route = coordinator_or_admin(patient), OutreachTask.Route.COORDINATOR
        due_at = next_business_day_at(at, patient.practice.time_zone)
    try:
        with transaction.atomic():
            task = OutreachTask.objects.create(
                kind=OutreachTask.Kind.MISSED_SESSION,
                appointment=appointment,
                patient=patient,
                assigned_to=owner,
                route=route,
                urgent=urgent,
                trusted_contact=trusted,
                due_at=due_at,
                created_at=at,
            )
    except IntegrityError:
        # Another worker created it between our read and our insert: theirs stands.
        return OutreachTask.objects.get(appointment=appointment), False
    if trusted is not None:
        _tell_trusted_person(trusted, patient)
    return task, True


def _tell_trusted_person(contact: SupportContact, patient: Patient) -> None:
    # Only that an appointment was missed: never its kind, the reason or anything clinical.
    queue_email(
        to=contact.email,
        subject=f"A note about {patient.called}",
        body=(
            f"Hello {contact.name},\n\n"
            f"{patient.called} asked us to let you know if they miss an appointment, and they "
            "missed one today. There is no need to worry, and nothing you must do. If it feels "
            f"right, a friendly hello from you might mean a lot.\n\n"
            f"Someone from {patient.practice.name} will also be in touch with them.\n"
        ),
        purpose="missed-session-trusted",
        patient=patient,
    )


@transaction.atomic
def record_outreach_attempt(
    *,
    task: OutreachTask,
    by: User,
    method: str,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
) -> OutreachAttempt:
    """Record one try at reaching the patient. Reached closes the task; not reached sets the
    next attempt for the next business day (an urgent task: within 2 hours)."""
    problems = {}
    if method not in OutreachAttempt.Method.values:
        problems["method"] = f"Choose one of: {', '.join(OutreachAttempt.Method.values)}."
    if outcome not in OutreachAttempt.Outcome.values:
        problems["outcome"] = "Say whether you reached them."
    if task.status != OutreachTask.Status.OPEN:
        problems["task"] = "This outreach is already done."
    if problems:
        raise Invalid(problems)
    at = at or timezone.now()
    attempt = OutreachAttempt.objects.create(
        task=task, by=by, at=at, method=method, outcome=outcome, note=note.strip()
    )
    if outcome == OutreachAttempt.Outcome.REACHED:
        task.status = OutreachTask.Status.DONE
        task.done_at = at
    elif task.urgent:
        task.due_at = at + URGENT_WITHIN
    else:
        task.due_at = next_business_day_at(at, task.patient.practice.time_zone)
    task.save(update_fields=["status", "done_at", "due_at"])
    return attempt


@transaction.atomic
def escalate_outreach(*, task_id, at: datetime) -> bool:
    """Escalate an overdue task to the practice admin, once. Return whether this call did."""
    claimed = OutreachTask.objects.filter(
        pk=task_id, status=OutreachTask.Status.OPEN, escalated_at__isnull=True, due_at__lt=at
    ).update(escalated_at=at)
    if not claimed:
        return False
    task = OutreachTask.objects.select_related("patient", "assigned_to").get(pk=task_id)
    owner = task.assigned_to.display_name if task.assigned_to else "nobody"
    after = (
        "missed appointment"
        if task.kind == OutreachTask.Kind.MISSED_SESSION
        else "risk alert (follow-up contact)"
    )
    label = "Urgent outreach overdue" if task.urgent else "Outreach overdue"
    for admin in practice_admins(task.patient.practice_id).exclude(email=""):
        queue_email(
            to=admin.email,
            subject=f"{label}: {task.patient.full_name}",
            body=(
                f"The follow-up after {task.patient.full_name}'s {after} was due "
                f"{task.due_at:%Y-%m-%d %H:%M} UTC and is not done. It is with {owner}.\n\n"
                f"Outreach queue: {absolute_url(reverse('outreach_queue'))}\n"
            ),
            purpose="outreach-escalated",
            patient=task.patient,
        )
    return True


def validate_zone(name: str) -> str:
    zone(name)
    return name
