"""The outcome figures computed from a cohort: dropout, response and remission rates, mean
change and effect sizes, with small groups reduced to their counts. Pure: no queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from tether.care.outcomes.cohort import CohortEpisode
from tether.care.outcomes.figures import Change, Comparison, InstrumentOutcome, Month, Proportion
from tether.care.statistics import hedges_g_between, hedges_g_pre_post, wilson
from tether.care.targets import Progress, Thresholds


def dropped_out(episode: CohortEpisode, thresholds: Thresholds) -> bool:
    """No contact for `dropout_days` or more before the episode ended; with no contact at all,
    the episode's start counts as the last one."""
    if episode.ended_on is None:
        return False  # still in care
    last = episode.last_contact or episode.started_on
    return (episode.ended_on - last).days >= thresholds.dropout_days


def too_small(group: Sequence[CohortEpisode], thresholds: Thresholds) -> bool:
    return len({e.patient_id for e in group}) < thresholds.small_cohort


def proportion(
    group: Sequence[CohortEpisode], having: Sequence[CohortEpisode], thresholds: Thresholds
) -> Proportion:
    patients = len({e.patient_id for e in group})
    if too_small(group, thresholds):
        return Proportion(len(group), patients, None, None, suppressed=True)
    return Proportion(
        len(group), patients, len(having), wilson(len(having), len(group)), suppressed=False
    )


def eligible_for(
    episodes: Iterable[CohortEpisode], code: str, thresholds: Thresholds
) -> list[CohortEpisode]:
    """Return the episodes whose `code` counts towards response, remission and change: a
    baseline at or above the target threshold and at least one later score."""
    return [e for e in episodes if _measurable(e.progress[code], thresholds)]


def _measurable(course: Progress, thresholds: Thresholds) -> bool:
    return (
        course.baseline is not None
        and course.baseline.total >= thresholds.target_from
        and course.follow_ups >= 1
    )


def _baseline_and_latest(group: Sequence[CohortEpisode], code: str) -> list[tuple[int, int]]:
    """The (baseline, latest) totals of eligible episodes, which have both."""
    return [
        (p.baseline.total, p.latest.total)
        for p in (e.progress[code] for e in group)
        if p.baseline is not None and p.latest is not None
    ]


def mean_change(group: Sequence[CohortEpisode], code: str, thresholds: Thresholds) -> Change:
    patients = len({e.patient_id for e in group})
    if too_small(group, thresholds):
        return Change(len(group), patients, None, None, suppressed=True)
    pairs = _baseline_and_latest(group, code)
    return Change(
        n=len(group),
        patients=patients,
        mean=sum(before - after for before, after in pairs) / len(pairs),
        effect=hedges_g_pre_post([before for before, _ in pairs], [after for _, after in pairs]),
        suppressed=False,
    )


def comparison(
    labels: tuple[str, str],
    first: Sequence[CohortEpisode],
    second: Sequence[CohortEpisode],
    code: str,
    thresholds: Thresholds,
) -> Comparison:
    a, b = mean_change(first, code, thresholds), mean_change(second, code, thresholds)
    suppressed = a.suppressed or b.suppressed
    effect = None
    if not suppressed:
        effect = hedges_g_between(
            [before - after for before, after in _baseline_and_latest(first, code)],
            [before - after for before, after in _baseline_and_latest(second, code)],
        )
    return Comparison(labels[0], labels[1], a, b, effect, suppressed)


def instrument_outcome(
    code: str, name: str, episodes: Sequence[CohortEpisode], thresholds: Thresholds
) -> InstrumentOutcome:
    eligible = eligible_for(episodes, code, thresholds)
    return InstrumentOutcome(
        code=code,
        name=name,
        with_baseline=sum(1 for e in episodes if e.progress[code].baseline is not None),
        eligible=len(eligible),
        response=proportion(
            eligible, [e for e in eligible if e.progress[code].response], thresholds
        ),
        remission=proportion(
            eligible, [e for e in eligible if e.progress[code].remission], thresholds
        ),
        change=mean_change(eligible, code, thresholds),
        guided=comparison(
            ("Guided program", "Unguided program"),
            [e for e in eligible if e.guided is True],
            [e for e in eligible if e.guided is False],
            code,
            thresholds,
        ),
        intake=comparison(
            ("Intake call held", "No intake call"),
            [e for e in eligible if e.intake],
            [e for e in eligible if not e.intake],
            code,
            thresholds,
        ),
    )


def phq9_by_month(
    start: date, end: date, episodes: Sequence[CohortEpisode], thresholds: Thresholds
) -> tuple[Month, ...]:
    """PHQ-9 response and remission by the month the episodes started, oldest first."""
    eligible = eligible_for(episodes, "phq9", thresholds)
    started_in: dict[date, list[CohortEpisode]] = defaultdict(list)
    for e in eligible:
        started_in[e.started_on.replace(day=1)].append(e)
    months = []
    month = start.replace(day=1)
    while month <= end:
        group = started_in.get(month, [])
        months.append(
            Month(
                first_day=month,
                eligible=len(group),
                response=proportion(
                    group, [e for e in group if e.progress["phq9"].response], thresholds
                ),
                remission=proportion(
                    group, [e for e in group if e.progress["phq9"].remission], thresholds
                ),
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(months)
