"""The background-work engine: sweeps listed in settings.SWEEPS, enqueued once per minute by
the scheduler, run by django-tasks-db's db_worker. Time is controlled; nothing sleeps."""

import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.factories import make_patient
from tether.crisis import escalation, services
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.notifications.models import Notification
from tether.scheduling import tasks
from tether.scheduling.models import SweepRun

T0 = datetime(2026, 11, 10, 14, 0, 20, tzinfo=UTC)
LIMIT = timedelta(minutes=5)
ESCALATE = "tether.crisis.sweeps.escalate_unacknowledged_alerts"


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    # db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _alerts(people, n):
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=T0 - timedelta(hours=1),
        ends_at=T0 + timedelta(hours=1),
    )
    # One unresolved alert per patient (a second signal joins the first), so n patients.
    patients = [people.patient, people.other_patient] + [
        make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            username=f"engine{i}",
        )
        for i in range(max(0, n - 2))
    ]
    return [
        raise_risk_alert(
            patient=patients[i],
            reason=RiskAlert.Reason.STAFF_RAISED,
            raised_by=people.coordinator,
            detail="Worried after a phone call.",
            at=T0,
        )
        for i in range(n)
    ]


def _escalations(alert):
    return AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.ESCALATED).count()


def test_every_configured_sweep_imports_and_takes_now(db):
    assert ESCALATE in settings.SWEEPS
    sweeps = tasks.load_sweeps()
    assert list(sweeps) == list(settings.SWEEPS)
    for sweep in sweeps.values():
        assert isinstance(sweep(now=T0), int)


def test_a_sweep_that_does_not_import_stops_the_scheduler_loudly(db, settings):
    settings.SWEEPS = [*settings.SWEEPS, "tether.nowhere.sweeps.missing"]
    with pytest.raises(ImportError):
        call_command("run_scheduler", "--once", verbosity=0)
    assert not SweepRun.objects.exists() and not DBTaskResult.objects.exists()


def test_the_scheduler_enqueues_each_sweep_once_per_minute(db):
    with time_machine.travel(T0, tick=False):
        assert tasks.enqueue_sweeps(now=T0) == list(settings.SWEEPS)
        # The same minute again, from this or a second scheduler: nothing new.
        assert tasks.enqueue_sweeps(now=T0 + timedelta(seconds=30)) == []
        call_command("run_scheduler", "--once", verbosity=0)
    assert DBTaskResult.objects.count() == len(settings.SWEEPS)
    runs = SweepRun.objects.all()
    assert {r.path for r in runs} == set(settings.SWEEPS)
    assert {r.task_id for r in runs} == {str(t.id) for t in DBTaskResult.objects.all()}
    # The next minute is a new run.
    assert tasks.enqueue_sweeps(now=T0 + timedelta(minutes=1)) == list(settings.SWEEPS)
    assert DBTaskResult.objects.count() == 2 * len(settings.SWEEPS)


def test_old_sweep_runs_are_pruned(db):
    tasks.enqueue_sweeps(now=T0)
    tasks.enqueue_sweeps(now=T0 + tasks.KEEP_SWEEP_RUNS + timedelta(minutes=1))
    assert SweepRun.objects.filter(minute__lt=T0 + timedelta(minutes=1)).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_enqueue_each_sweep_once():
    start = threading.Barrier(3)
    errors = []

    def scheduler():
        try:
            start.wait()
            for _ in range(200):
                try:
                    tasks.enqueue_sweeps(now=T0)
                    return
                except Exception as error:  # SQLite shared-cache lock: try again
                    if "locked" not in str(error):
                        raise
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert SweepRun.objects.count() == len(settings.SWEEPS)
    assert DBTaskResult.objects.count() == len(settings.SWEEPS)


def test_run_sweep_runs_only_configured_sweeps(db):
    with pytest.raises(ValueError, match="not in settings.SWEEPS"):
        tasks.run_sweep.call("os.system")


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_an_enqueued_sweep_end_to_end(people):
    (alert,) = _alerts(people, 1)
    with time_machine.travel(T0 + LIMIT, tick=False):
        tasks.enqueue_sweeps(now=T0 + LIMIT)
        _run_worker()
    results = DBTaskResult.objects.filter(task_path="tether.scheduling.tasks.run_sweep")
    assert {r.status for r in results} == {"SUCCESSFUL"}
    escalated = results.get(args_kwargs__args=[ESCALATE])
    assert escalated.return_value == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert _escalations(alert) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_half_way_loses_nothing_and_repeats_nothing(people, monkeypatch):
    alerts = _alerts(people, 4)
    real = escalation._record_and_send
    calls = {"n": 0}

    def dies_on_the_third(alert, **kwargs):
        calls["n"] += 1
        real(alert, **kwargs)
        if calls["n"] == 3:
            # The step was claimed and its event and messages written, but the transaction
            # never commits: the process dies here.
            raise SystemExit("worker killed")

    monkeypatch.setattr(escalation, "_record_and_send", dies_on_the_third)
    with time_machine.travel(T0 + LIMIT, tick=False):
        tasks.enqueue_sweeps(now=T0 + LIMIT)
        _run_worker()
    failed = DBTaskResult.objects.get(args_kwargs__args=[ESCALATE])
    assert failed.status == "FAILED"
    levels = sorted(RiskAlert.objects.values_list("escalation_level", flat=True))
    # The four alerts were one batch, one transaction: the first two steps, done but not
    # committed, rolled back with the third, and none of their pages went out.
    assert levels == [0, 0, 0, 0]
    assert not Notification.objects.filter(user=people.other_clinician).exists()

    monkeypatch.setattr(escalation, "_record_and_send", real)
    # The worker restarts; the scheduler enqueues the sweep again the next minute.
    later = T0 + LIMIT + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        tasks.enqueue_sweeps(now=later)
        _run_worker()
    for alert in alerts:
        alert.refresh_from_db()
        assert alert.escalation_level == 1
        assert _escalations(alert) == 1
    # One page per alert to the backup: none lost, none twice.
    assert Notification.objects.filter(user=people.other_clinician).count() == 4
    # Running everything once more changes nothing.
    with time_machine.travel(later, tick=False):
        assert services.escalate_unacknowledged_alerts(now=later) == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_in_a_later_batch_keeps_the_batches_before_it(people, monkeypatch):
    _alerts(people, 4)
    real = escalation._record_and_send
    calls = {"n": 0}

    def dies_on_the_third(alert, **kwargs):
        calls["n"] += 1
        real(alert, **kwargs)
        if calls["n"] == 3:
            raise SystemExit("worker killed")

    monkeypatch.setattr(escalation, "_record_and_send", dies_on_the_third)
    with pytest.raises(SystemExit):
        services.escalate_unacknowledged_alerts(now=T0 + LIMIT, batch=2)
    levels = sorted(RiskAlert.objects.values_list("escalation_level", flat=True))
    assert levels == [0, 0, 1, 1]  # the first batch committed; the second rolled back whole
    assert Notification.objects.filter(user=people.other_clinician).count() == 2

    monkeypatch.setattr(escalation, "_record_and_send", real)
    later = T0 + LIMIT + timedelta(minutes=1)
    assert services.escalate_unacknowledged_alerts(now=later, batch=2) == 2
    assert Notification.objects.filter(user=people.other_clinician).count() == 4
