"""The registry's flags and need rank in SQL: the rules of targets.py over each patient's
RegistryEntry (care.entries) and today, so the database orders, filters and pages the
registry without reading a score.

Every flag is one comparison: a stored fact, or the first day a time-bound rule holds
compared with today. A patient without an entry has no flag (an entry exists as soon as
any fact does). tether/care/tests/test_need.py holds these equal to targets.episode_status.
"""

from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from uuid import UUID

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from tether.accounts.models import Patient, Practice
from tether.care.models import RegistryEntry
from tether.care.targets import NEED_ORDER, Flag

# A session missed within this window flags the registry.
MISSED_WINDOW = timedelta(days=28)
RECENT = timedelta(days=2)  # longer than any day of a practice, daylight saving included
ENTRY = "registry_entry__"  # the Patient -> RegistryEntry relation


def flag_conditions(*, today: date, now: datetime, prefix: str = ENTRY) -> dict[Flag, Q]:
    """Return, for each flag, the condition that the flag is raised on `today` (`now` for the
    missed-session window): on a Patient queryset, or with `prefix=""` on RegistryEntry."""

    def on(name: str, **lookup: object) -> Q:
        return Q(**{f"{prefix}{name}__{k}": v for k, v in lookup.items()})

    change_plan = on("change_plan_from", lte=today)
    overdue = on("reassessment_overdue_from", lte=today)
    return {
        Flag.OPEN_ALERT: on("open_alert", exact=True),
        Flag.SEVERE_SCORE: on("severe", exact=True),
        Flag.CHANGE_PLAN: change_plan,
        # "Change the plan" is the stronger flag and replaces "not improving".
        Flag.NOT_IMPROVING: on("not_improving_from", lte=today) & ~change_plan,
        Flag.RELAPSE: on("relapse", exact=True),
        Flag.REASSESSMENT_OVERDUE: overdue,
        Flag.NO_BASELINE: on("no_baseline", exact=True),
        Flag.CONTACT_OVERDUE: on("contact_overdue_from", lte=today),
        Flag.MISSED_SESSION: on("last_missed_at", gte=now - MISSED_WINDOW),
        Flag.REASSESSMENT_DUE: on("reassessment_due_from", lte=today) & ~overdue,
    }


def flag_annotations(conditions: dict[Flag, Q]) -> dict[str, ExpressionWrapper]:
    """Return one boolean annotation per flag, named `flag_<code>`."""
    return {
        f"flag_{flag}": ExpressionWrapper(condition, output_field=BooleanField())
        for flag, condition in conditions.items()
    }


def rank(conditions: dict[Flag, Q], order: tuple[Flag, ...] = NEED_ORDER) -> Case:
    """Return the position of a patient's first flag in `order` (targets.need_rank: lower
    comes first; no flag comes last)."""
    return Case(
        *(When(conditions[flag], then=Value(i)) for i, flag in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )


# --- The stamped need rank -------------------------------------------------------------------


def stamp(entries: QuerySet[RegistryEntry], *, today: date, now: datetime) -> int:
    """Store the need rank of these entries as of `today` and `now` (the same CASE as `rank`)
    and return how many were stamped."""
    conditions = flag_conditions(today=today, now=now, prefix="")
    return entries.update(need=rank(conditions), need_on=today, stamped_at=now)


def _stale(*, today: date, now: datetime) -> list[Q]:
    """Return the conditions under which an entry of the practice needs stamping again: each
    a range of one index, so that finding none reads almost nothing."""
    return [
        Q(need_on__isnull=True),
        Q(need_on__lt=today),
        Q(need_on__gt=today),
        # A missed session's flag lapsed since the stamp (or, with a clock set back, is back).
        # An entry stamped today was stamped less than two days ago, which bounds the range.
        Q(missed_until__gte=F("stamped_at"), missed_until__lt=now, missed_until__gt=now - RECENT),
        Q(missed_until__lt=F("stamped_at"), missed_until__gte=now),
    ]


def keep_current(practice_id: UUID, *, today: date, now: datetime) -> bool:
    """Stamp again the practice's entries whose need rank may have changed since their stamp,
    before the registry reads them; return whether some of its patients have no entry yet
    (loaded around Django's signals). One query when nothing is due, whatever the number of
    patients."""
    entries = RegistryEntry.objects.filter(practice_id=practice_id)
    conditions = _stale(today=today, now=now)
    due = Practice.objects.filter(pk=practice_id).annotate(
        stale=ExpressionWrapper(
            reduce(or_, (Q(Exists(entries.filter(c))) for c in conditions)),
            output_field=BooleanField(),
        ),
        patient_count=_count(Patient.objects.filter(practice_id=practice_id)),
        entry_count=_count(entries),
    )
    found = due.values_list("stale", "patient_count", "entry_count").first()
    if found is None:
        return False
    stale, patients, with_entries = found
    if stale:
        stamp(entries.filter(reduce(or_, conditions)), today=today, now=now)
    return bool(patients != with_entries)


def _count(queryset: QuerySet) -> Subquery:
    # COUNT(*) (not of a column) so an index on the filter alone answers it.
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())
