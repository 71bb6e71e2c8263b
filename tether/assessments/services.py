"""Writes for self-assessments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.assessments.instruments import INSTRUMENTS
from tether.assessments.models import Assessment
from tether.assessments.scoring import AnswersInvalid, score, validate_answers, validate_difficulty
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert


class UnknownInstrument(AnswersInvalid):
    def __init__(self, code: object):
        known = ", ".join(INSTRUMENTS)
        super().__init__([f"Unknown instrument {code!r}. Use one of: {known}."])


@dataclass(frozen=True)
class Submitted:
    assessment: Assessment
    alert: RiskAlert | None


@transaction.atomic
def submit_assessment(
    *,
    patient: Patient,
    instrument: str,
    answers: Sequence[object],
    entered_by: User,
    difficulty: object = None,
    completed_at: datetime | None = None,
) -> Submitted:
    """Validate, score and store a completed questionnaire. A risk answer raises a risk alert in
    the same transaction, so the answers and the alert are saved together or not at all.

    Raises AnswersInvalid (naming every problem) before anything is written."""
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise UnknownInstrument(instrument)
    definition = INSTRUMENTS[instrument]
    values = validate_answers(definition, answers)
    difficulty_value = validate_difficulty(definition, difficulty)
    result = score(definition, values)
    source = (
        Assessment.Source.SELF_REPORT
        if entered_by.pk == patient.user_id
        else Assessment.Source.STAFF_ENTERED
    )
    assessment = Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        answers=values,
        difficulty=difficulty_value,
        total=result.total,
        severity=result.band.name,
        risk=result.risk,
        source=source,
        entered_by=entered_by,
        completed_at=completed_at or timezone.now(),
    )
    alert = None
    if result.risk:
        alert = raise_risk_alert(
            patient=patient,
            reason=RiskAlert.Reason.PHQ9_ITEM9,
            raised_by=entered_by,
            detail=" ".join(result.risk_reasons),
            assessment=assessment,
            at=assessment.completed_at,
        )
    return Submitted(assessment=assessment, alert=alert)
