"""Two sweeps racing on real connections still create exactly one outreach task each. Runs
on PostgreSQL only: SQLite's in-memory test database is not shared between threads, so there
the test is skipped (its writers serialise anyway)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from tether.engagement import sweeps
from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.sweeps import sweep_missed_appointments
from tether.notifications.models import Delivery

from .conftest import FRIDAY


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_create_one_task_per_appointment(people, book):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads.")
    appointments = [book(starts_at=FRIDAY - timedelta(hours=h)) for h in range(2, 22)]
    start = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            counts.append(sweep_missed_appointments(now=FRIDAY))
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == len(appointments)
    assert OutreachTask.objects.count() == len(appointments)
    assert not Appointment.objects.filter(attendance="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_in_batches_take_each_row_once(
    people, book, monkeypatch, mailoutbox, trusted_person_told_of_missed_sessions
):
    """Batches of 4 rows per transaction, each row slowed so the workers overlap: SKIP LOCKED
    sends the second worker past the first one's batch instead of behind it, every row is
    claimed by exactly one of them, and each side effect (the outreach task, the trusted
    person's email) happens once."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads.")
    appointments = [book(starts_at=FRIDAY - timedelta(hours=2, minutes=n)) for n in range(24)]
    real = sweeps.claim_missed
    claimed_by: dict[str, list] = {"first": [], "second": []}
    worker = threading.local()  # which worker the current thread is
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def slow_claim(*, appointment_id, at):
        time.sleep(0.05)
        task = real(appointment_id=appointment_id, at=at)
        if task is not None:
            claimed_by[worker.name].append(appointment_id)
        return task

    def run(name: str) -> None:
        worker.name = name
        try:
            start.wait()
            sweep_missed_appointments(now=FRIDAY, batch=4)
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    monkeypatch.setattr(sweeps, "claim_missed", slow_claim)
    threads = [threading.Thread(target=run, args=(name,)) for name in claimed_by]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    first, second = claimed_by["first"], claimed_by["second"]
    assert first and second  # both worked at once: neither queued behind the other
    assert sorted(first + second) == sorted(a.pk for a in appointments)  # each row once
    assert OutreachTask.objects.count() == len(appointments)
    assert Delivery.objects.filter(purpose="missed-session-trusted").count() == len(appointments)
    assert len(mailoutbox) == len(appointments)
