from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tether.access import get_assessment, get_own_patient, get_patient
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.assessments.forms import AssessmentForm
from tether.assessments.instruments import INSTRUMENTS, Instrument
from tether.assessments.models import Assessment
from tether.assessments.prompts import needs_prompt_contact
from tether.assessments.scoring import AnswersInvalid
from tether.assessments.services import submit_assessment
from tether.crisis.services import open_alert_of, patient_message_after_alert


def _instrument(code: str) -> Instrument:
    if code not in INSTRUMENTS:
        raise Http404("No such questionnaire.")
    return INSTRUMENTS[code]


def _take(
    request: AuthenticatedRequest,
    *,
    patient,
    instrument: Instrument,
    template: str,
    done,
    initial=None,
):
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, instrument=instrument, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = submit_assessment(
                patient=patient,
                instrument=instrument.code,
                answers=form.answers(),
                difficulty=form.cleaned_data.get("difficulty"),
                entered_by=request.user,
            )
        except AnswersInvalid as invalid:
            for problem in invalid.problems:
                form.add_error(None, problem)
        else:
            return done(submitted)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "instrument": instrument, "patient": patient},
        status=status,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def take_assessment(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A patient fills in a questionnaire about themself. `?finish=<id>` of one of their own
    unfinished questionnaires opens the form with the answers they gave already chosen."""
    patient = get_own_patient(request.user)
    instrument = _instrument(code)
    return _take(
        request,
        patient=patient,
        instrument=instrument,
        template="assessments/take.html",
        done=lambda s: redirect("assessment_result", assessment_id=s.assessment.pk),
        initial=_unfinished_answers(request.user, instrument, request.GET.get("finish")),
    )


def _unfinished_answers(user, instrument: Instrument, assessment_id: str | None) -> dict:
    """Return the answers of the patient's own unfinished questionnaire as form initial
    data, or {} when there is none by that id (an unknown id simply opens a blank form)."""
    if not assessment_id:
        return {}
    try:
        unfinished = get_assessment(user, assessment_id)
    except Http404:
        return {}
    if unfinished.instrument != instrument.code or unfinished.complete:
        return {}
    return {
        f"item_{n}": value
        for n, value in enumerate(unfinished.answers, start=1)
        if value is not None
    } | ({"difficulty": unfinished.difficulty} if unfinished.difficulty is not None else {})


def _needs_prompt_contact(assessment: Assessment) -> bool:
    if not assessment.complete:
        return False
    item9 = assessment.answers[8] if assessment.instrument == "phq9" else None
    return needs_prompt_contact(assessment.instrument, assessment.total, item9)


@patient_required
def assessment_result(request: AuthenticatedRequest, assessment_id) -> HttpResponse:
    """What the patient sees after submitting: crisis resources first when there was risk
    (base.html, while an alert is open), then the Columbia screener; an unfinished
    questionnaire is offered again with the answers already given."""
    assessment = get_assessment(request.user, assessment_id)
    alert = getattr(assessment, "risk_alert", None)
    if alert is None and assessment.risk:
        # A risk answer while an alert was already open was added to that alert.
        alert = open_alert_of(assessment.patient)
    return render(
        request,
        "assessments/result.html",
        {
            "assessment": assessment,
            "alert": alert,
            "after_alert": patient_message_after_alert(alert) if alert else "",
            "screen_open": alert is not None and alert.is_active and not alert.screens.exists(),
            "prompt_contact": assessment if _needs_prompt_contact(assessment) else None,
        },
    )


@care_staff_required
@require_http_methods(["GET", "POST"])
def enter_assessment(request: AuthenticatedRequest, patient_id, code: str) -> HttpResponse:
    """Staff enter a questionnaire the patient answered during a call."""
    patient = get_patient(request.user, patient_id)

    def done(submitted):
        if not submitted.assessment.complete:
            unanswered = ", ".join(str(n) for n in submitted.assessment.unanswered)
            messages.info(
                request,
                f"Saved as unfinished (unanswered: {unanswered}); it has no score. "
                "You can enter the whole questionnaire again once the patient has answered it.",
            )
        if submitted.alert:
            messages.warning(request, "A risk alert was raised for the care team.")
        else:
            messages.success(request, f"{submitted.assessment.definition.name} saved.")
        return redirect("staff_patient", patient_id=patient.pk)

    return _take(
        request,
        patient=patient,
        instrument=_instrument(code),
        template="assessments/enter.html",
        done=done,
    )
