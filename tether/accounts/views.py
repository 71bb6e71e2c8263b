from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect

from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each person to where their work starts."""
    if request.user.role == Role.PATIENT:
        return redirect("patient_home")
    if request.user.is_care_staff:
        return redirect("registry")
    return redirect("help")
