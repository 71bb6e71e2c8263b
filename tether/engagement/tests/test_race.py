"""Two sweeps racing on real connections still create exactly one outreach task each. Runs
on PostgreSQL only: SQLite's in-memory test database is not shared between threads, so there
the test is skipped (its writers serialise anyway)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.sweeps import sweep_missed_appointments

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
