"""The registry's flags and need rank in SQL: the rules of targets.py over each patient's
RegistryEntry (care.entries) and today, so the database orders, filters and pages the
registry without reading a score.

Every flag is one comparison: a stored fact, or the first day a time-bound rule holds
compared with today. A patient without an entry has no flag (an entry exists as soon as
any fact does). tether/care/tests/test_need.py holds these equal to targets.episode_status.
"""

from datetime import date, datetime

from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Q, Value, When

from tether.care.entries import MISSED_WINDOW
from tether.care.targets import NEED_ORDER, Flag

ENTRY = "registry_entry__"  # the Patient -> RegistryEntry relation


def flag_conditions(*, today: date, now: datetime) -> dict[Flag, Q]:
    """Return, for each flag, the condition on a Patient queryset that the flag is raised
    on `today` (`now` for the missed-session window)."""

    def on(name: str, **lookup: object) -> Q:
        return Q(**{f"{ENTRY}{name}__{k}": v for k, v in lookup.items()})

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
