"""The weekly systematic case review (/staff/case-review/) and the clinician's tasks that come
out of it (/staff/recommendations/).

The review lists the patients with an open episode who need the psychiatric consultant, in
order of need ("not improving" first), and shows for each whether the previous review's
recommendation was carried out. Only clinicians record recommendations; each becomes a task
for the patient's treating clinician, who closes it as carried out or not (with a note).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import (
    get_episode_for_staff,
    get_recommendation,
    may_recommend,
    my_practice,
    visible_recommendations,
)
from tether.access.contact import ContactDetails, contact_details
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import User
from tether.care import services
from tether.care.models import CaseReview, Recommendation
from tether.care.registry import RegistryRow, registry
from tether.care.targets import Flag, Progress
from tether.lib.pagination import Rows, page_of
from tether.lib.text import unstorable_fields

# The flags that bring a patient to the case review, in the order they are discussed:
# changing the plan is the stronger form of not improving, so it comes first.
REVIEW_ORDER = (
    Flag.CHANGE_PLAN,
    Flag.NOT_IMPROVING,
    Flag.RELAPSE,
    Flag.REASSESSMENT_OVERDUE,
    Flag.NO_BASELINE,
)
RECENTLY_CLOSED = 20


def _zone(user: User) -> ZoneInfo:
    practice = user.practice
    return ZoneInfo(practice.time_zone) if practice else ZoneInfo("UTC")


def _chosen_week(request: HttpRequest, today: date) -> date:
    """The Monday of the week asked for in ?week=YYYY-MM-DD; this week when it is missing,
    malformed or in the future (with a message saying so)."""
    this_week = services.week_of(today)
    asked = request.GET.get("week", "").strip()
    if not asked:
        return this_week
    try:
        week = services.week_of(date.fromisoformat(asked))
    except ValueError:
        messages.warning(request, "That is not a date (YYYY-MM-DD); showing this week.")
        return this_week
    if week > this_week:
        messages.warning(request, "That week has not come yet; showing this week.")
        return this_week
    return week


def _scores(progress: Progress | None) -> str:
    """Return "baseline → latest (n% better)" for one instrument, or "—"."""
    if progress is None or progress.baseline is None:
        return "—"
    if not progress.follow_ups or progress.latest is None:
        return f"{progress.baseline.total} (baseline only)"
    text = f"{progress.baseline.total} → {progress.latest.total}"
    if progress.change_percent is None:
        return text
    percent = round(progress.change_percent)
    if percent > 0:
        return f"{text} ({percent}% better)"
    if percent < 0:
        return f"{text} ({-percent}% worse)"
    return f"{text} (no change)"


def _follow_through(previous: Recommendation, week_ends: datetime) -> str:
    """Whether the previous recommendation had been carried out by the end of this review's
    week. A recommendation closed later still counts as not yet carried out for this week."""
    closed_in_time = previous.closed_at is not None and previous.closed_at < week_ends
    if closed_in_time and previous.status == Recommendation.Status.DONE:
        return "Carried out by this review"
    if closed_in_time and previous.status == Recommendation.Status.NOT_DONE:
        return f"Not carried out: {previous.closing_note}"
    return "Not yet carried out"


@dataclass
class ReviewRow:
    registry_row: RegistryRow
    flags: list[str]
    phq9: str
    gad7: str
    previous: Recommendation | None
    follow_through: str
    this_review: Recommendation | None
    contact: ContactDetails | None = None

    @property
    def patient(self):
        return self.registry_row.patient

    @property
    def episode_id(self):
        return self.registry_row.episode_id

    @property
    def weeks_in_treatment(self) -> int | None:
        return self.registry_row.weeks_in_treatment


REVIEW_ROWS_PER_PAGE = 25


def _review_rows(
    user: User, rows: list[RegistryRow], *, week: date, week_ends: datetime
) -> list[ReviewRow]:
    """Return one page of the review: each patient with the latest earlier recommendation
    and this review's one, and how to reach them (one query each for the whole page)."""
    by_episode: dict = defaultdict(list)
    recommendations = (
        visible_recommendations(user)
        .filter(episode_id__in=[row.episode_id for row in rows], review__week_of__lte=week)
        .select_related("review", "recommended_by", "assigned_to")
        .order_by("-review__week_of")
    )
    for recommendation in recommendations:
        by_episode[recommendation.episode_id].append(recommendation)
    contacts = contact_details(user, [row.patient.pk for row in rows])
    found = []
    for row in rows:
        mine = by_episode.get(row.episode_id, [])
        this_review = next((r for r in mine if r.review.week_of == week), None)
        previous = next((r for r in mine if r.review.week_of < week), None)
        found.append(
            ReviewRow(
                registry_row=row,
                flags=row.flag_labels,
                phq9=_scores(row.phq9),
                gad7=_scores(row.gad7),
                previous=previous,
                follow_through=_follow_through(previous, week_ends) if previous else "",
                this_review=this_review,
                contact=contacts.get(row.patient.pk),
            )
        )
    return found


@care_staff_required
def case_review(request: AuthenticatedRequest) -> HttpResponse:
    zone = _zone(request.user)
    now = timezone.now()
    this_week = services.week_of(now.astimezone(zone).date())
    week = _chosen_week(request, now.astimezone(zone).date())
    week_ends = datetime.combine(week + timedelta(days=7), time.min, tzinfo=zone)
    # A past review is shown as it stood at the end of its week.
    as_of = min(now, week_ends - timedelta(microseconds=1))
    # The patients in treatment with a review flag, in the order they are discussed: ranked
    # and paged in the database. (A past week's flags are its last day's, from the facts as
    # recorded now: a score taken since then counts.)
    flagged = registry(request.user, now=as_of, order=REVIEW_ORDER, only_flagged=True)
    practice_id = request.user.practice_id
    review = None
    if practice_id is not None:
        review = (
            CaseReview.objects.filter(practice_id=practice_id, week_of=week)
            .select_related("consultant")
            .first()
        )
    is_current = week == this_week
    rows = Rows(
        flagged.rows,
        lambda found: _review_rows(request.user, found, week=week, week_ends=week_ends),
    )
    page = page_of(rows, request.GET.get("page"), per_page=REVIEW_ROWS_PER_PAGE)
    context = {
        "rows": page.object_list,
        "page": page,
        "week": week,
        "review": review,
        "is_current": is_current,
        "can_recommend": is_current and may_recommend(request.user, request.user.practice_id),
        "previous_week": week - timedelta(days=7),
        "next_week": None if is_current else week + timedelta(days=7),
        "kinds": Recommendation.Kind.choices,
    }
    return render(request, "care/case_review.html", context)


@require_POST
@care_staff_required
def recommend_view(request: AuthenticatedRequest, episode_id) -> HttpResponse:
    # Recommendations come from the psychiatric consultant, a clinician; nobody else may
    # learn whether an episode exists by posting here.
    practice = my_practice(request.user)
    if not may_recommend(request.user, practice.pk):
        raise Http404("Not found.")
    episode = get_episode_for_staff(request.user, episode_id)
    today = timezone.now().astimezone(_zone(request.user)).date()
    review = services.review_for_week(practice=practice, day=today, consultant=request.user)
    try:
        if unstorable := unstorable_fields(text=request.POST.get("text", "")):
            raise services.CareInvalid(unstorable)
        services.recommend(
            review=review,
            episode=episode,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            by=request.user,
        )
    except services.CareInvalid as error:
        for problem in error.problems.values():
            messages.error(request, f"{episode.patient.full_name}: {problem}")
        return redirect("case_review")
    messages.success(
        request,
        f"Recommendation for {episode.patient.full_name} recorded; "
        "it is now a task for their treating clinician.",
    )
    return redirect("case_review")


@care_staff_required
def my_recommendations(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    is_clinician = may_recommend(user, user.practice_id)
    mine = (
        visible_recommendations(user)
        .filter(assigned_to=user)
        .select_related("episode__patient", "recommended_by", "review")
    )
    if not is_clinician:
        mine = mine.none()
    context = {
        "is_clinician": is_clinician,
        "open": list(mine.filter(status=Recommendation.Status.OPEN).order_by("created_at")),
        "closed": list(
            mine.exclude(status=Recommendation.Status.OPEN).order_by("-closed_at")[:RECENTLY_CLOSED]
        ),
    }
    return render(request, "care/my_recommendations.html", context)


@require_POST
@care_staff_required
def close_recommendation_view(request: AuthenticatedRequest, recommendation_id) -> HttpResponse:
    recommendation = get_recommendation(request.user, recommendation_id)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("done", "not_done"):
        messages.error(request, "Choose whether it was carried out.")
        return redirect("my_recommendations")
    try:
        if unstorable := unstorable_fields(note=request.POST.get("note", "")):
            raise services.CareInvalid(unstorable)
        services.close_recommendation(
            recommendation=recommendation,
            done=outcome == "done",
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except services.CareInvalid as error:
        for problem in error.problems.values():
            messages.error(request, problem)
        return redirect("my_recommendations")
    name = recommendation.episode.patient.full_name
    if outcome == "done":
        messages.success(request, f"Marked as carried out for {name}.")
    else:
        messages.success(request, f"Marked as not carried out for {name}, with your note.")
    return redirect("my_recommendations")
