"""Demo data for programs, appointments and outreach (called by load_demo)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tether.accounts.models import CareTeamMember, Patient, Practice, User
from tether.engagement.models import Appointment
from tether.engagement.services import (
    book_appointment,
    create_program,
    create_series,
    enroll_patient,
    record_attendance,
    record_intake_call,
    set_peer_outreach,
)
from tether.engagement.services.availability import set_weekly_hours
from tether.engagement.sweeps import sweep_overdue_outreach


def _patient(username: str) -> Patient:
    return Patient.objects.select_related("practice").get(user__username=username)


def load(*, practice: Practice, now: datetime) -> None:
    """Weekday hours (09:00-17:00) for demo-coordinator and demo-clinician, two programs, a
    patient waiting on their intake call (demo-patient-05), weekly check-in
    series with attended and missed sessions, and overdue and fresh outreach tasks for
    demo-coordinator."""
    coordinator = User.objects.get(username="demo-coordinator")
    clinician = User.objects.get(username="demo-clinician")
    # Weekday hours for intake calls and check-ins, so an invited patient has times to book.
    weekdays = [(day, time(9, 0), time(17, 0)) for day in range(5)]
    set_weekly_hours(staff=coordinator, hours=weekdays)
    set_weekly_hours(staff=clinician, hours=weekdays)
    cbt = create_program(
        practice=practice,
        name="8-week guided CBT for depression",
        description="Eight weekly modules with a coach who checks in with you each week.",
    )
    anxiety = create_program(
        practice=practice,
        name="Anxiety skills group",
        description="A weekly group to learn and practise skills for worry and panic.",
    )

    waiting = _patient("demo-patient-05")
    enroll_patient(patient=waiting, program=cbt, by=coordinator, at=now - timedelta(days=1))

    active = _patient("demo-patient")
    enrollment = enroll_patient(
        patient=active, program=anxiety, by=coordinator, at=now - timedelta(days=24)
    )
    intake_at = now - timedelta(days=21)
    intake = book_appointment(
        patient=active,
        kind=Appointment.Kind.INTAKE_CALL,
        mode=Appointment.Mode.PHONE,
        staff=coordinator,
        starts_at=intake_at,
        ends_at=intake_at + timedelta(minutes=20),
        booked_by=coordinator,
        enrollment=enrollment,
    )
    record_intake_call(
        enrollment=enrollment,
        by=coordinator,
        at=intake_at,
        duration_minutes=20,
        outcome="Talked through worries about the group; ready to join on Thursday.",
        appointment=intake,
    )

    # Weekly check-ins for demo-coordinator's patients, started three weeks ago.
    zone = ZoneInfo(practice.time_zone)
    first_date = (now.astimezone(zone) - timedelta(weeks=3)).date()
    mine = list(
        CareTeamMember.objects.filter(staff=coordinator, team_role="coordinator")
        .select_related("patient__practice")
        .order_by("patient__created_at")[:6]
    )
    for index, member in enumerate(mine):
        series = create_series(
            patient=member.patient,
            staff=coordinator if index % 2 else clinician,
            mode=Appointment.Mode.VIDEO if index % 2 else Appointment.Mode.PHONE,
            every_weeks=1,
            first_date=first_date + timedelta(days=index % 5),
            local_start_time=time(10 + index % 4),
            duration_minutes=30,
            time_zone=practice.time_zone,
            count=8,
            created_by=coordinator,
        )
        past = list(series.appointments.filter(ends_at__lt=now).order_by("starts_at"))
        for number, appointment in enumerate(past):
            # Patient 0: a check-in a week or more ago was missed -> overdue outreach.
            # Patient 2: the last two were missed -> raised on the caseload, overdue outreach.
            missed = (index == 0 and number == len(past) - 2) or (
                index == 2 and number >= len(past) - 2
            )
            record_attendance(
                appointment=appointment,
                attendance=Appointment.Attendance.MISSED if missed else "attended",
                by=coordinator,
                at=appointment.ends_at + timedelta(hours=1),
            )
    # Patient 1 missed a check-in this morning: a fresh task, due the next business day.
    if len(mine) > 1:
        _missed_check_in(
            mine[1].patient, coordinator=coordinator, starts_at=now - timedelta(hours=3), at=now
        )
    # demo-patient-03 agreed that the peer supporter may reach out: a missed session yesterday
    # sits in demo-peer's queue.
    peer_patient = _patient("demo-patient-03")
    set_peer_outreach(patient=peer_patient, peer_supporter=User.objects.get(username="demo-peer"))
    _missed_check_in(
        peer_patient,
        coordinator=coordinator,
        starts_at=now - timedelta(hours=26),
        at=now - timedelta(hours=24),
    )
    # Past-due tasks escalate to the practice admin, as the every-minute sweep would.
    sweep_overdue_outreach(now=now)


def _missed_check_in(
    patient: Patient, *, coordinator: User, starts_at: datetime, at: datetime
) -> None:
    """Book a 30-minute phone check-in with the coordinator and record at `at` that the
    patient missed it (which opens an outreach task)."""
    appointment = book_appointment(
        patient=patient,
        kind=Appointment.Kind.CHECK_IN,
        mode=Appointment.Mode.PHONE,
        staff=coordinator,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        booked_by=coordinator,
    )
    record_attendance(
        appointment=appointment, attendance=Appointment.Attendance.MISSED, by=coordinator, at=at
    )
