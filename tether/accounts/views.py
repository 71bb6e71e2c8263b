from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each person to where their work starts: a patient to their page; a peer
    supporter to theirs (posts to review, outreach, groups); care staff to what needs them
    first (tether.care.views_home.staff_start: open risk alerts, else the registry)."""
    user = request.user
    if user.role == Role.PATIENT:
        return redirect("patient_home")
    if user.role == Role.PEER_SUPPORTER and user.practice_id is not None:
        return redirect("peer_home")
    if user.is_care_staff:
        return redirect("staff_start")
    return redirect("help")


def sign_in_paused(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Answer a sign-in attempt while sign-in is paused (django-axes's AXES_LOCKOUT_CALLABLE;
    tether/accounts/throttle.py): say so in plain words and what to do, with the crisis
    lines. The page and status are the same whether or not the username is an account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/sign_in_paused.html", {"minutes": minutes}, status=429)
