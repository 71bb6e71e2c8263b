"""The shapes of a practice's outcome figures (what practice_outcomes returns and the page,
the charts and the API show), and the published benchmarks shown beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tether.care.statistics import Effect, Rate
from tether.engagement.models import Program


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
        groups: list[Proportion | Change | Comparison] = [
            self.dropout,
            self.dropout_intake,
            self.dropout_no_intake,
        ]
        for i in self.instruments:
            groups += [i.response, i.change, i.guided, i.intake]
        return any(g.suppressed for g in groups) or any(m.response.suppressed for m in self.months)
