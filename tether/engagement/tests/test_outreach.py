"""Missed sessions open exactly one outreach task, routed by consent, due the next business
day, escalated once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tether.engagement.models import Appointment, OutreachAttempt, OutreachTask
from tether.engagement.selectors import needs_attention
from tether.engagement.services import (
    claim_missed,
    record_attendance,
    record_outreach_attempt,
)
from tether.engagement.sweeps import sweep_missed_appointments, sweep_overdue_outreach
from tether.network.models import Consent, ConsentScope, SupportContact
from tether.notifications.models import Delivery

from .conftest import FRIDAY

MONDAY_5PM = datetime(2026, 11, 23, 22, tzinfo=UTC)  # 17:00 EST


def test_it_marks_missed_after_the_grace_period_only(people, book):
    appointment = book(starts_at=FRIDAY - timedelta(minutes=50))  # ended 20 minutes ago
    assert sweep_missed_appointments(now=FRIDAY) == 0
    assert sweep_missed_appointments(now=FRIDAY + timedelta(minutes=11)) == 1
    appointment.refresh_from_db()
    assert appointment.attendance == Appointment.Attendance.MISSED
    assert appointment.attendance_recorded_by is None


def test_it_creates_one_task_when_the_sweep_runs_twice(people, book):
    appointment = book()
    assert sweep_missed_appointments(now=FRIDAY) == 1
    assert sweep_missed_appointments(now=FRIDAY) == 0
    assert sweep_missed_appointments(now=FRIDAY + timedelta(hours=1)) == 0
    assert OutreachTask.objects.filter(appointment=appointment).count() == 1


def test_it_creates_one_task_when_staff_mark_missed_after_the_sweep(people, book):
    appointment = book()
    sweep_missed_appointments(now=FRIDAY)
    appointment.refresh_from_db()
    record_attendance(
        appointment=appointment, attendance="missed", by=people.coordinator, at=FRIDAY
    )
    record_attendance(
        appointment=appointment, attendance="missed", by=people.coordinator, at=FRIDAY
    )
    assert OutreachTask.objects.filter(appointment=appointment).count() == 1


def test_it_creates_one_task_when_staff_mark_missed_before_the_sweep(people, book):
    appointment = book()
    record_attendance(
        appointment=appointment, attendance="missed", by=people.coordinator, at=FRIDAY
    )
    assert sweep_missed_appointments(now=FRIDAY + timedelta(hours=1)) == 0
    assert OutreachTask.objects.filter(appointment=appointment).count() == 1


def test_it_claims_once_when_two_workers_read_the_same_due_rows(people, book):
    appointment = book()
    # Both workers read the due list before either claims (stale state).
    first_view = list(Appointment.objects.filter(attendance="pending").values_list("pk", flat=True))
    second_view = list(first_view)
    assert [claim_missed(appointment_id=pk, at=FRIDAY) for pk in first_view][0] is not None
    assert [claim_missed(appointment_id=pk, at=FRIDAY) for pk in second_view] == [None]
    assert OutreachTask.objects.filter(appointment=appointment).count() == 1


def test_it_leaves_attended_and_cancelled_appointments_alone(people, book):
    attended, cancelled = book(), book(starts_at=FRIDAY - timedelta(hours=3))
    record_attendance(appointment=attended, attendance="attended", by=people.coordinator)
    record_attendance(
        appointment=cancelled, attendance="cancelled_by_patient", by=people.coordinator
    )
    assert sweep_missed_appointments(now=FRIDAY) == 0
    assert not OutreachTask.objects.exists()


def test_it_routes_to_the_coordinator_by_default_due_monday_at_five(people, book):
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    assert task.assigned_to == people.coordinator
    assert task.route == OutreachTask.Route.COORDINATOR
    assert task.due_at == MONDAY_5PM
    assert not Delivery.objects.filter(purpose="missed-session-trusted").exists()


def _trusted(people, *, accepted=True, consent=True, withdrawn=False):
    contact = SupportContact.objects.create(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        email="maria@example.org",
        invitation="accepted" if accepted else "invited",
        created_by=people.patient.user,
    )
    if consent:
        Consent.objects.create(
            contact=contact,
            scope=ConsentScope.MISSED_SESSION,
            granted_at=FRIDAY - timedelta(days=10),
            granted_by=people.patient.user,
            withdrawn_at=FRIDAY - timedelta(days=1) if withdrawn else None,
        )
    return contact


def test_it_tells_a_consented_trusted_person_without_clinical_detail(
    people, book, mailoutbox, django_capture_on_commit_callbacks
):
    contact = _trusted(people)
    with django_capture_on_commit_callbacks(execute=True):
        book(kind=Appointment.Kind.SESSION)
        sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    assert task.route == OutreachTask.Route.TRUSTED_PERSON
    assert task.trusted_contact == contact
    assert task.assigned_to == people.coordinator  # a person on staff still closes the loop
    [mail] = mailoutbox
    assert mail.to == ["maria@example.org"]
    assert "session" not in mail.body.lower() and "score" not in mail.body.lower()


@pytest.mark.parametrize("setup", [{"accepted": False}, {"consent": False}, {"withdrawn": True}])
def test_it_does_not_tell_a_trusted_person_without_live_consent(people, book, setup):
    _trusted(people, **setup)
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    assert task.route == OutreachTask.Route.COORDINATOR
    assert not Delivery.objects.filter(purpose="missed-session-trusted").exists()


def test_an_unreached_patient_gets_a_second_attempt_next_business_day(people, book):
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    monday_noon = datetime(2026, 11, 23, 17, tzinfo=UTC)
    record_outreach_attempt(
        task=task, by=people.coordinator, method="called", outcome="not_reached", at=monday_noon
    )
    task.refresh_from_db()
    assert task.status == OutreachTask.Status.OPEN
    assert task.due_at == datetime(2026, 11, 24, 22, tzinfo=UTC)  # Tuesday 17:00 EST
    record_outreach_attempt(
        task=task, by=people.coordinator, method="texted", outcome="reached", at=monday_noon
    )
    task.refresh_from_db()
    assert task.status == OutreachTask.Status.DONE
    assert task.attempts.count() == 2
    assert [a.outcome for a in task.attempts.all()] == [
        OutreachAttempt.Outcome.NOT_REACHED,
        OutreachAttempt.Outcome.REACHED,
    ]


def test_it_escalates_an_overdue_task_once_to_the_practice_admin(people, book):
    people.admin.email = "admin@riverside.example"
    people.admin.save(update_fields=["email"])
    book()
    sweep_missed_appointments(now=FRIDAY)
    assert sweep_overdue_outreach(now=MONDAY_5PM) == 0  # due, not yet overdue
    later = MONDAY_5PM + timedelta(minutes=1)
    assert sweep_overdue_outreach(now=later) == 1
    assert sweep_overdue_outreach(now=later + timedelta(hours=5)) == 0
    task = OutreachTask.objects.get()
    assert task.escalated_at == later
    assert Delivery.objects.filter(purpose="outreach-escalated", to=people.admin.email).count() == 1


def test_a_done_task_never_escalates(people, book):
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    record_outreach_attempt(task=task, by=people.coordinator, method="called", outcome="reached")
    assert sweep_overdue_outreach(now=MONDAY_5PM + timedelta(days=3)) == 0


def test_the_sweep_uses_the_real_clock_when_told_so(people, book):
    appointment = book()
    with time_machine.travel(FRIDAY + timedelta(days=1), tick=False):
        from django.utils import timezone

        assert sweep_missed_appointments(now=timezone.now()) == 1
    appointment.refresh_from_db()
    assert appointment.attendance == "missed"


def test_a_missed_intake_or_two_missed_check_ins_need_attention(people, book):
    patient, other = people.patient, people.other_patient
    missed_intake = book(patient=patient, kind=Appointment.Kind.INTAKE_CALL)
    record_attendance(appointment=missed_intake, attendance="missed", by=people.coordinator)
    for hours in (48, 24):
        a = book(patient=other, starts_at=FRIDAY - timedelta(hours=hours))
        record_attendance(appointment=a, attendance="missed", by=people.coordinator)
    assert needs_attention([patient.pk, other.pk]) == {
        patient.pk: "Missed their intake call",
        other.pk: "Missed two check-ins in a row",
    }
    # Coming to the latest check-in clears it.
    latest = book(patient=other, starts_at=FRIDAY - timedelta(hours=3))
    record_attendance(appointment=latest, attendance="attended", by=people.coordinator)
    assert other.pk not in needs_attention([other.pk])
