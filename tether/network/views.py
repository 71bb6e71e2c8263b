"""The "My support" pages: the map drawn as five layers, the personal plan, and the patient's
supports and trusted people. Each page exists twice, for the patient (/me/support/...) and
for care staff working with them (/staff/patients/<id>/support/...); both go through the
access module and share one implementation that takes `staff`."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tether.access import get_own_patient, get_patient, get_support
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Patient
from tether.crisis.resources import resources_for
from tether.crisis.views_screening import help_first
from tether.lib.forms import add_problems
from tether.network.display import ADD_LABEL, LAYER_KIND, network_context, page_url
from tether.network.forms import CrisisLineChoiceForm, HelpWantedForm, SharingForm, SupportForm
from tether.network.layers import LAYER_ORDER
from tether.network.models import KIND_LAYER, ConsentScope, SupportContact
from tether.network.services import (
    NetworkError,
    add_support,
    invite_trusted_person,
    remove_support,
    set_consent,
    set_help_wanted,
    update_support,
    withdraw_consent,
)
from tether.network.validation import ContactInvalid

# --- The page --------------------------------------------------------------------------


def _support_page(request, patient: Patient, *, staff: bool, help_form=None, status=200):
    context = network_context(patient, staff=staff)
    if not staff:
        context["help_form"] = help_form or HelpWantedForm(initial={"text": patient.help_wanted})
    return render(request, "network/my_support.html", context, status=status)


@patient_required
def my_support(request: AuthenticatedRequest) -> HttpResponse:
    return _support_page(request, get_own_patient(request.user), staff=False)


@care_staff_required
def staff_support(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _support_page(request, get_patient(request.user, patient_id), staff=True)


@patient_required
@require_POST
def help_wanted(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    form = HelpWantedForm(request.POST)
    if form.is_valid():
        try:
            screening = set_help_wanted(patient=patient, text=form.cleaned_data["text"])
        except NetworkError as error:
            form.add_error("text", str(error))
        else:
            if screening.is_crisis:
                # Help first, instead of "before your call"; the words are saved.
                return help_first(request, screening=screening, back=reverse("my_support"))
            messages.success(request, "Thank you. Your care team will see this before your call.")
            return redirect("my_support")
    return _support_page(request, patient, staff=False, help_form=form, status=400)


# --- Adding, changing and removing supports ----------------------------------------------


def _kind(kind: str) -> str:
    if kind not in SupportContact.Kind.values:
        raise Http404("No such kind of support.")
    return kind


def _choose_kind(request, patient: Patient, *, staff: bool) -> HttpResponse:
    kinds = [
        (
            SupportContact.Kind(kind),
            KIND_LAYER[kind],
            page_url("support_add_kind", patient, staff=staff, args=(kind,)),
        )
        for kind in (LAYER_KIND[layer] for layer in LAYER_ORDER)
    ]
    context = {"patient": patient, "staff": staff, "kinds": kinds}
    context["support_url"] = page_url("my_support", patient, staff=staff)
    return render(request, "network/support_choose.html", context)


@patient_required
def support_add(request: AuthenticatedRequest) -> HttpResponse:
    return _choose_kind(request, get_own_patient(request.user), staff=False)


@care_staff_required
def staff_support_add(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    return _choose_kind(request, get_patient(request.user, patient_id), staff=True)


def _crisis_lines(patient: Patient):
    return resources_for(country=patient.practice.country, practice_slug=patient.practice.slug)


def _add(request, patient: Patient, kind: str, *, staff: bool) -> HttpResponse:
    kind = _kind(kind)
    is_crisis = kind == SupportContact.Kind.CRISIS_RESOURCE
    lines = _crisis_lines(patient) if is_crisis else ()
    picked = request.method == "POST" and request.POST.get("source") == "directory"
    form = SupportForm(request.POST if request.method == "POST" and not picked else None, kind=kind)
    choice = CrisisLineChoiceForm(request.POST if picked else None, resources=lines)
    if request.method == "POST":
        try:
            if picked:
                contact = _save_chosen_line(choice, patient=patient, by=request.user)
            elif form.is_valid():
                contact = add_support(
                    patient=patient, kind=kind, by=request.user, **form.service_kwargs()
                )
            else:
                contact = None
        except ContactInvalid as invalid:
            add_problems(form, invalid)
            contact = None
        if contact is not None:
            messages.success(request, f"{contact.name} is on your map now.")
            if not staff and contact.is_trusted_person:
                return redirect("support_invite", contact_id=contact.pk)
            return redirect(page_url("my_support", patient, staff=staff))
    context = {
        "patient": patient,
        "staff": staff,
        "kind": SupportContact.Kind(kind),
        "heading": ADD_LABEL[kind],
        "layer": KIND_LAYER[kind],
        "form": form,
        "choice": choice if is_crisis else None,
        "support_url": page_url("my_support", patient, staff=staff),
        "choose_url": page_url("support_add", patient, staff=staff),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "network/support_form.html", context, status=status)


def _save_chosen_line(choice: CrisisLineChoiceForm, *, patient: Patient, by):
    if not choice.is_valid():
        return None
    line = choice.resources[choice.cleaned_data["resource"]]
    # Short numbers such as 988 are not phone numbers a validator accepts, so how to reach
    # the line is kept in words, exactly as the practice's directory says it.
    reach = " · ".join(c.label for c in line.contacts)
    return add_support(
        patient=patient,
        kind=SupportContact.Kind.CRISIS_RESOURCE,
        name=line.name,
        details=reach,
        by=by,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def support_add_kind(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    return _add(request, get_own_patient(request.user), kind, staff=False)


@care_staff_required
@require_http_methods(["GET", "POST"])
def staff_support_add_kind(request: AuthenticatedRequest, patient_id, kind: str) -> HttpResponse:
    return _add(request, get_patient(request.user, patient_id), kind, staff=True)


def _edit(request, contact: SupportContact, *, staff: bool) -> HttpResponse:
    patient = contact.patient
    if request.method == "POST":
        form = SupportForm(request.POST, kind=contact.kind)
        if form.is_valid():
            try:
                update_support(contact=contact, by=request.user, **form.service_kwargs())
            except ContactInvalid as invalid:
                add_problems(form, invalid)
            else:
                messages.success(request, f"Saved the changes to {contact.name}.")
                return redirect(page_url("my_support", patient, staff=staff))
        # Nothing was saved: show what was on record before the attempt.
        contact.refresh_from_db()
    else:
        initial = {name: getattr(contact, name) for name in SupportForm.base_fields}
        form = SupportForm(initial=initial, kind=contact.kind)
    context = {
        "patient": patient,
        "staff": staff,
        "contact": contact,
        "kind": SupportContact.Kind(contact.kind),
        "layer": contact.layer,
        "form": form,
        "support_url": page_url("my_support", patient, staff=staff),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "network/support_form.html", context, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def support_edit(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    patient = get_own_patient(request.user)
    return _edit(request, get_support(request.user, patient.pk, contact_id), staff=False)


@care_staff_required
@require_http_methods(["GET", "POST"])
def staff_support_edit(request: AuthenticatedRequest, patient_id, contact_id) -> HttpResponse:
    return _edit(request, get_support(request.user, patient_id, contact_id), staff=True)


def _remove(request, contact: SupportContact, *, staff: bool) -> HttpResponse:
    patient = contact.patient
    if request.method == "POST":
        name = contact.name
        remove_support(contact=contact, by=request.user)
        messages.success(request, f"{name} is off your map.")
        return redirect(page_url("my_support", patient, staff=staff))
    context = {
        "patient": patient,
        "staff": staff,
        "contact": contact,
        "support_url": page_url("my_support", patient, staff=staff),
    }
    return render(request, "network/support_remove.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def support_remove(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    patient = get_own_patient(request.user)
    return _remove(request, get_support(request.user, patient.pk, contact_id), staff=False)


@care_staff_required
@require_http_methods(["GET", "POST"])
def staff_support_remove(request: AuthenticatedRequest, patient_id, contact_id) -> HttpResponse:
    return _remove(request, get_support(request.user, patient_id, contact_id), staff=True)


# --- Trusted people: inviting them and what is shared ------------------------------------


def _own_trusted_person(request: AuthenticatedRequest, contact_id) -> SupportContact:
    patient = get_own_patient(request.user)
    contact = get_support(request.user, patient.pk, contact_id)
    if not contact.is_trusted_person:
        raise Http404("Only a trusted person can be invited.")
    return contact


def _sharing_page(request, contact: SupportContact, form: SharingForm, *, inviting: bool):
    context = {
        "patient": contact.patient,
        "contact": contact,
        "form": form,
        "inviting": inviting,
        "edit_url": reverse("support_edit", args=[contact.pk]),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "network/support_sharing.html", context, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def support_invite(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    """Ask a trusted person to be part of the patient's support, sharing what they choose."""
    contact = _own_trusted_person(request, contact_id)
    if request.method == "GET":
        initial = {"scopes": [ConsentScope.NUDGE_CHECK_IN], "check_in_every_days": 7}
        return _sharing_page(request, contact, SharingForm(initial=initial), inviting=True)
    form = SharingForm(request.POST)
    if form.is_valid():
        try:
            contact = invite_trusted_person(
                contact=contact,
                scopes=form.cleaned_data["scopes"],
                check_in_every_days=form.cleaned_data["check_in_every_days"],
                by=request.user,
            )
        except ContactInvalid as invalid:
            for problem in invalid.problems.values():
                form.add_error(None, problem)
        except NetworkError as error:
            form.add_error("scopes", str(error))
        else:
            if contact.email:
                messages.success(request, f"We've emailed {contact.name} an invitation.")
            else:
                messages.info(
                    request,
                    f"{contact.name} has no email address with us, so we didn't send anything. "
                    "Copy their invitation link below and send it to them yourself.",
                )
            return redirect(reverse("my_support") + f"#support-{contact.pk}")
    return _sharing_page(request, contact, form, inviting=True)


@patient_required
@require_http_methods(["GET", "POST"])
def support_sharing(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    """Change what the patient shares with a trusted person; the change applies at once."""
    contact = _own_trusted_person(request, contact_id)
    if contact.invitation not in (
        SupportContact.Invitation.INVITED,
        SupportContact.Invitation.ACCEPTED,
    ):
        return redirect("support_invite", contact_id=contact.pk)
    if request.method == "GET":
        active = [c.scope for c in contact.consents.filter(withdrawn_at__isnull=True)]
        initial = {"scopes": active, "check_in_every_days": contact.check_in_every_days or 7}
        return _sharing_page(request, contact, SharingForm(initial=initial), inviting=False)
    form = SharingForm(request.POST)
    if form.is_valid():
        try:
            set_consent(
                contact=contact,
                scopes=form.cleaned_data["scopes"],
                check_in_every_days=form.cleaned_data["check_in_every_days"],
                by=request.user,
            )
        except NetworkError as error:
            form.add_error("scopes", str(error))
        else:
            if form.cleaned_data["scopes"]:
                messages.success(request, f"Saved. {contact.name} sees only what you chose, now.")
            else:
                messages.success(request, f"You've stopped sharing anything with {contact.name}.")
            return redirect(reverse("my_support") + f"#support-{contact.pk}")
    return _sharing_page(request, contact, form, inviting=False)


@patient_required
@require_POST
def support_stop_sharing(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    """Stop sharing anything with a trusted person. Their links stop working at once."""
    contact = _own_trusted_person(request, contact_id)
    withdraw_consent(contact=contact, by=request.user)
    messages.success(
        request,
        f"You've stopped sharing with {contact.name}. Any link they have stops working now. "
        "They stay on your map; you can invite them again whenever you like.",
    )
    return redirect(reverse("my_support") + f"#support-{contact.pk}")
