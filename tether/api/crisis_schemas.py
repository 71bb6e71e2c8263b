"""Request and response shapes for /api/v1's crisis routes: risk alerts, the patient's own
"not safe" and Columbia screener, the on-call rota and alert response times."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from tether.api.input import Bounded
from tether.api.peers_schemas import CrisisResourceOut
from tether.crisis import triage
from tether.crisis.models import OnCallShift


class CrisisSupportOut(Schema):
    crisis_resources: list[CrisisResourceOut] = Field(
        ...,
        description="The practice's crisis resources (the same list the web shows), to show "
        "at once.",
    )
    support_message: str = Field(
        ...,
        description="What to tell the patient with them: what will actually happen, and when "
        "to call a crisis line.",
    )


class AlertRaisedOut(CrisisSupportOut):
    alert_id: UUID = Field(
        ..., description="The alert raised, or the one already open that this was added to."
    )


_SCREEN_KEYS = {q.key: f"{q.number}. {q.text}" for q in triage.QUESTIONS}


class ScreenIn(Bounded):
    # Typed loosely on purpose: triage.validate_screen names every problem in plain words.
    answers: dict[str, Any] = Field(
        ...,
        description="Columbia screener (C-SSRS, past month), question key -> true (yes) or "
        "false (no). Always: wish_dead, thoughts, behavior. Only after thoughts=true: method, "
        "intent, plan. Only after behavior=true: behavior_recent. A skipped question is "
        "left out or null. Questions: "
        + "; ".join(f"{key}: {text}" for key, text in _SCREEN_KEYS.items()),
        json_schema_extra={
            "properties": {key: {"type": "boolean", "nullable": True} for key in _SCREEN_KEYS},
            "additionalProperties": False,
        },
    )


class ScreenOut(Schema):
    id: UUID
    triage: str = Field(..., json_schema_extra={"enum": [triage.LOW, triage.MODERATE, triage.HIGH]})
    answers: dict[str, bool]
    alert_id: UUID | None = Field(
        ..., description="The alert whose triage this screen set; null after all no on its own."
    )
    completed_at: datetime
    call_first: str | None = Field(
        None,
        description="High triage only: a tel: link to the practice's crisis line, to show "
        "first and largest.",
    )
    crisis: CrisisSupportOut


class AlertOut(Schema):
    id: UUID
    patient_id: UUID
    reason: str
    status: str
    triage: str = Field(
        ..., description='Columbia screener triage: low, moderate, high; "" until screened.'
    )
    detail: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str


class ResolveIn(Bounded):
    note: str = Field(..., description="What was done. Required.")


class ShiftOut(Schema):
    id: UUID
    clinician_id: int
    clinician: str
    backup_id: int | None
    backup: str | None
    starts_at: datetime
    ends_at: datetime

    @staticmethod
    def resolve_clinician(shift: OnCallShift) -> str:
        return shift.clinician.display_name

    @staticmethod
    def resolve_backup(shift: OnCallShift) -> str | None:
        return shift.backup.display_name if shift.backup else None


class ShiftIn(Bounded):
    clinician_id: int
    backup_id: int | None = None
    starts_at: datetime
    ends_at: datetime


class ResponseTimesOut(Schema):
    month_start: datetime
    acknowledged: int
    unacknowledged: int
    median_seconds: float | None
    p90_seconds: float | None
    longest_seconds: float | None
