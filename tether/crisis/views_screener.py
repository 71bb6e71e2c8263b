"""The Columbia screener pages: the patient's own (/me/screener/) and staff entering one
for a patient during a call (/staff/patients/<id>/screener/)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tether.access import get_own_patient, get_patient, get_risk_screen
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.crisis import triage
from tether.crisis.models import RiskScreen
from tether.crisis.resources import resources_for
from tether.crisis.screener import ScreenInvalid, call_first, record_risk_screen
from tether.crisis.services import open_alert_of, patient_message_after_alert

YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreenerForm(forms.Form):
    """One yes/no per question. A follow-up answered after a "no" is dropped, since the page
    hid it; the service names any question still missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in triage.QUESTIONS:
            self.fields[q.key] = forms.ChoiceField(
                label=q.text,
                help_text=q.hint,
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Question {q.number}: please choose yes or no."},
            )

    def rows(self):
        return [(q, self[q.key]) for q in triage.QUESTIONS]

    def answers(self) -> dict[str, bool]:
        given = {
            key: value == "yes"
            for key, value in self.cleaned_data.items()
            if value in ("yes", "no")
        }
        return {q.key: given[q.key] for q in triage.asked(given) if q.key in given}


def _screen(
    request: AuthenticatedRequest, *, patient, template: str, context: dict, done
) -> HttpResponse:
    alert = open_alert_of(patient)
    form = ScreenerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            screen = record_risk_screen(
                patient=patient, answers=form.answers(), entered_by=request.user, alert=alert
            )
        except ScreenInvalid as invalid:
            for problem in invalid.problems:
                form.add_error(None, problem)
        else:
            return done(screen)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "stem": triage.STEM, "alert": alert, **context}
    return render(request, template, context, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def my_screener(request: AuthenticatedRequest) -> HttpResponse:
    """The patient answers the Columbia screener about themself."""
    patient = get_own_patient(request.user)
    return _screen(
        request,
        patient=patient,
        template="crisis/screener.html",
        context={"patient": patient},
        done=lambda screen: redirect("crisis_screener_done", screen_id=screen.pk),
    )


@patient_required
def my_screener_done(request: AuthenticatedRequest, screen_id) -> HttpResponse:
    """After the screener. High triage: the call button comes first, before anything else."""
    patient = get_own_patient(request.user)
    screen = get_risk_screen(request.user, screen_id)
    high = screen.triage == triage.HIGH
    context = {
        "screen": screen,
        "high": high,
        "after_alert": patient_message_after_alert(screen.alert) if screen.alert else "",
    }
    if high:
        # The page shows the call button, then the resources itself, in that order (these
        # two override the context processor's placement of the resources).
        practice = patient.practice
        resources = resources_for(country=practice.country, practice_slug=practice.slug)
        context |= {"call": call_first(resources), "crisis_first": False}
        context |= {"hide_crisis_footer": True}
    return render(request, "crisis/screener_done.html", context)


@care_staff_required
@require_http_methods(["GET", "POST"])
def staff_screener(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    """Staff read the screener to the patient during a call and record the answers."""
    patient = get_patient(request.user, patient_id)

    def done(screen: RiskScreen):
        messages.success(request, f"Screener saved: triage {screen.get_triage_display().lower()}.")
        if screen.alert_id:
            return redirect("alert_detail", alert_id=screen.alert_id)
        return redirect("staff_patient", patient_id=patient.pk)

    return _screen(
        request,
        patient=patient,
        template="crisis/screener_staff.html",
        context={"patient": patient},
        done=done,
    )
