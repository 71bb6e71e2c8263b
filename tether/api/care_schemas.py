"""Request and response shapes for /api/v1 measurement-based care."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.api.input import Bounded
from tether.care.models import TreatmentEpisode

EndReason = Literal[tuple(TreatmentEpisode.EndReason.values)]


class _Input(Bounded):
    model_config = ConfigDict(extra="forbid")


class EpisodeIn(_Input):
    started_on: date
    program_id: UUID | None = None


class EpisodeEndIn(_Input):
    ended_on: date
    reason: EndReason


class EpisodeOut(Schema):
    id: UUID
    patient_id: UUID
    started_on: date
    ended_on: date | None
    end_reason: str
    program_id: UUID | None
    program: str | None
    is_open: bool


class ScoreOut(Schema):
    on: date
    total: int


class ProgressOut(Schema):
    baseline: ScoreOut | None
    latest: ScoreOut | None
    follow_ups: int
    change_points: int | None
    change_percent: float | None
    response: bool
    remission: bool
    relapse: bool
    is_target: bool


class FlagOut(Schema):
    code: str
    label: str


class EpisodeStatusOut(Schema):
    episode: EpisodeOut
    as_of: date
    days_in_treatment: int
    weeks_in_treatment: int
    phq9: ProgressOut
    gad7: ProgressOut
    not_improving: bool
    change_plan: bool
    reassessment_due_on: date | None
    reassessment_overdue: bool
    flags: list[FlagOut]


class RegistryRowOut(Schema):
    patient_id: UUID
    name: str
    episode_id: UUID | None
    started_on: date | None
    weeks_in_treatment: int | None
    program: str
    coordinator: str
    last_contact_at: datetime | None = Field(
        ...,
        description="The latest human contact (an attended appointment, a recorded intake "
        "call, an outreach attempt that reached the patient); null when there was none.",
    )
    last_contact_on: date | None = Field(
        ..., description="`last_contact_at`'s day in the practice's time zone."
    )
    flags: list[FlagOut]
    triage: str | None = Field(
        ...,
        description='The highest C-SSRS triage of the open alert(s): "high", "moderate", '
        '"low"; null without an open alert or before triage.',
    )
    phq9: int | None = Field(
        ...,
        description="The latest PHQ-9 total: of the open episode, or the latest at all for a "
        "patient without one.",
    )
    gad7: int | None = Field(..., description="The latest GAD-7 total, as `phq9`.")
    network: str = Field(
        ...,
        description='Support network coverage, e.g. "3/5 layers, 1 single point": layers '
        "held out of five, and layers held by only one support.",
    )


# --- Outcomes (aggregates only: no patient is ever listed) -----------------------------------


class RateOut(Schema):
    count: int
    total: int
    value: float
    low: float
    high: float


class EffectOut(Schema):
    g: float
    se: float
    n: int
    low: float
    high: float


class ProportionOut(Schema):
    total: int
    patients: int
    count: int | None
    rate: RateOut | None
    suppressed: bool


class ChangeOut(Schema):
    n: int
    patients: int
    mean: float | None
    effect: EffectOut | None
    suppressed: bool


class ComparisonOut(Schema):
    first_label: str
    second_label: str
    first: ChangeOut
    second: ChangeOut
    effect: EffectOut | None
    suppressed: bool


class InstrumentOutcomeOut(Schema):
    code: str
    name: str
    with_baseline: int
    eligible: int
    response: ProportionOut
    remission: ProportionOut
    change: ChangeOut
    guided: ComparisonOut
    intake: ComparisonOut


class MonthOut(Schema):
    first_day: date
    eligible: int
    response: ProportionOut
    remission: ProportionOut


class CaseloadBandOut(Schema):
    label: str
    count: int


class BenchmarkOut(Schema):
    label: str
    figure: str
    source: str
    verify: bool


class OutcomesOut(Schema):
    start: date
    end: date
    program_id: UUID | None
    small_cohort: int
    dropout_days: int
    episodes: int
    patients: int
    suppressed: bool
    instruments: list[InstrumentOutcomeOut]
    months: list[MonthOut]
    dropout: ProportionOut
    dropout_intake: ProportionOut
    dropout_no_intake: ProportionOut
    caseload_bands: list[CaseloadBandOut]
    caseload_unscored: int
    benchmarks: list[BenchmarkOut]
    caveat: str

    @staticmethod
    def resolve_program_id(outcomes) -> UUID | None:
        return outcomes.program.pk if outcomes.program else None
