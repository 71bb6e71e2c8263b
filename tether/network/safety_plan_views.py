"""The safety plan's pages: read, write (alone or with a clinician in a session), every
earlier version, a one-page print, a wallet card, and the patient's own short-lived link that
opens the plan without signing in after a risk alert."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tether.access import get_own_patient, get_patient, get_patient_by_plan_link
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Patient, Role, User
from tether.crisis.resources import resources_for
from tether.lib.forms import add_problems
from tether.network.display import page_url
from tether.network.forms import SafetyPlanForm
from tether.network.models import SafetyPlan, SupportContact
from tether.network.services import SafetyPlanInvalid, current_safety_plan, save_safety_plan
from tether.network.steps import SAFETY_PLAN_STEPS

CRISIS_LINES_STEP = "professionals"
# A wallet card has room for a few lines per panel; the full plan is one tap away.
CARD_ENTRIES = 4


def crisis_lines(patient: Patient):
    """Return the practice's crisis lines, which step 5 always shows."""
    practice = patient.practice
    resources = resources_for(country=practice.country, practice_slug=practice.slug)
    return [r for r in resources if r.is_crisis_line] or list(resources)


def authorship(plan: SafetyPlan, patient: Patient, *, staff: bool) -> str:
    """Return who wrote this version, e.g. "by you, with Dr. Chen"."""
    them = patient.called if staff else "you"
    if plan.written_by_id == patient.user_id:
        words = f"by {them}"
        if plan.with_clinician is not None:
            words += f", with {plan.with_clinician.display_name}"
        return words
    return f"by {plan.written_by.display_name}, together with {them}"


def plan_steps(plan: SafetyPlan | None) -> list[tuple]:
    """Return (step, entries) for every step, in order."""
    return [(step, getattr(plan, step.field) if plan else []) for step in SAFETY_PLAN_STEPS]


def _plan_context(patient: Patient, plan: SafetyPlan | None, *, staff: bool) -> dict:
    return {
        "patient": patient,
        "staff": staff,
        "plan": plan,
        "steps": plan_steps(plan),
        "crisis_step": CRISIS_LINES_STEP,
        "crisis_lines": crisis_lines(patient),
        "authorship": authorship(plan, patient, staff=staff) if plan else "",
        "urls": {
            name: page_url(name, patient, staff=staff)
            for name in (
                "my_support",
                "safety_plan",
                "safety_plan_edit",
                "safety_plan_history",
                "safety_plan_print",
                "safety_plan_card",
            )
        },
    }


# --- Reading ----------------------------------------------------------------------------------


def _current_plan(request, patient: Patient, *, staff: bool, template: str) -> HttpResponse:
    """Return the current plan rendered with `template` (the page, or the page for paper)."""
    context = _plan_context(patient, current_safety_plan(patient), staff=staff)
    return render(request, template, context)


@patient_required
def safety_plan(request: AuthenticatedRequest) -> HttpResponse:
    return _current_plan(
        request, get_own_patient(request.user), staff=False, template="network/safety_plan.html"
    )


@care_staff_required
def staff_safety_plan(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _current_plan(
        request,
        get_patient(request.user, patient_id),
        staff=True,
        template="network/safety_plan.html",
    )


def _history(request, patient: Patient, *, staff: bool) -> HttpResponse:
    versions = patient.safety_plans.select_related("written_by", "with_clinician")
    context = _plan_context(patient, None, staff=staff)
    context["versions"] = [
        (
            v,
            authorship(v, patient, staff=staff),
            page_url("safety_plan_version", patient, staff=staff, args=(v.version,)),
        )
        for v in versions
    ]
    return render(request, "network/safety_plan_history.html", context)


@patient_required
def safety_plan_history(request: AuthenticatedRequest) -> HttpResponse:
    return _history(request, get_own_patient(request.user), staff=False)


@care_staff_required
def staff_safety_plan_history(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _history(request, get_patient(request.user, patient_id), staff=True)


def _version(request, patient: Patient, version: int, *, staff: bool) -> HttpResponse:
    plan = patient.safety_plans.filter(version=version).first()
    if plan is None:
        raise Http404("No such version.")
    context = _plan_context(patient, plan, staff=staff)
    current = current_safety_plan(patient)
    context["older"] = current is not None and plan.pk != current.pk
    return render(request, "network/safety_plan.html", context)


@patient_required
def safety_plan_version(request: AuthenticatedRequest, version: int) -> HttpResponse:
    return _version(request, get_own_patient(request.user), version, staff=False)


@care_staff_required
def staff_safety_plan_version(
    request: AuthenticatedRequest, patient_id, version: int
) -> HttpResponse:
    return _version(request, get_patient(request.user, patient_id), version, staff=True)


# --- Writing ----------------------------------------------------------------------------------


def _edit(request, patient: Patient, *, staff: bool) -> HttpResponse:
    plan = current_safety_plan(patient)
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                save_safety_plan(
                    patient=patient,
                    steps=form.step_texts(),
                    written_by=request.user,
                    with_clinician=_clinician(request.user) if staff else None,
                )
            except SafetyPlanInvalid as invalid:
                add_problems(form, invalid)
            else:
                whose = f"{patient.called}'s" if staff else "Your"
                messages.success(
                    request, f"{whose} safety plan is saved. Earlier versions are kept."
                )
                return redirect(page_url("safety_plan", patient, staff=staff))
    else:
        form = SafetyPlanForm.for_plan(plan)
    context = _plan_context(patient, plan, staff=staff)
    context["form"] = form
    context["fields"] = [(step, form[step.field]) for step in SAFETY_PLAN_STEPS]
    status = 400 if request.method == "POST" else 200
    return render(request, "network/safety_plan_edit.html", context, status=status)


def _clinician(user: User) -> User | None:
    # A plan made with a clinician in a session says so; a coordinator helps write it.
    return user if user.role == Role.CLINICIAN else None


@patient_required
@require_http_methods(["GET", "POST"])
def safety_plan_edit(request: AuthenticatedRequest) -> HttpResponse:
    return _edit(request, get_own_patient(request.user), staff=False)


@care_staff_required
@require_http_methods(["GET", "POST"])
def staff_safety_plan_edit(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _edit(request, get_patient(request.user, patient_id), staff=True)


# --- On paper ----------------------------------------------------------------------------------


@patient_required
def safety_plan_print(request: AuthenticatedRequest) -> HttpResponse:
    return _current_plan(
        request,
        get_own_patient(request.user),
        staff=False,
        template="network/safety_plan_print.html",
    )


@care_staff_required
def staff_safety_plan_print(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _current_plan(
        request,
        get_patient(request.user, patient_id),
        staff=True,
        template="network/safety_plan_print.html",
    )


STEPS_BY_FIELD = {step.field: step for step in SAFETY_PLAN_STEPS}


def _card_section(plan: SafetyPlan, field: str, limit: int = CARD_ENTRIES) -> dict:
    entries = getattr(plan, field)
    return {
        "step": STEPS_BY_FIELD[field],
        "entries": entries[:limit],
        "more": max(0, len(entries) - limit),
    }


def _readable_phone(e164: str, country: str) -> str:
    number = phonenumbers.parse(e164)
    home = phonenumbers.region_code_for_number(number) == country.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def _people_with_numbers(patient: Patient) -> list[tuple[SupportContact, str]]:
    """Return the active trusted people on the map who have a phone number, so the card has
    numbers to call even when step 4 names people without them."""
    trusted = patient.supports.filter(
        kind=SupportContact.Kind.TRUSTED_PERSON, state=SupportContact.State.ACTIVE
    ).exclude(phone="")
    return [(c, _readable_phone(c.phone, patient.practice.country)) for c in trusted[:3]]


def _card(request, patient: Patient, *, staff: bool) -> HttpResponse:
    plan = current_safety_plan(patient)
    context = _plan_context(patient, plan, staff=staff)
    if plan is not None:
        # In the order the panels are read once unfolded: the front column, then the back.
        # Folded up, the first panel is the front of the card and the crisis lines its back.
        context["panels"] = [
            [_card_section(plan, "warning_signs", 5)],
            [_card_section(plan, "coping_on_my_own", 3), _card_section(plan, "distractions", 2)],
            [_card_section(plan, "people_to_ask", 4)],
            [
                _card_section(plan, "safer_surroundings", 3),
                _card_section(plan, "reasons_for_living", 2),
            ],
        ]
        context["numbers"] = _people_with_numbers(patient)
        # Step 5 keeps the patient's own professionals (their therapist, their GP) beside the
        # practice's crisis lines: the card must not replace them with the lines alone.
        context["own_professionals"] = _card_section(plan, CRISIS_LINES_STEP, 3)
    return render(request, "network/safety_plan_card.html", context)


@patient_required
def safety_plan_card(request: AuthenticatedRequest) -> HttpResponse:
    return _card(request, get_own_patient(request.user), staff=False)


@care_staff_required
def staff_safety_plan_card(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _card(request, get_patient(request.user, patient_id), staff=True)


# --- The patient's own link after a risk alert ------------------------------------------------


@never_cache
@require_GET
def safety_plan_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's plan from a signed link that works for 24 hours without signing in, so a
    hard night doesn't start with a forgotten password."""
    patient = get_patient_by_plan_link(token)
    context = _plan_context(patient, current_safety_plan(patient), staff=False)
    # Whoever holds the link sees the lines of the patient's own practice, not the default.
    context["crisis_resources"] = resources_for(
        country=patient.practice.country, practice_slug=patient.practice.slug
    )
    context["hide_crisis_footer"] = True
    context["by_link"] = True
    try:
        zone = ZoneInfo(patient.practice.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    with timezone.override(zone):
        response = render(request, "network/safety_plan_link.html", context)
    # The token is in the address: keep it out of other sites' logs and search engines.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
