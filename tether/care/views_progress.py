"""The patient's own progress: their PHQ-9 and GAD-7 over time, and in plain, kind words what
the numbers say since their current course of treatment started. No flags, no risk labels:
those are for the care team."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from tether.access import get_own_patient
from tether.access.decorators import patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.assessments.charts import score_chart
from tether.assessments.instruments import GAD7, PHQ9, Instrument
from tether.care.models import thresholds_for
from tether.care.selectors import prompt_contact
from tether.care.targets import DEFAULTS, Progress, Score, Thresholds, episode_scores, progress

NOT_YET = (
    "Your score hasn't come down yet. That's common early on, and it's something your care "
    "team looks at with you — it helps them adjust your care."
)
WENT_UP = (
    "Your score has gone up since you started, from {baseline} to {latest}. That matters — "
    "please let your care team know how you're doing, so they can help adjust your care."
)
UP_SINCE_LAST = (
    "Your score went up since your last check-in, from {previous} to {latest}. Please let "
    "your care team know how you're doing."
)
STARTING_POINT = (
    "This is your starting point. After your next check-in, you'll see here how things have "
    "changed since."
)


def progress_in_words(
    course: Progress, thresholds: Thresholds = DEFAULTS, *, previous: Score | None = None
) -> str:
    """Return one warm, honest sentence on what the scores say since the episode started. A
    rise is said plainly with a suggestion to contact the team (never "common early on");
    `previous` is the score before the latest, when there is one."""
    if course.baseline is None:
        return ""
    if not course.follow_ups:
        return STARTING_POINT
    latest = course.latest.total if course.latest else 0
    if latest > course.baseline.total:
        return WENT_UP.format(baseline=course.baseline.total, latest=latest)
    if previous is not None and latest > previous.total and not course.remission:
        return UP_SINCE_LAST.format(previous=previous.total, latest=latest)
    if course.remission:
        return f"Your score is under {thresholds.remission_below} — that's what we call remission."
    if course.response:
        return "Your score has dropped by half since you started — that's what we call a response."
    if course.change_points and course.change_points > 0:
        points = "point" if course.change_points == 1 else "points"
        return f"Your score has come down {course.change_points} {points} since you started."
    return NOT_YET


@dataclass(frozen=True)
class InstrumentProgress:
    instrument: Instrument
    svg: SafeString
    count: int
    words: str
    baseline: int | None
    latest: int | None


@patient_required
def my_progress(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    zone = ZoneInfo(patient.practice.time_zone)
    thresholds = thresholds_for(patient.practice)
    episode = patient.episodes.filter(ended_on__isnull=True).first()
    assessments = list(
        patient.assessments.scored()
        .filter(instrument__in=(PHQ9.code, GAD7.code))
        .order_by("completed_at", "created_at")
    )
    instruments = []
    for instrument in (PHQ9, GAD7):
        # Scored questionnaires only (the query asks for them), so each has its total.
        mine = [
            (a.completed_at, a.total)
            for a in assessments
            if a.instrument == instrument.code and a.total is not None
        ]
        course, previous = None, None
        if episode is not None:
            scores = episode_scores(
                [Score(on=at.astimezone(zone).date(), total=total, at=at) for at, total in mine],
                started_on=episode.started_on,
                today=timezone.localdate(timezone=zone),
                t=thresholds,
            )
            course = progress(scores, thresholds)
            previous = scores[-2] if len(scores) > 1 else None
        instruments.append(
            InstrumentProgress(
                instrument=instrument,
                svg=score_chart(instrument, mine),
                count=len(mine),
                words=progress_in_words(course, thresholds, previous=previous) if course else "",
                baseline=course.baseline.total if course and course.baseline else None,
                latest=course.latest.total if course and course.latest else None,
            )
        )
    context = {
        "patient": patient,
        "episode": episode,
        "instruments": instruments,
        "has_scores": bool(assessments),
        "prompt_contact": prompt_contact(patient),
        "today": timezone.localdate(),
    }
    return render(request, "care/my_progress.html", context)
