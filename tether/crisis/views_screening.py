"""Pages around screened free text (crisis.screening).

- `help_first` (and crisis/screened_trusted.html for a trusted person): what a writer sees
  instead of the ordinary reply when their words may show someone in danger (routes without
  a moderator: the experience description, what the patient would like help with, a trusted
  person's check-in note). The words are saved either way; the page says honestly who will
  see them.
- `/staff/screened/`: the care team's review list of concern and crisis texts from those
  routes, for the patients the user may see, with "Mark as seen".
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tether.access import get_screened_text_for_staff, visible_screened_texts
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.crisis.models import RiskAlert, ScreenedText
from tether.crisis.patient_message import patient_message_after_alert
from tether.crisis.screening import MODERATED_ROUTES, Screening, mark_screened_text_seen
from tether.lib.pagination import page_of

PAGE_SIZE = 25


def after_alert_message(alert: RiskAlert | None) -> str:
    """Return what the patient is told after their words raised (or added to) `alert`: what
    will actually happen, and when (crisis.patient_message)."""
    if alert is None:
        return AFTER_NO_ALERT
    return patient_message_after_alert(alert)


# A crisis result always comes with an alert; this is said only should one ever not.
AFTER_NO_ALERT = (
    "Your care team will see what you wrote. If you feel you might act on these thoughts, "
    "please call or text a crisis line now: you don't have to wait for us."
)


def help_first(request: HttpRequest, *, screening: Screening, back: str) -> HttpResponse:
    """Render the crisis resources first, with the patient's own words and what happens next,
    instead of the route's ordinary reply. `back`: where "Back" goes."""
    context = {
        "screened": screening.screened,
        "after_alert": after_alert_message(screening.alert),
        "back": back,
        "crisis_first": True,
    }
    return render(request, "crisis/screened_help.html", context)


def _review_list(user):
    return (
        visible_screened_texts(user)
        .filter(reviewed_at__isnull=True)
        .exclude(route__in=MODERATED_ROUTES)
        .select_related("patient", "alert")
        .order_by("-tier", "-created_at", "pk")  # "crisis" sorts after "concern": reversed
    )


@care_staff_required
@require_http_methods(["GET", "POST"])
def screened_list(request: AuthenticatedRequest) -> HttpResponse:
    """Unreviewed concern and crisis texts from routes without a moderator. POST `screened`
    (an id) marks one as seen."""
    if request.method == "POST":
        screened = get_screened_text_for_staff(request.user, request.POST.get("screened", ""))
        mark_screened_text_seen(screened=screened, by=request.user)
        messages.success(request, f"Marked as seen: {screened.patient.full_name}.")
        return redirect("screened_texts")
    page = page_of(_review_list(request.user), request.GET.get("page"), per_page=PAGE_SIZE)
    context = {"page": page, "tiers": ScreenedText.Tier}
    return render(request, "crisis/screened_list.html", context)
