"""The registry: every patient a member of staff may see, ordered by need, with every
treat-to-target flag. The caseload is the registry filtered to one care manager's patients.

The database ranks, filters, counts and pages it (care.need over each patient's
RegistryEntry), so a page costs the same few queries at 150 patients or 10,000: a count, the
ids of one page in need order, then those patients' rows. The registry page, its CSV, the
case review and the API all read it here, so they agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from tether.access import visible_patients
from tether.accounts.models import CareTeamMember, Patient, Role, User
from tether.assessments.models import Assessment
from tether.care.entries import INSTRUMENTS, course_from_json, refresh_entries
from tether.care.models import RegistryEntry, TreatmentEpisode, thresholds_for
from tether.care.need import flag_annotations, flag_conditions, keep_current, rank
from tether.care.targets import (
    DEFAULTS,
    FLAG_LABELS,
    NEED_ORDER,
    Flag,
    Progress,
    Thresholds,
)
from tether.engagement.models import Enrollment
from tether.lib.pagination import Rows


@dataclass(frozen=True)
class LatestScore:
    """A patient's latest score of one instrument, whatever their episode (for patients
    without one, whose row has no course)."""

    total: int
    severity: str
    previous: int | None  # the score before it

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.total - self.previous


@dataclass(frozen=True)
class RegistryRow:
    patient: Patient
    episode_id: object | None
    started_on: date | None
    program: str
    coordinator: str
    last_contact_at: datetime | None  # care.contact; None when there was none
    last_contact_on: date | None  # its day in the practice's time zone
    flags: tuple[Flag, ...]
    # The open episode's course of each instrument (targets.progress), None without one.
    phq9: Progress | None = None
    gad7: Progress | None = None
    weeks_in_treatment: int | None = None
    # The Columbia triage of the patient's open alert(s), highest first: "high", "moderate",
    # "low", or "" (no open alert, or not triaged yet).
    triage: str = ""
    latest: dict[str, LatestScore | None] | None = None  # with_latest only

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]

    def latest_total(self, code: str) -> int | None:
        """Return the latest score: the episode's, or without an episode the latest at all."""
        course = self.phq9 if code == "phq9" else self.gad7
        if self.episode_id is not None:
            return course.latest.total if course and course.latest else None
        found = (self.latest or {}).get(code)
        return found.total if found else None

    @property
    def latest_phq9(self) -> int | None:
        return self.latest_total("phq9")

    @property
    def latest_gad7(self) -> int | None:
        return self.latest_total("gad7")


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def filter_patients(
    patients: QuerySet[Patient], *, program=None, clinician=None, coordinator=None
) -> QuerySet[Patient]:
    """Return the patients in `program` (enrolled, or their open episode's), on
    `clinician`'s care team and on `coordinator`'s caseload, as far as each is given."""
    if program is not None:
        in_program = Enrollment.objects.filter(
            patient=OuterRef("pk"), program=program, status=Enrollment.Status.ACTIVE
        )
        patients = patients.filter(
            Q(Exists(in_program)) | Q(registry_entry__episode__program=program)
        )
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


def latest_scores(patient_ids: list) -> dict[Any, dict[str, LatestScore]]:
    """Return the latest PHQ-9 and GAD-7, with the score before each, of the listed patients
    who have no open episode (the others' rows show their episode's course instead): one
    query, whoever is on the page."""
    found: dict[Any, dict[str, LatestScore]] = {}
    if not patient_ids:
        return found
    # The few patients of the page without an episode, found first, so that only their
    # scores are read.
    no_episode = Patient.objects.filter(pk__in=patient_ids).filter(
        Q(registry_entry__isnull=True) | Q(registry_entry__episode__isnull=True)
    )
    scores = (
        Assessment.objects.scored()
        .filter(patient__in=no_episode, instrument__in=INSTRUMENTS)
        .order_by("patient_id", "instrument", "-completed_at", "-created_at")
        .values_list("patient_id", "instrument", "total", "severity")
    )
    earlier: dict[tuple, int | None] = {}
    for patient_id, code, total, severity in scores:
        if total is None:  # never: scored() has a total
            continue
        mine = found.setdefault(patient_id, {})
        if code not in mine:
            mine[code] = LatestScore(total, severity, None)
        elif (patient_id, code) not in earlier:
            earlier[(patient_id, code)] = total
            mine[code] = LatestScore(mine[code].total, mine[code].severity, total)
    return found


def _coordinator_name() -> Subquery:
    coordinator = CareTeamMember.objects.filter(
        patient=OuterRef("pk"), team_role=CareTeamMember.TeamRole.COORDINATOR
    ).annotate(name=Concat(F("staff__first_name"), Value(" "), F("staff__last_name")))
    return Subquery(coordinator.values("name")[:1])


class _Counted:
    """Ranked patient ids, counted without the ranking."""

    def __init__(self, ranked: QuerySet, patients: QuerySet[Patient]) -> None:
        self.ranked, self.patients = ranked, patients

    def count(self) -> int:
        return self.patients.count()

    def __getitem__(self, window: slice) -> QuerySet:
        return self.ranked[window]


class Registry:
    """The filtered registry of one member of staff, ranked in SQL. `rows` is a lazy list of
    RegistryRow for Django's Paginator and django-ninja's pagination: it counts and slices
    in the database and builds the rows of one slice at a time."""

    def __init__(
        self,
        patients: QuerySet[Patient],
        *,
        today: date,
        now: datetime,
        zone: ZoneInfo,
        thresholds: Thresholds,
        caseload: QuerySet[Patient],
        practice_id: UUID | None,
        with_latest: bool = False,
        order: tuple[Flag, ...] = NEED_ORDER,
    ) -> None:
        conditions = flag_conditions(today=today, now=now)
        if order == NEED_ORDER:
            ranked = _by_stamped_need(patients, practice_id, today=today, now=now)
        else:
            # Another order (the case review's) ranks first by its flags, then by need, both
            # computed in the query.
            ranked = (
                patients.alias(first=rank(conditions, order), need=rank(conditions))
                .order_by(
                    "first",
                    "need",
                    F("registry_entry__triage_rank").desc(nulls_last=True),
                    F("registry_entry__started_on").asc(nulls_last=True),
                    "last_name",
                    "first_name",
                    "pk",
                )
                .values_list("pk", flat=True)
            )
        self.conditions = conditions
        self.today, self.zone, self.with_latest = today, zone, with_latest
        self.caseload = caseload
        # The rows are read through the door's queryset, so the audit trail records the
        # patients of each page (or CSV batch) as it is read (tether.lib.reads).
        self.patients = patients
        self.caseload_limit = thresholds.caseload_limit
        self.rows: Rows[Any, RegistryRow] = Rows(_Counted(ranked, patients), self.rows_of)

    @property
    def caseload_size(self) -> int:
        """The patients in treatment (open episodes) on the caseload, before the filters."""
        return self.caseload.filter(registry_entry__no_episode=False).count()

    @property
    def over_limit(self) -> bool:
        return self.caseload_size > self.caseload_limit

    def rows_of(self, ids: list) -> list[RegistryRow]:
        """Return the rows of these patients, in this order (one query)."""
        if not ids:
            return []
        patients = (
            self.patients.filter(pk__in=ids)
            .select_related("registry_entry__episode__program", "registry_course")
            .annotate(
                coordinator_name=_coordinator_name(),
                **flag_annotations(self.conditions),
            )
        )
        by_id = {p.pk: p for p in patients}
        latest = {}
        if self.with_latest:
            latest = latest_scores(ids)
        return [self._row(by_id[pk], latest.get(pk, {})) for pk in ids]

    def _row(self, p: Patient, latest: dict[str, LatestScore]) -> RegistryRow:
        entry = getattr(p, "registry_entry", None)
        course = getattr(p, "registry_course", None)
        episode = _episode(p)
        flags = tuple(f for f in NEED_ORDER if getattr(p, f"flag_{f}"))
        contact_at = entry.last_contact_at if entry else None
        return RegistryRow(
            patient=p,
            episode_id=episode.pk if episode else None,
            started_on=episode.started_on if episode else None,
            program=episode.program.name if episode and episode.program else "",
            coordinator=getattr(p, "coordinator_name", None) or "",
            last_contact_at=contact_at,
            last_contact_on=_local_date(contact_at, self.zone),
            flags=flags,
            phq9=course_from_json(course.phq9) if episode and course else None,
            gad7=course_from_json(course.gad7) if episode and course else None,
            weeks_in_treatment=(self.today - episode.started_on).days // 7 if episode else None,
            triage=entry.triage if entry and Flag.OPEN_ALERT in flags else "",
            latest={code: latest.get(code) for code in INSTRUMENTS} if self.with_latest else None,
        )


def _by_stamped_need(
    patients: QuerySet[Patient], practice_id: UUID | None, *, today: date, now: datetime
) -> QuerySet:
    """Return the ids of `patients` in need order, read from the registry_rank index: the
    database walks the practice's entries in that order and stops at the end of the page,
    whatever the number of patients. Entries are restamped first where stale, and built for
    any patient who has none (care.need)."""
    if practice_id is None:  # no practice, no patients
        return RegistryEntry.objects.none().values_list("patient_id", flat=True)
    if keep_current(practice_id, today=today, now=now):
        missing = Patient.objects.filter(practice_id=practice_id, registry_entry__isnull=True)
        refresh_entries(list(missing.values_list("pk", flat=True)))
    visible = patients.filter(pk=OuterRef("patient_id"))
    return (
        RegistryEntry.objects.filter(Exists(visible), practice_id=practice_id)
        .order_by(
            "need", "-triage_rank", "no_episode", "started_on", "last_name", "first_name", "pk"
        )
        .values_list("patient_id", flat=True)
    )


def _episode(p: Patient) -> TreatmentEpisode | None:
    entry = getattr(p, "registry_entry", None)
    return entry.episode if entry else None


def practice_zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.practice.time_zone) if user.practice else ZoneInfo("UTC")


def registry(
    user: User,
    *,
    now: datetime,
    program=None,
    clinician: User | None = None,
    coordinator: User | None = None,
    flag: Flag | None = None,
    with_latest: bool = False,
    order: tuple[Flag, ...] = NEED_ORDER,
    only_flagged: bool = False,
) -> Registry:
    """Return every patient `user` may see, ordered by need: open risk alerts (high triage
    first), severe scores, change the plan, not improving, relapse, overdue reassessment, no
    baseline, overdue contact, missed sessions, reassessment due, then everyone else; within
    a level the longest in treatment first, then by name. A coordinator's registry is their
    own caseload. Filters narrow it; the caseload size is counted before them.

    `order` ranks by other flags first (the case review's); with `only_flagged` only patients
    with an open episode and one of those flags are listed."""
    zone = practice_zone(user)
    thresholds = thresholds_for(user.practice) if user.practice else DEFAULTS
    today = now.astimezone(zone).date()
    if user.role == Role.COORDINATOR and coordinator is None:
        coordinator = user  # a coordinator's registry is their own caseload
    caseload = filter_patients(visible_patients(user), coordinator=coordinator)
    patients = filter_patients(caseload, program=program, clinician=clinician)
    conditions = flag_conditions(today=today, now=now)
    if flag is not None:
        patients = patients.filter(conditions[flag])
    if only_flagged:
        wanted = Q()
        for f in order:
            wanted |= conditions[f]
        patients = patients.filter(wanted, registry_entry__episode__isnull=False)
    return Registry(
        patients,
        today=today,
        now=now,
        zone=zone,
        thresholds=thresholds,
        caseload=caseload,
        practice_id=user.practice_id,
        with_latest=with_latest,
        order=order,
    )
