"""The patient's calendar feed: the secret .ics link itself, and resetting it. The link is
shown on the patient's "How we contact you" page (engagement_tags.calendar_link)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from tether.access import get_own_patient
from tether.access.decorators import patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.engagement.calendar import BadFeedLink, calendar_for, patient_for_token, reset_feed


@patient_required
@require_POST
def calendar_reset(request: AuthenticatedRequest) -> HttpResponse:
    reset_feed(get_own_patient(request.user))
    messages.success(request, "Your calendar link has been reset. The old link no longer works.")
    return redirect("notification_preferences")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # No sign-in: the signed token in the link is the key (see calendar.py).
    try:
        patient = patient_for_token(token)
    except BadFeedLink:
        raise Http404("This calendar link has been reset or does not exist.") from None
    response = HttpResponse(calendar_for(patient), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tether.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
