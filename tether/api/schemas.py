"""Request and response shapes for /api/v1. The instrument definitions drive the parts of the
schema that describe questionnaires, so the OpenAPI document cannot drift from scoring."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from tether.assessments.instruments import INSTRUMENTS
from tether.crisis.models import RiskAlert

_ITEM_COUNTS = sorted({len(i.items) for i in INSTRUMENTS.values()})
_ANSWER_VALUES = sorted({o.value for i in INSTRUMENTS.values() for o in i.options})
_SEVERITIES = sorted({b.name for i in INSTRUMENTS.values() for b in i.bands})


class OptionOut(Schema):
    value: int
    label: str
    loinc: str | None


class ItemOut(Schema):
    number: int
    text: str
    loinc: str | None


class BandOut(Schema):
    low: int
    high: int
    name: str
    label: str


class QuestionOut(Schema):
    text: str
    options: list[OptionOut]
    loinc: str | None


class InstrumentOut(Schema):
    code: str
    name: str
    title: str
    stem: str
    items: list[ItemOut]
    options: list[OptionOut]
    bands: list[BandOut]
    max_total: int
    panel_loinc: str | None
    total_loinc: str | None
    difficulty: QuestionOut | None


class AssessmentIn(Schema):
    # Typed loosely on purpose: the instrument definition validates every answer and names the
    # problem in plain words; the schema still documents what is allowed.
    instrument: str = Field(
        ...,
        description="Questionnaire code.",
        json_schema_extra={"enum": list(INSTRUMENTS)},
    )
    answers: list[Any] = Field(
        ...,
        description=(
            "One answer per item, in the instrument's item order: "
            + "; ".join(
                f"{i.code} {len(i.items)} items, each "
                + ", ".join(f"{o.value} ({o.label})" for o in i.options)
                for i in INSTRUMENTS.values()
            )
            + "."
        ),
        json_schema_extra={
            "items": {"type": "integer", "enum": _ANSWER_VALUES},
            "minItems": _ITEM_COUNTS[0],
            "maxItems": _ITEM_COUNTS[-1],
        },
    )
    difficulty: Any = Field(
        None,
        description="PHQ-9 only, optional and not scored: 0 not difficult at all … 3 extremely.",
        json_schema_extra={"type": "integer", "enum": [0, 1, 2, 3], "nullable": True},
    )


class AssessmentOut(Schema):
    id: UUID
    patient_id: UUID
    instrument: str
    answers: list[int]
    difficulty: int | None
    total: int
    severity: str = Field(..., json_schema_extra={"enum": _SEVERITIES})
    risk: bool
    source: str
    completed_at: datetime
    alert_id: UUID | None = None

    @staticmethod
    def resolve_alert_id(obj) -> UUID | None:
        try:
            return obj.risk_alert.pk
        except RiskAlert.DoesNotExist:
            return None


class AlertOut(Schema):
    id: UUID
    patient_id: UUID
    reason: str
    status: str
    detail: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str


class ResolveIn(Schema):
    note: str = Field(..., description="What was done. Required.")


class ScoreSummary(Schema):
    total: int
    severity: str
    change: int | None = Field(None, description="Change since the previous score.")


class CaseloadRow(Schema):
    patient_id: UUID
    name: str
    has_active_alert: bool
    phq9: ScoreSummary | None
    gad7: ScoreSummary | None
    network: str = Field(
        ...,
        description='Support network coverage, e.g. "3/5 layers, 1 single point": layers '
        "held out of five, and layers held by only one support.",
    )
    last_contact: datetime | None


class Error(Schema):
    detail: str
    problems: list[str] = []
