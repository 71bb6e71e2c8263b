from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tether.access import get_alert_for_staff, get_own_patient, get_patient
from tether.crisis.forms import RaiseAlertForm, ResolveForm
from tether.crisis.models import RiskAlert
from tether.crisis.selectors import alert_queue
from tether.crisis.services import (
    AlertStateError,
    acknowledge_alert,
    raise_risk_alert,
    resolve_alert,
)
from tether.lib.decorators import care_staff_required, patient_required


def help_now(request: HttpRequest) -> HttpResponse:
    """Crisis lines, one tap away. Open to everyone, signed in or not."""
    return render(request, "crisis/help.html", {"hide_crisis_footer": True})


@patient_required
@require_POST
def not_safe(request: HttpRequest) -> HttpResponse:
    """The patient said "I'm not safe right now": alert the care team, then show help at once."""
    patient = get_own_patient(request.user)
    raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=request.user,
        detail="The patient pressed “I'm not safe right now”.",
    )
    messages.warning(
        request,
        "Thank you for telling us. Your care team has been alerted and will reach out to you.",
    )
    return redirect("help")


@care_staff_required
def alert_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(alert_queue(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "crisis/alert_list.html", {"page": page})


@care_staff_required
def alert_detail(request: HttpRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    return render(
        request,
        "crisis/alert_detail.html",
        {
            "alert": alert,
            "events": alert.events.select_related("actor"),
            "resolve_form": ResolveForm(),
        },
    )


@care_staff_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    try:
        acknowledge_alert(alert=alert, by=request.user)
        messages.success(request, "Alert acknowledged. The team can see you are on it.")
    except AlertStateError as error:
        messages.info(request, str(error))
    return redirect("alert_detail", alert_id=alert.pk)


@care_staff_required
@require_POST
def alert_resolve(request: HttpRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            resolve_alert(alert=alert, by=request.user, note=form.cleaned_data["note"])
        except AlertStateError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "Alert resolved.")
            return redirect("alert_list")
        return redirect("alert_detail", alert_id=alert.pk)
    context = {"alert": alert, "events": alert.events.select_related("actor"), "resolve_form": form}
    return render(request, "crisis/alert_detail.html", context, status=400)


@care_staff_required
@require_POST
def alert_raise(request: HttpRequest, patient_id) -> HttpResponse:
    """Staff can always raise an alert by hand."""
    patient = get_patient(request.user, patient_id)
    form = RaiseAlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["detail"]))
        return redirect("staff_patient", patient_id=patient.pk)
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=request.user,
        detail=form.cleaned_data["detail"],
    )
    messages.warning(request, "Risk alert raised for the care team.")
    return redirect("alert_detail", alert_id=alert.pk)
