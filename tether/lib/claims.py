"""How a periodic sweep claims its due rows: in batches, exactly once.

A sweep passes the query of its due rows and a `claim(row)` function. Up to `batch` rows are
handled per transaction:

- `SELECT … FOR UPDATE SKIP LOCKED` picks up to `batch` due rows that no other worker holds,
  so two workers on PostgreSQL take different rows instead of queueing behind each other.
  SQLite has no row locks and Django leaves the clause out there; Tether opens SQLite
  transactions IMMEDIATE, which takes the database's write lock, so a second worker waits
  and then sees the rows the first claimed as no longer due.
- `claim(row)` then claims the row with the sweep's own conditional UPDATE (`… WHERE state
  is still due`) and does its work (an outreach task, a queued email or text) in a savepoint:
  of two claimants only one changes the row, whatever the database; a row that raises rolls
  back alone, its email or task with it, stays due for the next run, and is logged; the
  other rows of the batch commit. Messages are sent after the batch commits
  (notifications.services queues them on commit), so nothing is sent for a row that did not
  commit.

A batch saves a commit per row and reads its rows in one query; the rest of a row's cost is
its own work, which batching does not change (benchmarks/sweeps.py prints both). Rows stay
locked until their batch commits (on SQLite, the whole database's writes wait), so a batch is
kept small.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction

log = logging.getLogger(__name__)

# Rows per transaction: enough that the commit is a small part of each row's cost, few
# enough that the rows (on SQLite, every write) wait under a second: a missed-appointment row
# takes 5-40 ms of work (benchmarks/sweeps.py), so 25 rows hold the lock for 0.1-1 s.
CLAIM_BATCH = 25

Row = TypeVar("Row", bound=models.Model)


def claim_due(
    due: "models.QuerySet[Row]",
    *,
    order_by: Sequence[str],
    claim: Callable[[Row], int | bool],
    batch: int = CLAIM_BATCH,
) -> int:
    """Return the sum of what `claim(row)` returned (how much work it did) over every row of
    `due`, taken in `order_by` order, up to `batch` rows per transaction, each row in its own
    savepoint. `claim` must take its row out of `due` (that is the claim); a row that is
    still due when it comes round again in the same run is left for the next run."""
    done = 0
    seen: set[Any] = set()
    skip: set[Any] = set()  # raised, or still due after its claim: not tried again this run
    while True:
        with transaction.atomic():
            rows = list(
                due.exclude(pk__in=skip)
                .order_by(*order_by)
                .select_for_update(skip_locked=True, of=("self",))[:batch]
            )
            fresh = [row for row in rows if row.pk not in seen]
            skip.update(row.pk for row in rows if row.pk in seen)
            seen.update(row.pk for row in fresh)
            work, failed = claim_each(fresh, claim)
        done += work
        skip |= failed
        if len(rows) < batch:
            return done


def claim_each(rows: Iterable[Row], claim: Callable[[Row], int | bool]) -> tuple[int, set[Any]]:
    """Return the work `claim(row)` did over `rows` and the keys of the rows that raised.
    Run it in the batch's transaction: each row gets its own savepoint, so a row that raises
    rolls back alone (its messages with it: they are queued on commit) and is logged, and
    the others stand."""
    done = 0
    failed: set[Any] = set()
    for row in rows:
        try:
            with transaction.atomic():
                done += int(claim(row))
        except Exception:
            # Rolled back alone; it stays due and the next run tries it again.
            log.exception("Could not process %s %s; it stays due", row._meta.label, row.pk)
            failed.add(row.pk)
    return done, failed
