"""The cohort behind the outcome figures, read in a fixed handful of queries whatever its
size: the episodes started in the period with their scores, contacts, program and intake
call, and the open caseload's latest PHQ-9 by severity band."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery

from tether.assessments.models import Assessment
from tether.care.models import TreatmentEpisode
from tether.care.outcomes.figures import Band
from tether.care.targets import Progress, Score, Thresholds
from tether.engagement.models import Appointment, Enrollment

# PHQ-9 severity bands (Kroenke 2001) for the caseload's distribution.
PHQ9_BANDS = (
    ("0–4", 0, 4),
    ("5–9", 5, 9),
    ("10–14", 10, 14),
    ("15–19", 15, 19),
    ("20–27", 20, 27),
)


@dataclass
class CohortEpisode:
    patient_id: object
    started_on: date
    ended_on: date | None
    guided: bool | None
    intake: bool = False
    scores: dict[str, list[Score]] = field(default_factory=lambda: {"phq9": [], "gad7": []})
    last_contact: date | None = None
    progress: dict[str, Progress] = field(default_factory=dict)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def load_cohort(
    practice_id,
    *,
    start: date,
    end: date,
    program,
    today: date,
    zone: ZoneInfo,
    thresholds: Thresholds,
) -> list[CohortEpisode]:
    """The cohort's episodes with their scores, contacts, program and intake (four queries)."""
    rows = TreatmentEpisode.objects.filter(
        patient__practice_id=practice_id, started_on__gte=start, started_on__lte=end
    )
    if program is not None:
        rows = rows.filter(program=program)
    episodes = [
        CohortEpisode(patient_id=p, started_on=s, ended_on=e, guided=g)
        for p, s, e, g in rows.values_list(
            "patient_id", "started_on", "ended_on", "program__guided"
        )
    ]
    if not episodes:
        return []
    by_patient: dict[object, list[CohortEpisode]] = defaultdict(list)
    for episode in episodes:
        by_patient[episode.patient_id].append(episode)
    patient_ids = list(by_patient)

    def within(patient_id, on: date) -> Iterable[CohortEpisode]:
        return (e for e in by_patient[patient_id] if e.started_on <= on <= (e.ended_on or today))

    def contact(patient_id, on: date) -> None:
        for e in within(patient_id, on):
            e.last_contact = max(e.last_contact or on, on)

    assessments = Assessment.objects.filter(patient_id__in=patient_ids).values_list(
        "patient_id", "instrument", "completed_at", "total", "complete"
    )
    window = timedelta(days=thresholds.baseline_before_days)
    for patient_id, code, completed_at, total, complete in assessments:
        on = local_date(completed_at, zone)
        contact(patient_id, on)
        if code in ("phq9", "gad7") and complete and total is not None:
            # Ordered by the full timestamp; an intake score up to `window` before an episode
            # starts is offered to it as a baseline (targets.episode_scores keeps the latest).
            score = Score(on=on, total=total, at=completed_at)
            for e in by_patient[patient_id]:
                if e.started_on - window <= on <= (e.ended_on or today):
                    e.scores[code].append(score)

    attended = Appointment.objects.filter(
        patient_id__in=patient_ids, attendance=Appointment.Attendance.ATTENDED
    ).values_list("patient_id", "starts_at")
    for patient_id, starts_at in attended:
        contact(patient_id, local_date(starts_at, zone))

    enrollments = Enrollment.objects.filter(patient_id__in=patient_ids).values_list(
        "patient_id", "status", "program__guided", "intake_at", "enrolled_at"
    )
    active_guided: dict[UUID, tuple[datetime, bool]] = {}
    for patient_id, status, guided, intake_at, enrolled_at in enrollments:
        if intake_at is not None:
            held_on = local_date(intake_at, zone)
            for e in by_patient[patient_id]:
                if held_on <= (e.ended_on or today):
                    e.intake = True
        if status == Enrollment.Status.ACTIVE:
            # The most recent active enrollment decides when the episode names no program.
            latest = active_guided.get(patient_id)
            if latest is None or enrolled_at > latest[0]:
                active_guided[patient_id] = (enrolled_at, guided)
    for patient_id, (_, guided) in active_guided.items():
        for e in by_patient[patient_id]:
            if e.guided is None:
                e.guided = guided
    return episodes


def caseload_bands(practice_id, *, program) -> tuple[tuple[Band, ...], int]:
    """The latest PHQ-9 since each open episode started, counted by severity band (one
    query)."""
    latest = (
        Assessment.objects.scored()
        .filter(
            patient_id=OuterRef("patient_id"),
            instrument="phq9",
            completed_at__date__gte=OuterRef("started_on"),
        )
        .order_by("-completed_at")
        .values("total")[:1]
    )
    open_episodes = TreatmentEpisode.objects.filter(
        patient__practice_id=practice_id, ended_on__isnull=True
    )
    if program is not None:
        open_episodes = open_episodes.filter(program=program)
    totals = list(open_episodes.annotate(latest=Subquery(latest)).values_list("latest", flat=True))
    bands = tuple(
        Band(label, sum(1 for t in totals if t is not None and low <= t <= high))
        for label, low, high in PHQ9_BANDS
    )
    return bands, sum(1 for t in totals if t is None)
