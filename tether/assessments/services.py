"""Writes for self-assessments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import CareTeamMember, Patient, User
from tether.assessments.instruments import INSTRUMENTS
from tether.assessments.models import Assessment
from tether.assessments.scoring import AnswersInvalid, score, validate_answers, validate_difficulty
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.notifications.services import queue_email


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
    send_intake_summary: bool = True,
) -> Submitted:
    """Validate, score and store a completed questionnaire. A risk answer raises a risk alert in
    the same transaction, so the answers and the alert are saved together or not at all. The
    patient's first questionnaire tells their care team the intake summary is ready; pass
    `send_intake_summary=False` only when loading past questionnaires (the demo, an import).

    Raises AnswersInvalid (naming every problem) before anything is written."""
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise UnknownInstrument(instrument)
    definition = INSTRUMENTS[instrument]
    values = validate_answers(definition, answers)
    difficulty_value = validate_difficulty(definition, difficulty)
    result = score(definition, values)
    # Lock the patient so two questionnaires sent at once cannot both count as the first.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    first = not Assessment.objects.filter(patient=patient).exists()
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
    if first and send_intake_summary:
        _send_intake_summary(patient)
    return Submitted(assessment=assessment, alert=alert)


def _send_intake_summary(patient: Patient) -> None:
    """Tell the coordinator and clinicians that the intake summary is ready. Email is not a
    safe place for health data, so the message holds no name, score or answer: only a link
    that asks them to sign in."""
    link = settings.SITE_URL.rstrip("/") + reverse("intake_summary", args=[patient.pk])
    team = CareTeamMember.objects.filter(patient=patient, staff__is_active=True).select_related(
        "staff"
    )
    for member in team:
        if not member.staff.email:
            continue
        queue_email(
            to=member.staff.email,
            subject="A new patient completed their first check-in",
            body=(
                f"Hello {member.staff.display_name},\n\n"
                "A new patient on your caseload has completed their first check-in in Tether.\n\n"
                "Their one-page intake summary is ready for your first conversation "
                "(sign in to see it):\n"
                f"{link}\n\n"
                "This email leaves out names and results on purpose; everything is behind "
                "the link.\n"
            ),
            purpose="intake-summary",
            patient=patient,
        )
