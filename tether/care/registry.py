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
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from tether.access import visible_patients
from tether.accounts.models import CareTeamMember, Patient, Role, User
from tether.assessments.models import Assessment
from tether.care.entries import INSTRUMENTS, course_from_json
from tether.care.models import TreatmentEpisode, thresholds_for
from tether.care.need import flag_annotations, flag_conditions, rank
from tether.care.targets import FLAG_LABELS, NEED_ORDER, Flag, Progress, Thresholds
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
    def need(self) -> int:
        return min((NEED_ORDER.index(f) for f in self.flags), default=len(NEED_ORDER))

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]

    def latest_total(self, code: str) -> int | None:
        """The latest score: the episode's, or without an episode the latest at all."""
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


def _latest_scores() -> dict[str, Any]:
    """Return annotations: each instrument's latest total and severity, and the one before."""

    def scores(code: str) -> QuerySet[Assessment]:
        return (
            Assessment.objects.scored()
            .filter(patient=OuterRef("pk"), instrument=code)
            .order_by("-completed_at", "-created_at")
        )

    found: dict[str, Any] = {}
    for code in INSTRUMENTS:
        found[f"{code}_total"] = Subquery(scores(code).values("total")[:1])
        found[f"{code}_severity"] = Subquery(scores(code).values("severity")[:1])
        found[f"{code}_previous"] = Subquery(
            scores(code).values("total")[1:2], output_field=IntegerField()
        )
    return found


def _coordinator_name() -> Subquery:
    coordinator = CareTeamMember.objects.filter(
        patient=OuterRef("pk"), team_role=CareTeamMember.TeamRole.COORDINATOR
    ).annotate(name=Concat(F("staff__first_name"), Value(" "), F("staff__last_name")))
    return Subquery(coordinator.values("name")[:1])


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
        with_latest: bool = False,
        order: tuple[Flag, ...] = NEED_ORDER,
    ) -> None:
        conditions = flag_conditions(today=today, now=now)
        # Another order (the case review's) ranks first by its flags, then by need.
        ranks = {"first": rank(conditions, order)} if order != NEED_ORDER else {}
        ranked = patients.alias(**ranks, need=rank(conditions)).order_by(
            *ranks,
            "need",
            F("registry_entry__triage_rank").desc(nulls_last=True),
            F("registry_entry__started_on").asc(nulls_last=True),
            "last_name",
            "first_name",
            "pk",
        )
        self.conditions = conditions
        self.today, self.zone, self.with_latest = today, zone, with_latest
        self.caseload = caseload
        self.caseload_limit = thresholds.caseload_limit
        self.rows: Rows[Any, RegistryRow] = Rows(
            ranked.values_list("pk", flat=True), self.rows_of
        )

    @property
    def caseload_size(self) -> int:
        """The patients in treatment (open episodes) on the caseload, before the filters."""
        return self.caseload.filter(
            Exists(TreatmentEpisode.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True))
        ).count()

    @property
    def over_limit(self) -> bool:
        return self.caseload_size > self.caseload_limit

    def rows_of(self, ids: list) -> list[RegistryRow]:
        """Return the rows of these patients, in this order (one query)."""
        if not ids:
            return []
        patients = (
            Patient.objects.filter(pk__in=ids)
            .select_related("registry_entry__episode__program")
            .annotate(
                coordinator_name=_coordinator_name(),
                **flag_annotations(self.conditions),
                **(_latest_scores() if self.with_latest else {}),
            )
        )
        by_id = {p.pk: p for p in patients}
        return [self._row(by_id[pk]) for pk in ids]

    def _row(self, p: Patient) -> RegistryRow:
        entry = getattr(p, "registry_entry", None)
        episode = entry.episode if entry else None
        flags = tuple(f for f in NEED_ORDER if getattr(p, f"flag_{f}"))
        latest = None
        if self.with_latest:
            latest = {
                code: LatestScore(
                    getattr(p, f"{code}_total"),
                    getattr(p, f"{code}_severity"),
                    getattr(p, f"{code}_previous"),
                )
                if getattr(p, f"{code}_total") is not None
                else None
                for code in INSTRUMENTS
            }
        contact_at = entry.last_contact_at if entry else None
        return RegistryRow(
            patient=p,
            episode_id=episode.pk if episode else None,
            started_on=episode.started_on if episode else None,
            program=episode.program.name if episode and episode.program else "",
            coordinator=p.coordinator_name or "",
            last_contact_at=contact_at,
            last_contact_on=_local_date(contact_at, self.zone),
            flags=flags,
            phq9=course_from_json(entry.phq9_course) if episode else None,
            gad7=course_from_json(entry.gad7_course) if episode else None,
            weeks_in_treatment=(self.today - episode.started_on).days // 7 if episode else None,
            triage=entry.triage if entry and Flag.OPEN_ALERT in flags else "",
            latest=latest,
        )


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
    thresholds = thresholds_for(user.practice)
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
        with_latest=with_latest,
        order=order,
    )
