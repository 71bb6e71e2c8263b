"""Where care staff start: what needs them first."""

from django.http import HttpResponse
from django.shortcuts import redirect

from tether.access import visible_alerts
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.crisis.models import RiskAlert


@care_staff_required
def staff_start(request: AuthenticatedRequest) -> HttpResponse:
    """Send coordinators, clinicians and admins to the risk alerts while one they may see
    (their patients', or one they were paged about) is still open; else to the registry,
    which lists their patients most in need first."""
    open_alerts = visible_alerts(request.user).exclude(status=RiskAlert.Status.RESOLVED)
    return redirect("alert_list" if open_alerts.exists() else "registry")
