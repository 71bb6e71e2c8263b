"""Sweeps claim their due rows in batches (tether.lib.claims): every due row once, however
many batches it takes; a row that fails rolls back alone, with its side effects, and stays
due; a row its claim leaves due never makes the run loop. The reminders, claimed by a unique
row rather than a due query, are batched the same way."""

from datetime import timedelta

import pytest
from django.db import connection

from tether.engagement import sweeps
from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.sweeps import due_missed_appointments, sweep_missed_appointments
from tether.lib.claims import claim_due
from tether.notifications.models import AppointmentReminder, Delivery

from .conftest import FRIDAY


@pytest.fixture
def seven_due(book):
    return [book(starts_at=FRIDAY - timedelta(hours=2, minutes=n)) for n in range(7)]


def test_every_due_row_is_claimed_once_across_batches(seven_due):
    assert sweep_missed_appointments(now=FRIDAY, batch=3) == 7
    assert OutreachTask.objects.count() == 7
    assert not Appointment.objects.filter(attendance="pending").exists()
    assert sweep_missed_appointments(now=FRIDAY, batch=3) == 0


def test_a_full_last_batch_ends_the_run(seven_due):
    assert sweep_missed_appointments(now=FRIDAY, batch=7) == 7


def test_rows_are_claimed_in_due_order_a_batch_to_a_transaction(seven_due, monkeypatch):
    # The test runs inside a transaction, so each batch's transaction is a savepoint here: the
    # one just outside the row's own savepoint names the batch.
    batches: dict[str, list] = {}
    real = sweeps.claim_missed

    def claim(*, appointment_id, at):
        batches.setdefault(connection.savepoint_ids[-2], []).append(appointment_id)
        return real(appointment_id=appointment_id, at=at)

    monkeypatch.setattr(sweeps, "claim_missed", claim)
    sweep_missed_appointments(now=FRIDAY, batch=3)
    by_end = [a.pk for a in sorted(seven_due, key=lambda a: a.ends_at)]
    assert list(batches.values()) == [by_end[:3], by_end[3:6], by_end[6:]]


def test_a_row_that_fails_rolls_back_alone_and_stays_due(
    people,
    seven_due,
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
    caplog,
    trusted_person_told_of_missed_sessions,
):
    # A consented trusted person is emailed for every missed session: the failing row's
    # email must not go, the others' must, once each.
    poison = seven_due[3]
    real = sweeps.claim_missed

    def claim(*, appointment_id, at):
        task = real(appointment_id=appointment_id, at=at)  # claims, opens the task, emails
        if appointment_id == poison.pk:
            raise RuntimeError("the task's owner could not be found")
        return task

    monkeypatch.setattr(sweeps, "claim_missed", claim)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_missed_appointments(now=FRIDAY, batch=3) == 6
    poison.refresh_from_db()
    assert poison.attendance == Appointment.Attendance.PENDING
    assert not OutreachTask.objects.filter(appointment=poison).exists()
    assert OutreachTask.objects.count() == 6
    assert Delivery.objects.filter(purpose="missed-session-trusted").count() == 6
    assert len(mailoutbox) == 6
    assert "it stays due" in caplog.text

    monkeypatch.setattr(sweeps, "claim_missed", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_missed_appointments(now=FRIDAY, batch=3) == 1  # the next run takes it
    assert OutreachTask.objects.count() == 7
    assert len(mailoutbox) == 7


def test_a_claim_that_leaves_its_row_due_does_not_loop(seven_due):
    looked_at = []
    done = claim_due(
        due_missed_appointments(now=FRIDAY),
        order_by=["ends_at"],
        claim=lambda appointment: looked_at.append(appointment.pk) or 0,
        batch=3,
    )
    assert done == 0
    assert sorted(looked_at) == sorted(a.pk for a in seven_due)  # each looked at once


def test_a_reminder_that_fails_rolls_back_alone(people, book, monkeypatch):
    people.patient.user.email = "alex@example.org"
    people.patient.user.save(update_fields=["email"])
    appointments = [book(starts_at=FRIDAY + timedelta(hours=h)) for h in (2, 4, 6)]
    broken = appointments[1]
    real = sweeps._reminder_text

    def text(appointment, patient, zone):
        if appointment.pk == broken.pk:
            raise RuntimeError("no title for this kind of appointment")
        return real(appointment, patient, zone)

    monkeypatch.setattr(sweeps, "_reminder_text", text)
    assert sweeps.send_due_reminders(now=FRIDAY, batch=2) == 2
    assert set(AppointmentReminder.objects.values_list("appointment", flat=True)) == {
        appointments[0].pk,
        appointments[2].pk,
    }
    monkeypatch.setattr(sweeps, "_reminder_text", real)
    assert sweeps.send_due_reminders(now=FRIDAY) == 1
    assert Delivery.objects.filter(purpose="appointment-reminder").count() == 3
