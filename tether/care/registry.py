"""The registry: a caseload ordered by need, with every treat-to-target flag.

Two queries whatever the caseload's length: the patients (with their open episode, alert,
contact and missed-session facts as correlated subqueries) and all their PHQ-9 and GAD-7 scores
since their episode started. The rules are applied in Python by targets.episode_status, so
the registry, the API, the CSV export and the case review agree by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat

from tether.access import visible_patients
from tether.accounts.models import CareTeamMember, Patient, Role, User
from tether.assessments.models import Assessment
from tether.care.contact import human_contact_annotations, last_human_contact
from tether.care.models import TreatmentEpisode, thresholds_for
from tether.care.targets import (
    DEFAULTS,
    FLAG_LABELS,
    EpisodeStatus,
    Flag,
    Score,
    episode_status,
    need_rank,
)
from tether.crisis.models import RiskAlert
from tether.engagement.models import Appointment, Enrollment

MISSED_WINDOW = timedelta(days=28)


@dataclass(frozen=True)
class RegistryRow:
    patient: Patient
    episode_id: object | None
    started_on: date | None
    program: str
    coordinator: str
    last_contact_on: date | None
    status: EpisodeStatus | None
    flags: tuple[Flag, ...]
    need: int
    # The Columbia triage of the patient's open alert(s), highest first: "high", "moderate",
    # "low", or "" (no open alert, or not triaged yet).
    triage: str = ""

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]

    @property
    def latest_phq9(self) -> int | None:
        return self.status.phq9.latest.total if self.status and self.status.phq9.latest else None

    @property
    def latest_gad7(self) -> int | None:
        return self.status.gad7.latest.total if self.status and self.status.gad7.latest else None


@dataclass(frozen=True)
class Registry:
    rows: list[RegistryRow]
    caseload_size: int  # patients with an open episode, before filters
    caseload_limit: int

    @property
    def over_limit(self) -> bool:
        return self.caseload_size > self.caseload_limit


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def _open_episode(field: str):
    return Subquery(
        TreatmentEpisode.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True).values(
            field
        )[:1]
    )


TRIAGE_RANK = {RiskAlert.Triage.HIGH: 3, RiskAlert.Triage.MODERATE: 2, RiskAlert.Triage.LOW: 1}


def open_alert_triage() -> Subquery:
    """Return a Patient annotation: the highest triage among the patient's open alerts
    ("" when none is triaged, NULL when no alert is open)."""
    ranked = (
        RiskAlert.objects.filter(patient=OuterRef("pk"))
        .exclude(status=RiskAlert.Status.RESOLVED)
        .annotate(
            rank=Case(
                *(When(triage=t, then=Value(r)) for t, r in TRIAGE_RANK.items()),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-created_at")
        .values("triage")[:1]
    )
    return Subquery(ranked)


def registry_patients(user: User, *, now: datetime) -> QuerySet[Patient]:
    """The patients `user` may see, annotated with what the rules need (one query)."""
    coordinator = CareTeamMember.objects.filter(
        patient=OuterRef("pk"), team_role=CareTeamMember.TeamRole.COORDINATOR
    ).annotate(name=Concat(F("staff__first_name"), Value(" "), F("staff__last_name")))
    return visible_patients(user).annotate(
        episode_id=_open_episode("pk"),
        episode_started_on=_open_episode("started_on"),
        episode_program=_open_episode("program__name"),
        has_open_alert=Exists(
            RiskAlert.objects.filter(patient=OuterRef("pk")).exclude(
                status=RiskAlert.Status.RESOLVED
            )
        ),
        missed_recently=Exists(
            Appointment.objects.filter(
                patient=OuterRef("pk"),
                attendance=Appointment.Attendance.MISSED,
                starts_at__gte=now - MISSED_WINDOW,
            )
        ),
        alert_triage=open_alert_triage(),
        **human_contact_annotations(),
        coordinator_name=Subquery(coordinator.values("name")[:1]),
    )


def _scores_by_patient(rows: Iterable[Patient], zone: ZoneInfo) -> dict:
    starts = {r.pk: r.episode_started_on for r in rows if r.episode_started_on}
    if not starts:
        return {}
    found: dict = defaultdict(lambda: {"phq9": [], "gad7": []})
    # A plain datetime bound (not __date) so the index on completed_at is used; the intake
    # window before the start (an intake score is the baseline), a day's margin and the exact
    # per-episode filtering in targets cover the time-zone edge.
    window = timedelta(days=DEFAULTS.baseline_before_days + 1)
    since = datetime.combine(min(starts.values()) - window, time.min, tzinfo=zone)
    scores = (
        Assessment.objects.scored()
        .filter(
            patient_id__in=list(starts),
            instrument__in=("phq9", "gad7"),
            completed_at__gte=since,
        )
        .values_list("patient_id", "instrument", "completed_at", "total")
    )
    for patient_id, code, completed_at, total in scores:
        found[patient_id][code].append(
            Score(on=_local_date(completed_at, zone), total=total, at=completed_at)
        )
    return found


def filter_patients(
    patients: QuerySet[Patient], *, program=None, clinician=None, coordinator=None
) -> QuerySet[Patient]:
    if program is not None:
        in_program = Enrollment.objects.filter(
            patient=OuterRef("pk"), program=program, status=Enrollment.Status.ACTIVE
        )
        patients = patients.filter(Q(Exists(in_program)) | Q(episode_program=program.name))
    if clinician is not None:
        patients = patients.filter(
            Exists(CareTeamMember.objects.filter(patient=OuterRef("pk"), staff=clinician))
        )
    if coordinator is not None:
        patients = patients.filter(
            Exists(
                CareTeamMember.objects.filter(
                    patient=OuterRef("pk"),
                    staff=coordinator,
                    team_role=CareTeamMember.TeamRole.COORDINATOR,
                )
            )
        )
    return patients


def _row(p: Patient, scores: dict, *, zone: ZoneInfo, today: date, thresholds) -> RegistryRow:
    contact_on = _local_date(last_human_contact(p), zone)
    if p.episode_started_on:
        status = episode_status(
            started_on=p.episode_started_on,
            today=today,
            phq9=scores.get("phq9", []),
            gad7=scores.get("gad7", []),
            last_contact_on=contact_on,
            open_alert=p.has_open_alert,
            missed_session=p.missed_recently,
            thresholds=thresholds,
        )
        flags = status.flags
    else:
        status = None
        present = ((Flag.OPEN_ALERT, p.has_open_alert), (Flag.MISSED_SESSION, p.missed_recently))
        flags = tuple(f for f, on in present if on)
    return RegistryRow(
        patient=p,
        episode_id=p.episode_id,
        started_on=p.episode_started_on,
        program=p.episode_program or "",
        coordinator=p.coordinator_name or "",
        last_contact_on=contact_on,
        status=status,
        flags=flags,
        need=need_rank(flags),
        triage=(p.alert_triage or "") if p.has_open_alert else "",
    )


def _zone_and_thresholds(practice):
    zone = ZoneInfo(practice.time_zone) if practice else ZoneInfo("UTC")
    return zone, thresholds_for(practice)


def patient_row(user: User, patient: Patient, *, now: datetime) -> RegistryRow | None:
    """One patient's registry row, computed exactly as the registry computes it (the staff
    patient page and the API use it). None when `user` may not see the patient."""
    zone, thresholds = _zone_and_thresholds(patient.practice)
    annotated = registry_patients(user, now=now).filter(pk=patient.pk).first()
    if annotated is None:
        return None
    scores = _scores_by_patient([annotated], zone).get(annotated.pk, {})
    return _row(
        annotated, scores, zone=zone, today=now.astimezone(zone).date(), thresholds=thresholds
    )


def registry(
    user: User,
    *,
    now: datetime,
    program=None,
    clinician: User | None = None,
    coordinator: User | None = None,
    flag: Flag | None = None,
) -> Registry:
    """Every patient `user` may see, ordered by need: open risk alerts (high triage first),
    severe scores, not improving (change
    the plan first), relapse, overdue reassessment, no baseline, overdue contact, missed
    sessions, reassessment due, then everyone else. Filters narrow it; the caseload size is
    counted before them."""
    zone, thresholds = _zone_and_thresholds(user.practice)
    today = now.astimezone(zone).date()
    base = registry_patients(user, now=now)
    if user.role == Role.COORDINATOR and coordinator is None:
        coordinator = user  # a coordinator's registry is their own caseload
    caseload = filter_patients(base, coordinator=coordinator)
    # The caseload's size (open episodes) is counted before the other filters narrow the list.
    caseload_size = caseload.filter(
        Exists(TreatmentEpisode.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True))
    ).count()
    patients = list(filter_patients(caseload, program=program, clinician=clinician))
    scores = _scores_by_patient(patients, zone)
    rows = [
        _row(p, scores.get(p.pk, {}), zone=zone, today=today, thresholds=thresholds)
        for p in patients
    ]
    if flag is not None:
        rows = [r for r in rows if flag in r.flags]
    # By need (open alerts with high triage first), then the longest in treatment, then by
    # name: a stable, explainable order.
    rows.sort(
        key=lambda r: (
            r.need,
            -TRIAGE_RANK.get(r.triage, 0),
            r.episode_id is None,
            r.started_on or date.max,
            r.patient.last_name,
            r.patient.first_name,
            str(r.patient.pk),
        )
    )
    return Registry(
        rows=rows, caseload_size=caseload_size, caseload_limit=thresholds.caseload_limit
    )
