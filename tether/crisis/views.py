from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import (
    get_alert_for_staff,
    get_own_patient,
    get_patient,
    get_shift_for_admin,
    may_change_rota,
    my_practice,
    posts_for_alert,
    visible_screened_texts,
)
from tether.access.contact import contact_details
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import User
from tether.accounts.selectors import practice_staff
from tether.crisis.forms import RaiseAlertForm, ResolveForm
from tether.crisis.models import RiskAlert
from tether.crisis.patient_message import help_page_promise, patient_message_after_alert
from tether.crisis.rota import ON_CALL_ROLES, shifts_held_by_others
from tether.crisis.selectors import (
    alert_events,
    alert_queue,
    format_duration,
    response_times,
    rota,
)
from tether.crisis.services import (
    AlertStateError,
    ShiftInvalid,
    acknowledge_alert,
    add_shift,
    on_call_at,
    practice_paging_problems,
    raise_risk_alert,
    remove_shift,
    resolve_alert,
    rota_gaps,
)
from tether.lib.forms import form_field, within_calendar
from tether.lib.pagination import page_of


def help_now(request: HttpRequest) -> HttpResponse:
    """Crisis lines, one tap away. Open to everyone, signed in or not."""
    practice = request.user.practice if request.user.is_authenticated else None
    promise = help_page_promise(practice, now=timezone.now()) if practice else ""
    return render(
        request, "crisis/help.html", {"hide_crisis_footer": True, "not_safe_promise": promise}
    )


@patient_required
@require_POST
def not_safe(request: AuthenticatedRequest) -> HttpResponse:
    """The patient said "I'm not safe right now": alert the care team (or add to the alert
    already open), then show help at once and say what will actually happen."""
    patient = get_own_patient(request.user)
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=request.user,
        detail="The patient pressed “I'm not safe right now”.",
    )
    messages.warning(request, patient_message_after_alert(alert))
    return redirect("help")


def _rota_warnings(user: User, *, now) -> dict:
    """Gaps in the next 14 days' rota and paging problems, for the practice admin."""
    practice = user.practice
    if practice is None or not may_change_rota(user, practice.pk):
        return {"rota_gaps": [], "paging_problems": []}
    return {
        "rota_gaps": rota_gaps(practice, now=now),
        "paging_problems": practice_paging_problems(practice),
    }


@care_staff_required
def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    page = page_of(alert_queue(request.user), request.GET.get("page"))
    context = {
        "page": page,
        # Words from routes without a moderator that someone on the team should read.
        "unread_screened": visible_screened_texts(request.user)
        .filter(reviewed_at__isnull=True)
        .count(),
        **_rota_warnings(request.user, now=timezone.now()),
    }
    return render(request, "crisis/alert_list.html", context)


@care_staff_required
def alert_detail(request: AuthenticatedRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    return render(
        request,
        "crisis/alert_detail.html",
        {
            "alert": alert,
            "contact": contact_details(request.user, [alert.patient_id]).get(alert.patient_id),
            "events": alert_events(alert),
            "time_to_ack": _time_to_ack(alert),
            "resolve_form": ResolveForm(),
            "alert_posts": posts_for_alert(request.user, alert),
            "follow_up": alert.follow_up_tasks.select_related("assigned_to").first(),
        },
    )


def _time_to_ack(alert: RiskAlert) -> str | None:
    waited = alert.time_to_acknowledge
    return None if waited is None else format_duration(waited.total_seconds())


@care_staff_required
@require_POST
def alert_acknowledge(request: AuthenticatedRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    try:
        acknowledge_alert(alert=alert, by=request.user)
        messages.success(request, "Alert acknowledged. The team can see you are on it.")
    except AlertStateError as error:
        messages.info(request, str(error))
    return redirect("alert_detail", alert_id=alert.pk)


@care_staff_required
@require_POST
def alert_resolve(request: AuthenticatedRequest, alert_id) -> HttpResponse:
    alert = get_alert_for_staff(request.user, alert_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            resolve_alert(alert=alert, by=request.user, note=form.cleaned_data["note"])
        except AlertStateError as error:
            messages.info(request, str(error))
        else:
            messages.success(
                request, "Alert resolved. A follow-up contact is now in the outreach queue."
            )
            return redirect("alert_list")
        return redirect("alert_detail", alert_id=alert.pk)
    context = {
        "alert": alert,
        "events": alert_events(alert),
        "time_to_ack": _time_to_ack(alert),
        "resolve_form": form,
        "alert_posts": posts_for_alert(request.user, alert),
        "follow_up": alert.follow_up_tasks.select_related("assigned_to").first(),
    }
    return render(request, "crisis/alert_detail.html", context, status=400)


@care_staff_required
@require_POST
def alert_raise(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    """Staff can always raise an alert by hand."""
    patient = get_patient(request.user, patient_id)
    form = RaiseAlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["detail"]))
        return redirect("staff_patient", patient_id=patient.pk)
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=request.user,
        detail=form.cleaned_data["detail"],
    )
    messages.warning(request, "Risk alert raised for the care team.")
    return redirect("alert_detail", alert_id=alert.pk)


# --- On-call rota and response times ---------------------------------------------------------


NOT_ON_CALL = (
    "Choose one of the practice's clinicians or admins: the on-call person must be a "
    "clinician (or a practice admin) with an active account, because risk alerts page them."
)


class _StaffField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class ShiftForm(forms.Form):
    """Times are entered in the practice's time zone."""

    clinician = _StaffField(queryset=User.objects.none(), label="On call")
    backup = _StaffField(queryset=User.objects.none(), required=False)
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[within_calendar],
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[within_calendar],
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who may be paged for risk alerts are offered (not peer supporters nor
        # coordinators); the service checks again. Another practice's staff are not choices.
        staff = practice_staff(practice.pk, *ON_CALL_ROLES)
        for name in ("clinician", "backup"):
            field = form_field(self, name, forms.ModelChoiceField)
            field.queryset = staff.order_by("last_name", "first_name")
            field.error_messages["invalid_choice"] = NOT_ON_CALL


@care_staff_required
def on_call(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's on-call rota: who is on call now and next. The admin adds and removes
    shifts here."""
    practice = my_practice(request.user)
    is_admin = may_change_rota(request.user, practice.pk)
    tz = ZoneInfo(practice.time_zone)
    status = 200
    form = None
    if is_admin:
        with timezone.override(tz):
            form = ShiftForm(request.POST or None, practice=practice)
            if request.method == "POST":
                if form.is_valid():
                    try:
                        add_shift(practice=practice, by=request.user, **form.cleaned_data)
                    except ShiftInvalid as error:
                        form.add_error(None, str(error))
                    else:
                        messages.success(request, "Shift added to the rota.")
                        return redirect("on_call")
                status = 400
    elif request.method == "POST":
        raise Http404("Not found.")
    now = timezone.now()
    with timezone.override(tz):
        return render(
            request,
            "crisis/on_call.html",
            {
                "shifts": rota(practice, now=now),
                "current": on_call_at(practice, now),
                "rota_gaps": rota_gaps(practice, now=now),
                "not_on_call": shifts_held_by_others(practice, now=now) if is_admin else [],
                "paging_problems": practice_paging_problems(practice) if is_admin else [],
                "form": form,
                "is_admin": is_admin,
                "time_zone": practice.time_zone,
            },
            status=status,
        )


@care_staff_required
@require_POST
def on_call_remove(request: AuthenticatedRequest, shift_id) -> HttpResponse:
    shift = get_shift_for_admin(request.user, shift_id)
    try:
        remove_shift(shift=shift, by=request.user)
    except ShiftInvalid as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Shift removed from the rota.")
    return redirect("on_call")


@care_staff_required
def alert_response_times(request: AuthenticatedRequest) -> HttpResponse:
    """How fast the practice acknowledges risk alerts this month."""
    practice = my_practice(request.user)
    summary = response_times(practice, now=timezone.now())
    figures = [
        ("Median", format_duration(summary.median_seconds)),
        ("90th percentile", format_duration(summary.p90_seconds)),
        ("Longest", format_duration(summary.longest_seconds)),
    ]
    with timezone.override(ZoneInfo(practice.time_zone)):
        return render(
            request,
            "crisis/response_times.html",
            {"summary": summary, "figures": figures, "practice": practice},
        )
