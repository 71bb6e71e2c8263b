"""The background-work engine: periodic sweeps run as Django tasks.

A sweep is an idempotent function `sweep(*, now) -> int` (how much work it did), listed by
dotted path in settings.SWEEPS. `manage.py run_scheduler` calls `enqueue_sweeps` once a
minute; `manage.py db_worker` (django-tasks-db) runs the queued `run_sweep` tasks, on any
number of machines. Two schedulers never enqueue the same sweep for the same minute (a
unique SweepRun row is inserted in the same transaction as the task), and a sweep that
runs twice, concurrently, or dies half-way does no work twice: each sweep claims its rows.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from tether.scheduling.models import SweepRun

log = logging.getLogger(__name__)

Sweep = Callable[..., int]

# SweepRun rows older than this are deleted by the scheduler; they only guard the present.
KEEP_SWEEP_RUNS = timedelta(days=1)


def load_sweeps() -> dict[str, Sweep]:
    """Import every sweep in settings.SWEEPS. A path that does not import is an error, loudly:
    a sweep silently missing would mean alerts silently not escalating."""
    return {path: import_string(path) for path in settings.SWEEPS}


@task()
def run_sweep(path: str) -> int:
    """Run one sweep listed in settings.SWEEPS with the current time."""
    if path not in settings.SWEEPS:
        # Task arguments come from the database; only configured sweeps may run.
        raise ValueError(f"{path!r} is not in settings.SWEEPS")
    done = import_string(path)(now=timezone.now())
    log.info("Sweep %s did %s", path, done)
    return done


def minute_of(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def enqueue_sweeps(*, now: datetime) -> list[str]:
    """Enqueue every sweep once for the minute of `now`; return the paths enqueued. A sweep
    already enqueued for this minute (by this or another scheduler) is skipped."""
    minute = minute_of(now)
    enqueued = []
    for path in load_sweeps():
        try:
            with transaction.atomic():
                run = SweepRun.objects.create(path=path, minute=minute)
                result = run_sweep.enqueue(path)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # someone enqueued it for this minute already
        enqueued.append(path)
    SweepRun.objects.filter(minute__lt=minute - KEEP_SWEEP_RUNS).delete()
    return enqueued
