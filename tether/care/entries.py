"""Registry entries (models.RegistryEntry): gathering a patient's facts from the source
records, judging them with the pure rules of targets.py, and storing the result.

`refresh_entries` is called in the same transaction as every write that changes a fact
(care.signals: a score, an episode, an alert, an appointment, an enrollment's intake call,
an outreach attempt) and after bulk loads that bypass signals (the demo, the benchmarks).
`patient_facts` is also how a single patient's page reads the same facts live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tether.accounts.models import Patient, Practice
from tether.assessments.models import Assessment
from tether.care.contact import last_contact_at
from tether.care.models import RegistryCourse, RegistryEntry, TreatmentEpisode, thresholds_for
from tether.care.need import MISSED_WINDOW, stamp
from tether.care.targets import (
    DEFAULTS,
    EpisodeStatus,
    Progress,
    Score,
    Thresholds,
    episode_scores,
    episode_status,
    first_contact_due_by,
    has_severe_latest_score,
    is_not_improving,
    is_relapsing,
    latest_score_on,
    progress,
    treatment_targets,
)
from tether.crisis.models import RiskAlert
from tether.engagement.models import Appointment

# Keyed by the triage value the field holds (a RiskAlert.Triage member is that str).
TRIAGE_RANK: dict[str, int] = {
    RiskAlert.Triage.HIGH: 3,
    RiskAlert.Triage.MODERATE: 2,
    RiskAlert.Triage.LOW: 1,
}
BATCH = 500  # patients per refresh batch (SQLite allows 32,766 query parameters)
INSTRUMENTS = ("phq9", "gad7")


@dataclass
class Facts:
    """What the rules need to know about one patient, read from the source records."""

    episode: TreatmentEpisode | None = None
    scores: dict[str, list[Score]] = field(default_factory=lambda: {c: [] for c in INSTRUMENTS})
    last_contact_at: datetime | None = None
    open_alert: bool = False
    triage: str = ""  # the highest triage among the open alerts
    last_missed_at: datetime | None = None

    def missed_since(self, since: datetime) -> bool:
        return self.last_missed_at is not None and self.last_missed_at >= since


def patient_facts(
    patient_ids: Sequence[UUID], *, zone: ZoneInfo, until: date | None = None
) -> dict[UUID, Facts]:
    """Return the facts of each listed patient (a constant number of queries). Scores are read
    from a little before each open episode's start (the intake window) up to `until`."""
    found: dict[UUID, Facts] = defaultdict(Facts)
    ids = list(patient_ids)
    for episode in TreatmentEpisode.objects.filter(patient_id__in=ids, ended_on__isnull=True):
        found[episode.patient_id].episode = episode
    starts = {pid: f.episode.started_on for pid, f in found.items() if f.episode}
    for patient_id, scores in episode_scores_of(starts, zone=zone, until=until).items():
        found[patient_id].scores = scores
    for patient_id, at in last_contact_at(ids).items():
        found[patient_id].last_contact_at = at
    open_alerts = RiskAlert.objects.filter(patient_id__in=ids).exclude(
        status=RiskAlert.Status.RESOLVED
    )
    for patient_id, triage in open_alerts.order_by().values_list("patient_id", "triage"):
        facts = found[patient_id]
        facts.open_alert = True
        if TRIAGE_RANK.get(triage, 0) > TRIAGE_RANK.get(facts.triage, 0):
            facts.triage = triage
    missed = (
        Appointment.objects.filter(patient_id__in=ids, attendance=Appointment.Attendance.MISSED)
        .values("patient_id")
        .annotate(latest=Max("starts_at"))
        .order_by()
        .values_list("patient_id", "latest")
    )
    for patient_id, at in missed:
        found[patient_id].last_missed_at = at
    return {pid: found[pid] for pid in ids}


def episode_scores_of(
    starts: dict[UUID, date], *, zone: ZoneInfo, until: date | None = None
) -> dict[UUID, dict[str, list[Score]]]:
    """Return the PHQ-9 and GAD-7 scores of each patient from a little before the given start
    of their episode (its intake window) up to `until`, in one query."""
    found: dict[UUID, dict[str, list[Score]]] = {
        pid: {c: [] for c in INSTRUMENTS} for pid in starts
    }
    if not starts:
        return found
    # The intake window is the same for every practice (not a practice setting). A plain
    # datetime bound, not __date, so the (patient, instrument, completed_at) index is used;
    # a day's margin for the time zone: the exact window is episode_scores'.
    window = timedelta(days=DEFAULTS.baseline_before_days + 1)
    since = datetime.combine(min(starts.values()) - window, time.min, tzinfo=zone)
    scores = Assessment.objects.scored().filter(
        patient_id__in=list(starts), instrument__in=INSTRUMENTS, completed_at__gte=since
    )
    if until is not None:
        scores = scores.filter(completed_at__lt=_midnight_after(until, zone))
    rows = scores.order_by().values_list("patient_id", "instrument", "completed_at", "total")
    for patient_id, code, at, total in rows:
        if total is not None:  # scored() keeps complete questionnaires only
            found[patient_id][code].append(Score(on=at.astimezone(zone).date(), total=total, at=at))
    return found


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def courses(facts: Facts, *, started_on: date, t: Thresholds) -> tuple[Progress, Progress]:
    """Return the PHQ-9 and GAD-7 course of an episode started on `started_on`, with every
    score since (none is ever in the future: a score is stored when it is taken)."""
    phq, gad = (
        progress(episode_scores(facts.scores[c], started_on=started_on, today=date.max, t=t), t)
        for c in INSTRUMENTS
    )
    return phq, gad


def judged(
    facts: Facts, *, today: date, now: datetime, zone: ZoneInfo, t: Thresholds
) -> EpisodeStatus:
    """Return targets.episode_status of the patient's open episode on `today` (`now` for the
    missed-session window), from their facts: what a single patient's page shows."""
    if facts.episode is None:
        raise ValueError("The patient has no open episode.")
    contact = facts.last_contact_at
    return episode_status(
        started_on=facts.episode.started_on,
        today=today,
        phq9=facts.scores["phq9"],
        gad7=facts.scores["gad7"],
        last_contact_on=contact.astimezone(zone).date() if contact else None,
        open_alert=facts.open_alert,
        missed_session=facts.missed_since(now - MISSED_WINDOW),
        thresholds=t,
    )


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def entry_for(
    patient: Patient, facts: Facts, *, zone: ZoneInfo, t: Thresholds
) -> tuple[RegistryEntry, RegistryCourse]:
    """Return the registry entry and course of one patient's facts, judged by the rules of
    targets.py.

    Each time-bound rule becomes the first day it holds: `is_not_improving` from 8 weeks
    after the start when a target shows neither response nor remission, "change the plan"
    from 10 weeks (and not before "not improving"), reassessment due 2 weeks and overdue more
    than 4 weeks after the latest score, contact overdue more than 4 weeks after the last
    contact in the episode (or after the start without one). care.need compares them with
    today; a test holds the result equal to targets.episode_status on every day."""
    patient_id = patient.pk
    missed = facts.last_missed_at
    entry = RegistryEntry(
        patient_id=patient_id,
        practice_id=patient.practice_id,
        last_name=patient.last_name,
        first_name=patient.first_name,
        last_contact_at=facts.last_contact_at,
        open_alert=facts.open_alert,
        triage=facts.triage if facts.open_alert else "",
        triage_rank=TRIAGE_RANK.get(facts.triage, 0) if facts.open_alert else 0,
        last_missed_at=missed,
        missed_until=missed + MISSED_WINDOW if missed else None,
    )
    if facts.episode is None:
        return entry, RegistryCourse(patient_id=patient_id)
    started_on = facts.episode.started_on
    phq, gad = courses(facts, started_on=started_on, t=t)
    measured = [p for p in (phq, gad) if p.has_baseline]
    # At 8 weeks the days no longer matter: what is left is whether a target lags behind.
    behind = is_not_improving(
        treatment_targets(phq, gad), days_in_treatment=t.not_improving_days, t=t
    )
    latest_on = latest_score_on(measured)
    contact_on = facts.last_contact_at.astimezone(zone).date() if facts.last_contact_at else None
    if contact_on is None or contact_on < started_on:
        contact_due_by = first_contact_due_by(started_on, t)
    else:
        contact_due_by = contact_on + _days(t.contact_overdue_days)
    entry.episode = facts.episode
    entry.started_on = started_on
    entry.no_episode = False
    entry.severe = has_severe_latest_score(phq9=phq, gad7=gad, t=t)
    entry.relapse = is_relapsing(measured)
    entry.no_baseline = not measured
    if behind:
        entry.not_improving_from = started_on + _days(t.not_improving_days)
        entry.change_plan_from = started_on + _days(max(t.not_improving_days, t.change_plan_days))
    if latest_on is not None:
        entry.reassessment_due_from = latest_on + _days(t.reassess_due_days)
        entry.reassessment_overdue_from = latest_on + _days(t.reassess_overdue_days + 1)
    entry.contact_overdue_from = contact_due_by + _days(1)
    course = RegistryCourse(patient_id=patient_id, phq9=course_json(phq), gad7=course_json(gad))
    return entry, course


# --- A course as JSON and back ---------------------------------------------------------------


def course_json(p: Progress) -> dict[str, Any]:
    """Return a course as plain JSON values (dates as ISO text, no timestamps)."""
    data = asdict(p)
    for key in ("baseline", "latest"):
        if data[key] is not None:
            data[key] = {"on": data[key]["on"].isoformat(), "total": data[key]["total"]}
    return data


def course_from_json(data: dict[str, Any] | None) -> Progress | None:
    """Return the course stored by course_json (None when none was stored)."""
    if data is None:
        return None
    values = dict(data)
    for key in ("baseline", "latest"):
        if values[key] is not None:
            score = values[key]
            values[key] = Score(on=date.fromisoformat(score["on"]), total=score["total"])
    return Progress(**values)


# --- Storing ---------------------------------------------------------------------------------


# The need rank is stamped after the facts are stored (care.need.stamp), not built here.
STAMP = ("patient", "need", "need_on", "stamped_at")


def _updated(model: type[RegistryEntry] | type[RegistryCourse]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in STAMP]


def _batches(ids: Sequence[UUID]) -> Iterator[list[UUID]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


@transaction.atomic
def refresh_entries(patient_ids: Iterable[UUID]) -> None:
    """Rebuild the registry entries of the listed patients from their records. The patients
    are locked first, so two writes for one patient at once cannot store a stale entry."""
    ids = sorted(set(patient_ids))
    for batch in _batches(ids):
        patients = Patient.objects.select_for_update().filter(pk__in=batch).order_by("pk")
        by_practice: dict[Any, list[Patient]] = defaultdict(list)
        for patient in patients.only("pk", "practice_id", "last_name", "first_name"):
            by_practice[patient.practice_id].append(patient)
        for practice in Practice.objects.filter(pk__in=list(by_practice)):
            _store(by_practice[practice.pk], practice)


def _store(patients: list[Patient], practice: Practice) -> None:
    zone, t = ZoneInfo(practice.time_zone), thresholds_for(practice)
    ids = [p.pk for p in patients]
    facts = patient_facts(ids, zone=zone)
    built = [entry_for(p, facts[p.pk], zone=zone, t=t) for p in patients]
    RegistryEntry.objects.bulk_create(
        [entry for entry, _ in built],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=_updated(RegistryEntry),
    )
    RegistryCourse.objects.bulk_create(
        [course for _, course in built],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=_updated(RegistryCourse),
    )
    now = timezone.now()
    stamp(RegistryEntry.objects.filter(pk__in=ids), today=now.astimezone(zone).date(), now=now)


def refresh_practice(practice_id: UUID) -> None:
    """Rebuild every registry entry of a practice (its thresholds or time zone changed)."""
    ids = list(Patient.objects.filter(practice_id=practice_id).values_list("pk", flat=True))
    refresh_entries(ids)


def refresh_everyone() -> int:
    """Rebuild every registry entry; return how many patients there are."""
    ids = list(Patient.objects.values_list("pk", flat=True))
    refresh_entries(ids)
    return len(ids)
