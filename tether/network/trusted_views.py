"""The trusted person's pages. They have no account, only signed single-purpose links.

Every view starts with access.get_trusted_contact, which checks the link and the patient's
consent on every request, so a change of heart takes effect on the very next click. These
pages show only what the patient chose to share: never answers, results or alerts.
"""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from tether.access import get_trusted_contact, trusted_scopes
from tether.access.links import Purpose
from tether.crisis.resources import resources_for
from tether.network.models import ConsentScope, SupportContact, scope_for_trusted
from tether.network.services import (
    current_safety_plan,
    record_trusted_check_in,
    respond_to_invitation,
    trusted_link,
)
from tether.network.steps import SAFETY_PLAN_STEPS

TrustedView = Callable[..., HttpResponse]


def trusted_page(view: TrustedView) -> TrustedView:
    """Serve a page reached by a signed link. The token is in the URL, so keep it out of
    search engines, caches and other sites' referrer logs; a link that no longer works gets
    a plain 404 that says so and nothing about why."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            response = view(request, token)
        except Http404:
            response = render(request, "network/trusted/link_gone.html", status=404)
        # The token is in the URL: never send it to another site. (Not "no-referrer": browsers
        # then send "Origin: null" with the page's own forms, and CSRF rightly refuses them.)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)  # includes Cache-Control: no-store
        return response

    return wrapper


def _page(request: HttpRequest, template: str, contact: SupportContact, **context) -> HttpResponse:
    patient = contact.patient
    practice = patient.practice
    return render(
        request,
        template,
        {
            "contact": contact,
            "called": patient.called,
            "full_name": patient.full_name,
            "practice_name": practice.name,
            # The crisis panel in base.html is for signed-in patients; the trusted person
            # gets the lines of the patient's practice in the page itself.
            "crisis_resources": resources_for(
                country=practice.country, practice_slug=practice.slug
            ),
            "hide_crisis_footer": True,
            **context,
        },
    )


def _shared(contact: SupportContact, scopes: set[str]) -> list[str]:
    """Return what the patient shares, worded for the trusted person, in a steady order."""
    called = contact.patient.called
    return [scope_for_trusted(scope, called) for scope in ConsentScope.values if scope in scopes]


@trusted_page
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation: who asks, what they share, yes or no; after a yes, what to do next."""
    contact = get_trusted_contact(token, Purpose.INVITATION)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "decline":
            contact = respond_to_invitation(contact=contact, accept=False)
            # Declining retires every link, this one included, so say thank you here.
            return _page(request, "network/trusted/declined.html", contact)
        if answer == "accept":
            respond_to_invitation(contact=contact, accept=True)
            return redirect(request.path)
    scopes = trusted_scopes(contact)
    accepted = contact.invitation == SupportContact.Invitation.ACCEPTED
    return _page(
        request,
        "network/trusted/invitation.html",
        contact,
        shared=_shared(contact, scopes),
        accepted=accepted,
        check_in_url=(
            trusted_link(contact, Purpose.CHECK_IN)
            if accepted and ConsentScope.NUDGE_CHECK_IN in scopes
            else None
        ),
        safety_plan_url=(
            trusted_link(contact, Purpose.SAFETY_PLAN)
            if accepted and ConsentScope.SEE_SAFETY_PLAN in scopes
            else None
        ),
        tells_missed_sessions=accepted and ConsentScope.MISSED_SESSION in scopes,
    )


class CheckInForm(forms.Form):
    note = forms.CharField(
        label="A short note, if you like",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@trusted_page
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """Let the trusted person say "I checked in", with an optional note. A note that may mean
    the patient is in danger is answered with the crisis lines first."""
    contact = get_trusted_contact(token, Purpose.CHECK_IN)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        recorded = record_trusted_check_in(contact=contact, note=form.cleaned_data["note"])
        if recorded.screening.is_crisis:
            # The crisis lines first, and who will see the note, instead of a plain thanks.
            return _page(
                request, "crisis/screened_trusted.html", contact, note=recorded.check_in.note
            )
        return redirect("trusted_check_in_thanks", token=token)
    return _page(request, "network/trusted/check_in.html", contact, form=form)


@trusted_page
@require_GET
def check_in_thanks(request: HttpRequest, token: str) -> HttpResponse:
    contact = get_trusted_contact(token, Purpose.CHECK_IN)
    return _page(request, "network/trusted/check_in_thanks.html", contact)


@trusted_page
@require_GET
def safety_plan(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's current safety plan, as they wrote it, with the crisis lines."""
    contact = get_trusted_contact(token, Purpose.SAFETY_PLAN)
    plan = current_safety_plan(contact.patient)
    steps = [(step, getattr(plan, step.field)) for step in SAFETY_PLAN_STEPS] if plan else []
    return _page(request, "network/trusted/safety_plan.html", contact, plan=plan, steps=steps)
