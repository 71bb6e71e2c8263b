"""Writes for self-assessments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import CareTeamMember, Patient, User
from tether.assessments.instruments import INSTRUMENTS
from tether.assessments.models import Assessment
from tether.assessments.scoring import (
    AnswersInvalid,
    incomplete_with_risk,
    score,
    validate_answers,
    validate_difficulty,
)
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.lib.urls import absolute_url
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
    """Validate, score and store a questionnaire. A risk answer raises a risk alert in the
    same transaction, so the answers and the alert are saved together or not at all. The
    patient's first complete questionnaire tells their care team the intake summary is ready;
    pass `send_intake_summary=False` only when loading past questionnaires (the demo, an
    import).

    Partial answers still count: when some questions are unanswered (None or "") but a risk
    answer is given (PHQ-9 question 9 above 0), the answers are kept as an incomplete
    assessment (complete=False, no total, no severity) and the alert is raised all the same.

    Raises AnswersInvalid (naming every problem) before anything is written: for gaps
    without a risk answer, and for any answer that is not one of the options."""
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise UnknownInstrument(instrument)
    definition = INSTRUMENTS[instrument]
    try:
        complete_values = validate_answers(definition, answers)
    except AnswersInvalid:
        incomplete = incomplete_with_risk(definition, answers)
        if incomplete is None:
            raise
    else:
        incomplete = None
    difficulty_value = validate_difficulty(definition, difficulty)
    values: list[int | None]
    total: int | None
    if incomplete is not None:
        values, complete, total, severity = incomplete.answers, False, None, ""
        risk_reasons = incomplete.risk_reasons
    else:
        result = score(definition, complete_values)
        values, complete, total, severity = (
            list(complete_values),
            True,
            result.total,
            result.band.name,
        )
        risk_reasons = result.risk_reasons
    # Lock the patient so two questionnaires sent at once cannot both count as the first.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    first = complete and not Assessment.objects.filter(patient=patient).scored().exists()
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
        complete=complete,
        total=total,
        severity=severity,
        risk=bool(risk_reasons),
        source=source,
        entered_by=entered_by,
        completed_at=completed_at or timezone.now(),
    )
    alert = None
    if risk_reasons:
        detail = " ".join(risk_reasons)
        if not complete:
            unanswered = ", ".join(str(n) for n in assessment.unanswered)
            detail += f" The questionnaire was not finished (unanswered: {unanswered})."
        alert = raise_risk_alert(
            patient=patient,
            reason=RiskAlert.Reason.PHQ9_ITEM9,
            raised_by=entered_by,
            detail=detail,
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
    link = absolute_url(reverse("intake_summary", args=[patient.pk]))
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
                "Hello,\n\n"
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
