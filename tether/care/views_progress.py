"""The patient's own progress: their PHQ-9 and GAD-7 over time, and in plain, kind words what
the numbers say since their current course of treatment started. No flags, no risk labels:
those are for the care team."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from tether.access import get_own_patient
from tether.assessments.charts import score_chart
from tether.assessments.instruments import GAD7, PHQ9, Instrument
from tether.care.models import thresholds_for
from tether.care.targets import DEFAULTS, Progress, Score, Thresholds, progress
from tether.lib.decorators import patient_required

NOT_YET = (
    "Your score hasn't come down yet. That's common early on, and it's something your care "
    "team looks at with you — it helps them adjust your care."
)
STARTING_POINT = (
    "This is your starting point. After your next check-in, you'll see here how things have "
    "changed since."
)


def progress_in_words(course: Progress, thresholds: Thresholds = DEFAULTS) -> str:
    """Return one warm sentence on what the scores say since the episode started."""
    if course.baseline is None:
        return ""
    if not course.follow_ups:
        return STARTING_POINT
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
def my_progress(request: HttpRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    zone = ZoneInfo(patient.practice.time_zone)
    thresholds = thresholds_for(patient.practice)
    episode = patient.episodes.filter(ended_on__isnull=True).first()
    assessments = list(
        patient.assessments.scored()
        .filter(instrument__in=(PHQ9.code, GAD7.code))
        .order_by("completed_at")
    )
    instruments = []
    for instrument in (PHQ9, GAD7):
        mine = [a for a in assessments if a.instrument == instrument.code]
        course = None
        if episode is not None:
            course = progress(
                [
                    Score(on=a.completed_at.astimezone(zone).date(), total=a.total)
                    for a in mine
                    if a.completed_at.astimezone(zone).date() >= episode.started_on
                ],
                thresholds,
            )
        instruments.append(
            InstrumentProgress(
                instrument=instrument,
                svg=score_chart(instrument, [(a.completed_at, a.total) for a in mine]),
                count=len(mine),
                words=progress_in_words(course, thresholds) if course else "",
                baseline=course.baseline.total if course and course.baseline else None,
                latest=course.latest.total if course and course.latest else None,
            )
        )
    context = {
        "patient": patient,
        "episode": episode,
        "instruments": instruments,
        "has_scores": bool(assessments),
        "today": timezone.localdate(),
    }
    return render(request, "care/my_progress.html", context)
