"""Treat-to-target rules for one treatment episode (Collaborative Care / IMPACT).

Pure functions on plain values: no ORM, no clock. The registry, the patient's progress page,
the API, the case review and the outcome figures all call these, so a rule lives in one place.
Thresholds are a practice setting (`Thresholds`, defaults from CLINICAL.md).

Definitions (per instrument, PHQ-9 or GAD-7):
- order: scores are ordered by their full timestamp (`Score.at`), never by date alone, so
  of two scores on one day the later one is the latest;
- baseline: the first score of the episode (on or after its start); when none was taken on
  the first day, an intake score taken up to 14 days before the start is the baseline (the
  latest such one);
- change: baseline − latest, in points and as a percentage of baseline (positive = better);
- response: a reduction of at least 50% from baseline (exactly 50% counts);
- remission: latest score below 5;
- not improving: at least 8 weeks (56 days) since the episode started and neither response
  nor remission yet (remission with a smaller drop, e.g. 7 -> 4, is not "not improving") —
  a patient with no score since baseline counts as not improving (no evidence of
  improvement), and their reassessment is overdue as well;
- change the plan: still not improving at 10 weeks or later (review again by weeks 10–12);
- reassessment: due from 2 weeks after the latest score, overdue after 4 weeks (after
  remission too, contacts every 4 weeks);
- first follow-up contact: within 4 weeks of the episode's start;
- relapse: a score of 10 or more after a score in remission;
- prompt contact: a latest PHQ-9 of 20 or more or GAD-7 of 15 or more (severe) asks the
  patient to contact their care team and flags the registry; it is not a risk alert (PHQ-9
  question 9 above 0 is, and is handled by the crisis layer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tether.assessments.prompts import GAD7_SEVERE_FROM, PHQ9_SEVERE_FROM, is_severe_score


@dataclass(frozen=True)
class Thresholds:
    response_percent: int = 50
    remission_below: int = 5  # PHQ-9 < 5, GAD-7 < 5
    relapse_at: int = 10
    target_from: int = 10  # an instrument is a treatment target when its baseline is >= 10
    not_improving_days: int = 56  # 8 weeks
    change_plan_days: int = 70  # 10 weeks
    reassess_due_days: int = 14
    reassess_overdue_days: int = 28
    first_contact_days: int = 28
    contact_overdue_days: int = 28
    caseload_limit: int = 100
    dropout_days: int = 56  # no contact for 8 weeks before discharge
    small_cohort: int = 10  # fewer than this: counts only, never rates
    baseline_before_days: int = 14  # an intake score this close before the start is baseline
    prompt_phq9_from: int = PHQ9_SEVERE_FROM  # severe depression: please contact your care team
    prompt_gad7_from: int = GAD7_SEVERE_FROM  # severe anxiety


DEFAULTS = Thresholds()


class Flag(StrEnum):
    """Registry flags, in the order of need used to sort the registry."""

    OPEN_ALERT = "open_alert"
    SEVERE_SCORE = "severe_score"
    CHANGE_PLAN = "change_plan"
    NOT_IMPROVING = "not_improving"
    REASSESSMENT_OVERDUE = "reassessment_overdue"
    CONTACT_OVERDUE = "contact_overdue"
    MISSED_SESSION = "missed_session"
    RELAPSE = "relapse"
    NO_BASELINE = "no_baseline"
    REASSESSMENT_DUE = "reassessment_due"


FLAG_LABELS = {
    Flag.OPEN_ALERT: "Open risk alert",
    Flag.SEVERE_SCORE: "Severe score: contact soon",
    Flag.CHANGE_PLAN: "Still not improving: change the plan",
    Flag.NOT_IMPROVING: "Not improving at 8 weeks: case review",
    Flag.REASSESSMENT_OVERDUE: "Reassessment overdue",
    Flag.CONTACT_OVERDUE: "Contact overdue",
    Flag.MISSED_SESSION: "Missed a session",
    Flag.RELAPSE: "Back to 10 or more after remission",
    Flag.NO_BASELINE: "No baseline score",
    Flag.REASSESSMENT_DUE: "Reassessment due",
}

# Sort order of the registry: the first flag a patient has decides their place.
NEED_ORDER = (
    Flag.OPEN_ALERT,
    Flag.SEVERE_SCORE,
    Flag.CHANGE_PLAN,
    Flag.NOT_IMPROVING,
    Flag.RELAPSE,
    Flag.REASSESSMENT_OVERDUE,
    Flag.NO_BASELINE,
    Flag.CONTACT_OVERDUE,
    Flag.MISSED_SESSION,
    Flag.REASSESSMENT_DUE,
)


@dataclass(frozen=True)
class Score:
    on: date  # the local date, for windows counted in days
    total: int
    at: datetime | None = None  # when it was completed: orders two scores on one day

    @property
    def order(self) -> tuple[date, float]:
        return (self.on, self.at.timestamp() if self.at else 0.0)


def is_severe(instrument: str, total: int, t: Thresholds = DEFAULTS) -> bool:
    """Return whether a score is severe by `t` (PHQ-9 of 20 or more, GAD-7 of 15 or more by
    default): the rule is assessments.prompts.is_severe_score, which the result page's
    prompt to contact the care team uses too."""
    return is_severe_score(
        instrument, total, phq9_from=t.prompt_phq9_from, gad7_from=t.prompt_gad7_from
    )


@dataclass(frozen=True)
class Progress:
    """One instrument's course within an episode."""

    baseline: Score | None
    latest: Score | None
    follow_ups: int  # scores after the baseline
    change_points: int | None
    change_percent: float | None
    response: bool
    remission: bool
    ever_remitted: bool
    relapse: bool
    is_target: bool  # baseline at or above the target threshold

    @property
    def has_baseline(self) -> bool:
        return self.baseline is not None


def progress(scores: Sequence[Score], thresholds: Thresholds = DEFAULTS) -> Progress:
    """The course of one instrument from its scores within an episode (any order)."""
    ordered = sorted(scores, key=lambda s: s.order)
    if not ordered:
        return Progress(None, None, 0, None, None, False, False, False, False, False)
    baseline, latest = ordered[0], ordered[-1]
    follow_ups = ordered[1:]
    change = baseline.total - latest.total
    percent = (100.0 * change / baseline.total) if baseline.total else None
    # Integer arithmetic so that exactly 50% is a response, with no rounding surprises.
    response = bool(follow_ups) and change * 100 >= thresholds.response_percent * baseline.total
    response = response and baseline.total > 0
    remission = bool(follow_ups) and latest.total < thresholds.remission_below
    first_remission = next(
        (i for i, s in enumerate(follow_ups) if s.total < thresholds.remission_below), None
    )
    relapse = first_remission is not None and any(
        s.total >= thresholds.relapse_at for s in follow_ups[first_remission + 1 :]
    )
    # Relapse is about the present: remitted, and the latest score is back at 10 or more.
    relapse = relapse and latest.total >= thresholds.relapse_at
    return Progress(
        baseline=baseline,
        latest=latest,
        follow_ups=len(follow_ups),
        change_points=change,
        change_percent=percent,
        response=response,
        remission=remission,
        ever_remitted=first_remission is not None,
        relapse=relapse,
        is_target=baseline.total >= thresholds.target_from,
    )


def treatment_targets(phq9: Progress, gad7: Progress) -> tuple[Progress, ...]:
    """Return the instruments being treated to target: those with a baseline of 10 or more,
    or whichever have a baseline when neither is that high (none without a baseline)."""
    measured = tuple(p for p in (phq9, gad7) if p.has_baseline)
    return tuple(p for p in measured if p.is_target) or measured


@dataclass(frozen=True)
class EpisodeStatus:
    started_on: date
    days_in_treatment: int
    phq9: Progress
    gad7: Progress
    not_improving: bool
    change_plan: bool
    reassessment_due_on: date | None
    reassessment_overdue: bool
    reassessment_due: bool
    first_contact_by: date
    contact_overdue: bool
    flags: tuple[Flag, ...]

    @property
    def weeks_in_treatment(self) -> int:
        return self.days_in_treatment // 7

    @property
    def targets(self) -> tuple[Progress, ...]:
        """The instruments being treated to target (see `treatment_targets`)."""
        return treatment_targets(self.phq9, self.gad7)


# --- The named rules episode_status applies, one sentence of the definitions each ----------


def is_not_improving(
    targets: Sequence[Progress], *, days_in_treatment: int, t: Thresholds = DEFAULTS
) -> bool:
    """Return whether, 8 weeks or more into the episode, a target instrument shows neither a
    response nor remission (remission counts as improvement even with a drop under 50%, and
    a target with no score since baseline has shown no improvement)."""
    if days_in_treatment < t.not_improving_days:
        return False
    return any(not p.response and not p.remission for p in targets)


def needs_plan_change(
    *, not_improving: bool, days_in_treatment: int, t: Thresholds = DEFAULTS
) -> bool:
    """Return whether the plan should change: still not improving at 10 weeks or later."""
    return not_improving and days_in_treatment >= t.change_plan_days


def latest_score_on(measured: Sequence[Progress]) -> date | None:
    """Return the day of the latest score of any measured instrument, or None."""
    return max((p.latest.on for p in measured if p.latest is not None), default=None)


def reassessment_due_on(
    *, started_on: date, latest_on: date | None, t: Thresholds = DEFAULTS
) -> date:
    """Return when the next score is due: 2 weeks after the latest, or at once (the
    episode's start) when there is no baseline yet."""
    if latest_on is None:
        return started_on
    return latest_on + timedelta(days=t.reassess_due_days)


def is_reassessment_overdue(
    *, latest_on: date | None, today: date, t: Thresholds = DEFAULTS
) -> bool:
    """Return whether more than 4 weeks have passed since the latest score (an episode with
    no score at all has no baseline instead)."""
    if latest_on is None:
        return False
    return today > latest_on + timedelta(days=t.reassess_overdue_days)


def is_reassessment_due(*, latest_on: date | None, today: date, t: Thresholds = DEFAULTS) -> bool:
    """Return whether a reassessment is due and not yet overdue: from 2 weeks after the
    latest score up to 4 weeks after it."""
    if latest_on is None or is_reassessment_overdue(latest_on=latest_on, today=today, t=t):
        return False
    return today >= latest_on + timedelta(days=t.reassess_due_days)


def first_contact_due_by(started_on: date, t: Thresholds = DEFAULTS) -> date:
    """Return the day the first follow-up contact is due by: 4 weeks after the start."""
    return started_on + timedelta(days=t.first_contact_days)


def is_contact_overdue(
    *, started_on: date, today: date, last_contact_on: date | None, t: Thresholds = DEFAULTS
) -> bool:
    """Return whether contact is overdue: no contact in the episode by 4 weeks after its
    start, or none for more than 4 weeks since the last (a contact before the start does
    not count)."""
    if last_contact_on is None or last_contact_on < started_on:
        return today > first_contact_due_by(started_on, t)
    return today > last_contact_on + timedelta(days=t.contact_overdue_days)


def has_severe_latest_score(*, phq9: Progress, gad7: Progress, t: Thresholds = DEFAULTS) -> bool:
    """Return whether the latest PHQ-9 or GAD-7 of the episode is severe."""
    return any(
        p.latest is not None and is_severe(instrument, p.latest.total, t)
        for instrument, p in (("phq9", phq9), ("gad7", gad7))
    )


def is_relapsing(measured: Sequence[Progress]) -> bool:
    """Return whether any measured instrument is back at 10 or more after remission."""
    return any(p.relapse for p in measured)


def episode_status(
    *,
    started_on: date,
    today: date,
    phq9: Sequence[Score] = (),
    gad7: Sequence[Score] = (),
    last_contact_on: date | None = None,
    open_alert: bool = False,
    missed_session: bool = False,
    thresholds: Thresholds = DEFAULTS,
) -> EpisodeStatus:
    """Return every rule for one episode on `today`. Scores before `started_on` are ignored,
    except the latest intake score within `baseline_before_days` before it (the baseline); a
    contact before the start is ignored."""
    t = thresholds
    phq = progress(episode_scores(phq9, started_on=started_on, today=today, t=t), t)
    gad = progress(episode_scores(gad7, started_on=started_on, today=today, t=t), t)
    days = (today - started_on).days
    measured = [p for p in (phq, gad) if p.has_baseline]
    not_improving = is_not_improving(treatment_targets(phq, gad), days_in_treatment=days, t=t)
    change_plan = needs_plan_change(not_improving=not_improving, days_in_treatment=days, t=t)
    latest_on = latest_score_on(measured)
    reassessment_overdue = is_reassessment_overdue(latest_on=latest_on, today=today, t=t)
    reassessment_due = is_reassessment_due(latest_on=latest_on, today=today, t=t)
    contact_overdue = is_contact_overdue(
        started_on=started_on, today=today, last_contact_on=last_contact_on, t=t
    )
    present = {
        Flag.OPEN_ALERT: open_alert,
        Flag.SEVERE_SCORE: has_severe_latest_score(phq9=phq, gad7=gad, t=t),
        Flag.CHANGE_PLAN: change_plan,
        # "Change the plan" is the stronger flag and replaces "not improving".
        Flag.NOT_IMPROVING: not_improving and not change_plan,
        Flag.RELAPSE: is_relapsing(measured),
        Flag.REASSESSMENT_OVERDUE: reassessment_overdue,
        Flag.NO_BASELINE: not measured,
        Flag.CONTACT_OVERDUE: contact_overdue,
        Flag.MISSED_SESSION: missed_session,
        Flag.REASSESSMENT_DUE: reassessment_due,
    }
    return EpisodeStatus(
        started_on=started_on,
        days_in_treatment=days,
        phq9=phq,
        gad7=gad,
        not_improving=not_improving,
        change_plan=change_plan,
        reassessment_due_on=reassessment_due_on(started_on=started_on, latest_on=latest_on, t=t),
        reassessment_overdue=reassessment_overdue,
        reassessment_due=reassessment_due,
        first_contact_by=first_contact_due_by(started_on, t),
        contact_overdue=contact_overdue,
        flags=tuple(f for f in NEED_ORDER if present[f]),
    )


def episode_scores(
    scores: Sequence[Score], *, started_on: date, today: date, t: Thresholds = DEFAULTS
) -> list[Score]:
    """Return the scores that belong to an episode, in order: those from its start to
    `today`, preceded — unless one was taken on the first day — by the latest intake score
    within `t.baseline_before_days` before the start (it is the baseline)."""
    window = started_on - timedelta(days=t.baseline_before_days)
    during = sorted((s for s in scores if started_on <= s.on <= today), key=lambda s: s.order)
    if during and during[0].on == started_on:
        return during  # a score on the first day is the baseline: closest to the start
    before = [s for s in scores if window <= s.on < started_on]
    intake = max(before, key=lambda s: s.order, default=None)
    return ([intake] if intake else []) + during


def need_rank(flags: Sequence[Flag]) -> int:
    """Position in the registry: lower comes first; no flag comes last."""
    return min((NEED_ORDER.index(f) for f in flags), default=len(NEED_ORDER))
