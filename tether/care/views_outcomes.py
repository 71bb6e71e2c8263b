"""The practice's outcomes page: /staff/outcomes/?start=YYYY-MM-DD&end=YYYY-MM-DD&program=<uuid>.

Clinicians and admins only (access.can_see_outcomes); everyone else, coordinators included,
gets a 404. A bad date or an unknown program never fails the page: it says what was wrong and
uses the default (the last 12 months, every program)."""

from datetime import date, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tether.access import can_see_outcomes, my_practice
from tether.accounts.http import AuthenticatedRequest
from tether.care.outcome_charts import caseload_chart, dropout_chart, response_chart
from tether.care.outcomes import practice_outcomes
from tether.engagement.models import Program
from tether.lib.bounds import DATE_MESSAGE, in_range

DEFAULT_DAYS = 365


def _date(raw: str | None, name: str, problems: list[str]) -> date | None:
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        problems.append(f"The {name} date “{raw}” is not a date like 2026-01-31.")
        return None
    if in_range(value) is None:
        problems.append(f"The {name} date: {DATE_MESSAGE}")
    return in_range(value)


def _program(raw: str | None, programs: list[Program], problems: list[str]) -> Program | None:
    if not raw:
        return None
    try:
        wanted = UUID(raw)
    except ValueError:
        wanted = None
    found = next((p for p in programs if p.pk == wanted), None)
    if found is None:
        problems.append("That program was not found, so every program is shown.")
    return found


@login_required
def outcomes_page(request: AuthenticatedRequest) -> HttpResponse:
    if not can_see_outcomes(request.user):
        raise Http404("Outcomes are for clinicians and admins.")
    practice = my_practice(request.user)
    today = timezone.localdate(timezone=ZoneInfo(practice.time_zone))
    problems: list[str] = []
    start = _date(request.GET.get("start"), "start", problems)
    end = _date(request.GET.get("end"), "end", problems)
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        problems.append("The start date is after the end date, so the last 12 months are shown.")
        end, start = today, today - timedelta(days=DEFAULT_DAYS)
    programs = list(Program.objects.filter(practice=practice).order_by("name"))
    program = _program(request.GET.get("program"), programs, problems)

    outcomes = practice_outcomes(request.user, start=start, end=end, program=program, today=today)
    context = {
        "outcomes": outcomes,
        "programs": programs,
        "problems": problems,
        "caseload_svg": caseload_chart(
            outcomes.caseload_bands, unscored=outcomes.caseload_unscored
        ),
        "response_svg": response_chart(outcomes.months),
        "dropout_svg": dropout_chart(
            intake=outcomes.dropout_intake, no_intake=outcomes.dropout_no_intake
        ),
    }
    return render(request, "care/outcomes.html", context)
