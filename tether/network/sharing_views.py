"""Suggested sharing on the support pages: staff suggest, the patient shares or sets it aside
(rules in tether.network.sharing)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from tether.access import get_own_patient, get_support
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import NetworkError
from tether.network.sharing import set_suggestions_aside, share_suggested, suggest_sharing
from tether.network.validation import ContactInvalid


def _trusted(contact: SupportContact) -> SupportContact:
    if not contact.is_trusted_person:
        raise Http404("Only a trusted person has sharing choices.")
    return contact


def _anchor(name: str, contact: SupportContact, *args) -> str:
    return reverse(name, args=args) + f"#support-{contact.pk}"


@patient_required
@require_POST
def share_suggested_view(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    """The patient shares one suggestion (`scope`) or, without one, all of them."""
    patient = get_own_patient(request.user)
    contact = _trusted(get_support(request.user, patient.pk, contact_id))
    scope = request.POST.get("scope") or None
    try:
        contact = share_suggested(
            contact=contact, by=request.user, scopes=[scope] if scope else None
        )
    except ContactInvalid as invalid:
        for problem in invalid.problems.values():
            messages.error(request, problem)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        what = ConsentScope(scope).label.lower() if scope else "those"
        if contact.invitation == SupportContact.Invitation.INVITED and contact.email:
            messages.success(
                request, f"Done: {what}. We've emailed {contact.name} an invitation from you."
            )
        else:
            messages.success(request, f"Done: you now share {what} with {contact.name}.")
    return redirect(_anchor("my_support", contact))


@patient_required
@require_POST
def suggestions_aside(request: AuthenticatedRequest, contact_id) -> HttpResponse:
    """The patient says "not now" to the care team's suggestions; nothing is shared."""
    patient = get_own_patient(request.user)
    contact = _trusted(get_support(request.user, patient.pk, contact_id))
    set_suggestions_aside(contact=contact, by=request.user)
    messages.success(request, f"Nothing more is shared with {contact.name}.")
    return redirect(_anchor("my_support", contact))


@care_staff_required
@require_POST
def staff_suggest(request: AuthenticatedRequest, patient_id, contact_id) -> HttpResponse:
    """Care staff suggest what the patient could share; only the patient can share it."""
    contact = _trusted(get_support(request.user, patient_id, contact_id))
    try:
        suggest_sharing(contact=contact, scopes=request.POST.getlist("scopes"), by=request.user)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Saved. {contact.patient.called} will see your suggestion and decides what to share.",
        )
    return redirect(_anchor("staff_support", contact, contact.patient.pk))
