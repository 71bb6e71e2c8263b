from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tether.access import get_own_patient, get_patient, visible_patients
from tether.assessments.forms import AssessmentForm
from tether.assessments.instruments import INSTRUMENTS, Instrument
from tether.assessments.models import Assessment
from tether.assessments.scoring import AnswersInvalid
from tether.assessments.services import submit_assessment
from tether.lib.decorators import care_staff_required, patient_required


def _instrument(code: str) -> Instrument:
    if code not in INSTRUMENTS:
        raise Http404("No such questionnaire.")
    return INSTRUMENTS[code]


def _take(request: HttpRequest, *, patient, instrument: Instrument, template: str, done):
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, instrument=instrument)
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
def take_assessment(request: HttpRequest, code: str) -> HttpResponse:
    """A patient fills in a questionnaire about themself."""
    patient = get_own_patient(request.user)
    return _take(
        request,
        patient=patient,
        instrument=_instrument(code),
        template="assessments/take.html",
        done=lambda s: redirect("assessment_result", assessment_id=s.assessment.pk),
    )


@patient_required
def assessment_result(request: HttpRequest, assessment_id) -> HttpResponse:
    """What the patient sees after submitting: crisis resources first when there was risk."""
    assessment = get_object_or_404(
        Assessment.objects.filter(patient__in=visible_patients(request.user)), pk=assessment_id
    )
    return render(request, "assessments/result.html", {"assessment": assessment})


@care_staff_required
@require_http_methods(["GET", "POST"])
def enter_assessment(request: HttpRequest, patient_id, code: str) -> HttpResponse:
    """Staff enter a questionnaire the patient answered during a call."""
    patient = get_patient(request.user, patient_id)

    def done(submitted):
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
