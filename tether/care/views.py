from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tether.access import get_own_patient, get_patient
from tether.access.contact import contact_details
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Patient
from tether.assessments.charts import score_chart
from tether.assessments.instruments import GAD7, INSTRUMENTS, PHQ9
from tether.care.selectors import intake_summary, prompt_contact
from tether.care.views_registry import episode_context
from tether.crisis.forms import RaiseAlertForm
from tether.crisis.models import RiskAlert
from tether.peers.selectors import patient_peer_summary


def _history(patient: Patient) -> dict:
    """Return the patient's assessments (newest first) and a chart per full questionnaire."""
    assessments = list(patient.assessments.scored().order_by("-completed_at"))
    charts = []
    for instrument in (PHQ9, GAD7):
        points = [
            (a.completed_at, a.total)
            for a in reversed(assessments)
            if a.instrument == instrument.code and a.total is not None
        ]
        charts.append(
            {"instrument": instrument, "svg": score_chart(instrument, points), "count": len(points)}
        )
    return {"assessments": assessments, "charts": charts}


@care_staff_required
def caseload_page(request: AuthenticatedRequest) -> HttpResponse:
    """The caseload is the registry (a coordinator's registry is their own caseload; a
    clinician's, their patients'): the old address moves there for good, filters and all."""
    query = request.GET.urlencode()
    return redirect(
        f"{reverse('registry')}?{query}" if query else reverse("registry"), permanent=True
    )


@care_staff_required
def staff_patient(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    context = {
        "patient": patient,
        "contact": contact_details(request.user, [patient.pk]).get(patient.pk),
        "care_team": patient.care_team.select_related("staff").order_by("team_role"),
        "active_alerts": patient.risk_alerts.exclude(status=RiskAlert.Status.RESOLVED).order_by(
            "-created_at"
        ),
        "instruments": INSTRUMENTS.values(),
        "raise_form": RaiseAlertForm(),
        "peer_groups": patient_peer_summary(patient=patient, viewer=request.user),
        **_history(patient),
        **episode_context(request.user, patient),
    }
    return render(request, "care/staff_patient.html", context)


@care_staff_required
def intake_summary_page(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    """One printable page for the first conversation with a new patient."""
    patient = get_patient(request.user, patient_id)
    context = {
        "summary": intake_summary(patient),
        "contact": contact_details(request.user, [patient.pk]).get(patient.pk),
    }
    return render(request, "care/intake_summary.html", context)


@patient_required
def patient_home(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    context = {
        "patient": patient,
        "instruments": [PHQ9, GAD7],
        "prompt_contact": prompt_contact(patient),
        **_history(patient),
    }
    return render(request, "care/patient_home.html", context)
