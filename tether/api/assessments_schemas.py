"""Request and response shapes for /api/v1's questionnaires. The instrument definitions drive
the parts of the schema that describe them, so the OpenAPI document cannot drift from scoring."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from tether.api.crisis_schemas import CrisisSupportOut
from tether.api.input import Bounded
from tether.api.openapi import one_of
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


class AssessmentIn(Bounded):
    # Typed loosely on purpose: the instrument definition validates every answer and names the
    # problem in plain words; the schema still documents what is allowed.
    instrument: str = Field(
        ...,
        description="Questionnaire code.",
        json_schema_extra=one_of(INSTRUMENTS),
    )
    answers: list[Any] = Field(
        ...,
        description=(
            "One answer per item, in the instrument's item order; null for a question left "
            "unanswered. Every question must be answered, except that a PHQ-9 with question 9 "
            "above 0 is kept with gaps (unfinished, not scored) and raises the risk alert. "
            "Answers: "
            + "; ".join(
                f"{i.code} {len(i.items)} items, each "
                + ", ".join(f"{o.value} ({o.label})" for o in i.options)
                for i in INSTRUMENTS.values()
            )
            + "."
        ),
        json_schema_extra={
            "items": one_of(_ANSWER_VALUES, type="integer", nullable=True),
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
    answers: list[int | None] = Field(
        ..., description="In item order; null for a question left unanswered (unfinished)."
    )
    difficulty: int | None
    complete: bool = Field(
        ...,
        description="False for an unfinished questionnaire, kept because it carries a risk "
        "answer: it has no total or severity and never counts as a score.",
    )
    total: int | None
    severity: str = Field(
        ..., description='"" when unfinished.', json_schema_extra=one_of([*_SEVERITIES, ""])
    )
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


class AssessmentCreatedOut(AssessmentOut):
    """The answer to a submission: `alert_id` and `crisis` come from what the submission did
    (set on the assessment by the endpoint), since with an alert already open the answer is
    added to that alert rather than linked one-to-one."""

    alert_id: UUID | None = Field(
        None,
        description="The risk alert this answer raised, or added to when one was already open.",
    )
    crisis: CrisisSupportOut | None = Field(
        None, description="With a risk answer: the crisis resources and message; else null."
    )

    @staticmethod
    def resolve_alert_id(obj) -> UUID | None:
        alert = getattr(obj, "answer_alert", None)
        return alert.pk if alert is not None else None

    @staticmethod
    def resolve_crisis(obj) -> dict | None:
        return getattr(obj, "answer_crisis", None)
