"""A practice's outcome figures: how many were treated, how many responded or remitted, how
much scores changed, and how many dropped out, with their uncertainty.

Who sees them: clinicians and admins of the practice, for the whole practice. The figures are
aggregates only and never list a patient, so a clinician sees the practice's results, not just
their own caseload's; everyone else (coordinators included) gets a 404.

The cohort is every treatment episode of the practice that started within [start, end] (and in
`program` when one is given). Per instrument (PHQ-9 first, GAD-7 the same way):
- eligible: a baseline of 10 or more (Thresholds.target_from) and at least one later score,
  both within the episode; response, remission and change are over the eligible only;
- response and remission (targets.progress) as rates with 95% Wilson intervals;
- mean change (baseline − latest, positive = better) with the pre-post Hedges' g (paired);
- between cohorts, Hedges' g on the change scores: guided vs unguided program (the episode's
  program, else the patient's active enrollment's), and intake call held vs not (an enrollment
  whose intake_at is on or before the episode's end, or today for an open one).
Dropout: an ended episode whose last contact (an attended appointment or any assessment within
the episode, else its start) was Thresholds.dropout_days or more before it ended; as a rate,
split by whether a human intake call happened.

Small cohorts: a group with fewer than Thresholds.small_cohort distinct patients shows its size
only: no numerator, rate, mean, g or interval (those are None and `suppressed` is True), so
nobody can be singled out.

Queries: a fixed handful whatever the cohort's size (episodes, their assessments, enrollments,
attended appointments, the open caseload's latest PHQ-9, the thresholds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.http import Http404

from tether.access import can_see_outcomes
from tether.accounts.models import User
from tether.assessments.models import Assessment
from tether.care.models import TreatmentEpisode, thresholds_for
from tether.care.statistics import Effect, Rate, hedges_g_between, hedges_g_pre_post, wilson
from tether.care.targets import Progress, Score, Thresholds, episode_scores, progress
from tether.engagement.models import Appointment, Enrollment, Program

INSTRUMENTS = (("phq9", "PHQ-9"), ("gad7", "GAD-7"))
# PHQ-9 severity bands (Kroenke 2001) for the caseload's distribution.
PHQ9_BANDS = (
    ("0–4", 0, 4),
    ("5–9", 5, 9),
    ("10–14", 10, 14),
    ("15–19", 15, 19),
    ("20–27", 20, 27),
)


@dataclass(frozen=True)
class Benchmark:
    label: str
    figure: str
    source: str
    verify: bool  # the primary source is not yet checked (CLINICAL.md says "verify")


# Published figures shown beside the practice's own, with their sources (CLINICAL.md,
# "Evidence cited to users").
BENCHMARKS = (
    Benchmark(
        label="Guided digital CBT compared with care as usual",
        figure="g = 0.42",
        source="The figure in the practice's article; its primary source is still to be verified.",
        verify=True,
    ),
    Benchmark(
        label="Digital peer support in outpatient settings, depression",
        figure="SMD −0.28 (95% CI −0.42 to −0.14)",
        source="29 studies, 5,825 participants (BMJ Mental Health 2026).",
        verify=False,
    ),
)
CAVEAT = (
    "These published figures compare a treatment with a control group in trials. The "
    "practice's figures are changes from before to after treatment with no control group: "
    "people also improve with time, and those who stay in care differ from those who leave. "
    "They cannot be compared like for like."
)


@dataclass(frozen=True)
class Proportion:
    """How many of a group had an outcome. Counts only (`suppressed`) for a small group."""

    total: int
    patients: int
    count: int | None
    rate: Rate | None
    suppressed: bool


@dataclass(frozen=True)
class Change:
    """Mean change from baseline (positive = better) and the pre-post Hedges' g."""

    n: int
    patients: int
    mean: float | None
    effect: Effect | None
    suppressed: bool


@dataclass(frozen=True)
class Comparison:
    """Two cohorts' mean change and Hedges' g between them (positive = the first improved
    more)."""

    first_label: str
    second_label: str
    first: Change
    second: Change
    effect: Effect | None
    suppressed: bool


@dataclass(frozen=True)
class InstrumentOutcome:
    code: str
    name: str
    with_baseline: int
    eligible: int
    response: Proportion
    remission: Proportion
    change: Change
    guided: Comparison
    intake: Comparison

    @property
    def rates(self) -> tuple[tuple[str, Proportion], ...]:
        return (("Response", self.response), ("Remission", self.remission))

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return (self.guided, self.intake)


@dataclass(frozen=True)
class Month:
    first_day: date
    eligible: int
    response: Proportion
    remission: Proportion


@dataclass(frozen=True)
class Band:
    label: str
    count: int


@dataclass(frozen=True)
class Outcomes:
    start: date
    end: date
    program: Program | None
    small_cohort: int
    dropout_days: int
    episodes: int
    patients: int
    instruments: tuple[InstrumentOutcome, ...]
    months: tuple[Month, ...]  # PHQ-9 response and remission by month of episode start
    dropout: Proportion
    dropout_intake: Proportion  # among ended episodes with an intake call
    dropout_no_intake: Proportion
    caseload_bands: tuple[Band, ...]  # latest PHQ-9 of open episodes
    caseload_unscored: int
    benchmarks: tuple[Benchmark, ...] = BENCHMARKS
    caveat: str = CAVEAT

    @property
    def dropout_rows(self) -> tuple[tuple[str, Proportion], ...]:
        return (
            ("All ended episodes", self.dropout),
            ("Intake call held", self.dropout_intake),
            ("No intake call", self.dropout_no_intake),
        )

    @property
    def suppressed(self) -> bool:
        """Whether any figure on the page is counts only."""
        groups = [self.dropout, self.dropout_intake, self.dropout_no_intake]
        for i in self.instruments:
            groups += [i.response, i.change, i.guided, i.intake]
        return any(g.suppressed for g in groups) or any(m.response.suppressed for m in self.months)


@dataclass
class _Episode:
    patient_id: object
    started_on: date
    ended_on: date | None
    guided: bool | None
    intake: bool = False
    scores: dict[str, list[Score]] = field(default_factory=lambda: {"phq9": [], "gad7": []})
    last_contact: date | None = None
    progress: dict[str, Progress] = field(default_factory=dict)


def practice_outcomes(
    user: User, *, start: date, end: date, program: Program | None = None, today: date
) -> Outcomes:
    """Return the outcome figures of `user`'s practice for episodes started in [start, end].
    Raise Http404 for anyone but its clinicians and admins, or for another practice's
    program."""
    if not can_see_outcomes(user):
        raise Http404("Outcomes are for clinicians and admins.")
    if program is not None and program.practice_id != user.practice_id:
        raise Http404("No such program.")
    practice = user.practice
    zone = ZoneInfo(practice.time_zone)
    thresholds = thresholds_for(practice)
    episodes = _cohort(
        practice.pk,
        start=start,
        end=end,
        program=program,
        today=today,
        zone=zone,
        thresholds=thresholds,
    )
    for episode in episodes:
        for code, _ in INSTRUMENTS:
            scores = episode_scores(
                episode.scores[code],
                started_on=episode.started_on,
                today=episode.ended_on or today,
                t=thresholds,
            )
            episode.progress[code] = progress(scores, thresholds)

    ended = [e for e in episodes if e.ended_on is not None]
    dropped = [e for e in ended if _dropped_out(e, thresholds)]
    bands, unscored = _caseload(practice.pk, program=program)
    return Outcomes(
        start=start,
        end=end,
        program=program,
        small_cohort=thresholds.small_cohort,
        dropout_days=thresholds.dropout_days,
        episodes=len(episodes),
        patients=len({e.patient_id for e in episodes}),
        instruments=tuple(
            _instrument(code, name, episodes, thresholds) for code, name in INSTRUMENTS
        ),
        months=_months(start, end, episodes, thresholds),
        dropout=_proportion(ended, dropped, thresholds),
        dropout_intake=_proportion(
            [e for e in ended if e.intake], [e for e in dropped if e.intake], thresholds
        ),
        dropout_no_intake=_proportion(
            [e for e in ended if not e.intake], [e for e in dropped if not e.intake], thresholds
        ),
        caseload_bands=bands,
        caseload_unscored=unscored,
    )


def _local(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _cohort(
    practice_id,
    *,
    start: date,
    end: date,
    program,
    today: date,
    zone: ZoneInfo,
    thresholds: Thresholds,
) -> list[_Episode]:
    """The cohort's episodes with their scores, contacts, program and intake (four queries)."""
    rows = TreatmentEpisode.objects.filter(
        patient__practice_id=practice_id, started_on__gte=start, started_on__lte=end
    )
    if program is not None:
        rows = rows.filter(program=program)
    episodes = [
        _Episode(patient_id=p, started_on=s, ended_on=e, guided=g)
        for p, s, e, g in rows.values_list(
            "patient_id", "started_on", "ended_on", "program__guided"
        )
    ]
    if not episodes:
        return []
    by_patient: dict[object, list[_Episode]] = defaultdict(list)
    for episode in episodes:
        by_patient[episode.patient_id].append(episode)
    patient_ids = list(by_patient)

    def within(patient_id, on: date) -> Iterable[_Episode]:
        return (e for e in by_patient[patient_id] if e.started_on <= on <= (e.ended_on or today))

    def contact(patient_id, on: date) -> None:
        for e in within(patient_id, on):
            e.last_contact = max(e.last_contact or on, on)

    assessments = Assessment.objects.filter(patient_id__in=patient_ids).values_list(
        "patient_id", "instrument", "completed_at", "total", "complete"
    )
    window = timedelta(days=thresholds.baseline_before_days)
    for patient_id, code, completed_at, total, complete in assessments:
        on = _local(completed_at, zone)
        contact(patient_id, on)
        if code in ("phq9", "gad7") and complete:
            # Ordered by the full timestamp; an intake score up to `window` before an episode
            # starts is offered to it as a baseline (targets.episode_scores keeps the latest).
            score = Score(on=on, total=total, at=completed_at)
            for e in by_patient[patient_id]:
                if e.started_on - window <= on <= (e.ended_on or today):
                    e.scores[code].append(score)

    attended = Appointment.objects.filter(
        patient_id__in=patient_ids, attendance=Appointment.Attendance.ATTENDED
    ).values_list("patient_id", "starts_at")
    for patient_id, starts_at in attended:
        contact(patient_id, _local(starts_at, zone))

    enrollments = Enrollment.objects.filter(patient_id__in=patient_ids).values_list(
        "patient_id", "status", "program__guided", "intake_at", "enrolled_at"
    )
    active_guided: dict[object, tuple[datetime, bool]] = {}
    for patient_id, status, guided, intake_at, enrolled_at in enrollments:
        if intake_at is not None:
            held_on = _local(intake_at, zone)
            for e in by_patient[patient_id]:
                if held_on <= (e.ended_on or today):
                    e.intake = True
        if status == Enrollment.Status.ACTIVE:
            # The most recent active enrollment decides when the episode names no program.
            latest = active_guided.get(patient_id)
            if latest is None or enrolled_at > latest[0]:
                active_guided[patient_id] = (enrolled_at, guided)
    for patient_id, (_, guided) in active_guided.items():
        for e in by_patient[patient_id]:
            if e.guided is None:
                e.guided = guided
    return episodes


def _dropped_out(episode: _Episode, thresholds: Thresholds) -> bool:
    """No contact for `dropout_days` or more before the episode ended; with no contact at all,
    the episode's start counts as the last one."""
    last = episode.last_contact or episode.started_on
    return (episode.ended_on - last).days >= thresholds.dropout_days


def _too_small(group: Sequence[_Episode], thresholds: Thresholds) -> bool:
    return len({e.patient_id for e in group}) < thresholds.small_cohort


def _proportion(
    group: Sequence[_Episode], having: Sequence[_Episode], thresholds: Thresholds
) -> Proportion:
    patients = len({e.patient_id for e in group})
    if _too_small(group, thresholds):
        return Proportion(len(group), patients, None, None, suppressed=True)
    return Proportion(
        len(group), patients, len(having), wilson(len(having), len(group)), suppressed=False
    )


def _eligible(episodes: Iterable[_Episode], code: str, thresholds: Thresholds) -> list[_Episode]:
    return [
        e
        for e in episodes
        if e.progress[code].baseline is not None
        and e.progress[code].baseline.total >= thresholds.target_from
        and e.progress[code].follow_ups >= 1
    ]


def _change(group: Sequence[_Episode], code: str, thresholds: Thresholds) -> Change:
    patients = len({e.patient_id for e in group})
    if _too_small(group, thresholds):
        return Change(len(group), patients, None, None, suppressed=True)
    changes = [e.progress[code].change_points for e in group]
    return Change(
        n=len(group),
        patients=patients,
        mean=sum(changes) / len(changes),
        effect=hedges_g_pre_post(
            [e.progress[code].baseline.total for e in group],
            [e.progress[code].latest.total for e in group],
        ),
        suppressed=False,
    )


def _comparison(
    labels: tuple[str, str],
    first: Sequence[_Episode],
    second: Sequence[_Episode],
    code: str,
    thresholds: Thresholds,
) -> Comparison:
    a, b = _change(first, code, thresholds), _change(second, code, thresholds)
    suppressed = a.suppressed or b.suppressed
    effect = None
    if not suppressed:
        effect = hedges_g_between(
            [e.progress[code].change_points for e in first],
            [e.progress[code].change_points for e in second],
        )
    return Comparison(labels[0], labels[1], a, b, effect, suppressed)


def _instrument(
    code: str, name: str, episodes: Sequence[_Episode], thresholds: Thresholds
) -> InstrumentOutcome:
    eligible = _eligible(episodes, code, thresholds)
    return InstrumentOutcome(
        code=code,
        name=name,
        with_baseline=sum(1 for e in episodes if e.progress[code].baseline is not None),
        eligible=len(eligible),
        response=_proportion(
            eligible, [e for e in eligible if e.progress[code].response], thresholds
        ),
        remission=_proportion(
            eligible, [e for e in eligible if e.progress[code].remission], thresholds
        ),
        change=_change(eligible, code, thresholds),
        guided=_comparison(
            ("Guided program", "Unguided program"),
            [e for e in eligible if e.guided is True],
            [e for e in eligible if e.guided is False],
            code,
            thresholds,
        ),
        intake=_comparison(
            ("Intake call held", "No intake call"),
            [e for e in eligible if e.intake],
            [e for e in eligible if not e.intake],
            code,
            thresholds,
        ),
    )


def _months(
    start: date, end: date, episodes: Sequence[_Episode], thresholds: Thresholds
) -> tuple[Month, ...]:
    """PHQ-9 response and remission by the month the episodes started, oldest first."""
    eligible = _eligible(episodes, "phq9", thresholds)
    by_month: dict[date, list[_Episode]] = defaultdict(list)
    for e in eligible:
        by_month[e.started_on.replace(day=1)].append(e)
    months = []
    month = start.replace(day=1)
    while month <= end:
        group = by_month.get(month, [])
        months.append(
            Month(
                first_day=month,
                eligible=len(group),
                response=_proportion(
                    group, [e for e in group if e.progress["phq9"].response], thresholds
                ),
                remission=_proportion(
                    group, [e for e in group if e.progress["phq9"].remission], thresholds
                ),
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(months)


def _caseload(practice_id, *, program) -> tuple[tuple[Band, ...], int]:
    """The latest PHQ-9 since each open episode started, counted by severity band (one
    query)."""
    latest = (
        Assessment.objects.scored()
        .filter(
            patient_id=OuterRef("patient_id"),
            instrument="phq9",
            completed_at__date__gte=OuterRef("started_on"),
        )
        .order_by("-completed_at")
        .values("total")[:1]
    )
    open_episodes = TreatmentEpisode.objects.filter(
        patient__practice_id=practice_id, ended_on__isnull=True
    )
    if program is not None:
        open_episodes = open_episodes.filter(program=program)
    totals = list(open_episodes.annotate(latest=Subquery(latest)).values_list("latest", flat=True))
    bands = tuple(
        Band(label, sum(1 for t in totals if t is not None and low <= t <= high))
        for label, low, high in PHQ9_BANDS
    )
    return bands, sum(1 for t in totals if t is None)
