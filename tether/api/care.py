"""/api/v1 for measurement-based care: treatment episodes, their treat-to-target status and
the registry. Records are found through the access module, written only through
tether.care.services, and judged only by tether.care.targets, so the API, the registry page
and the case review agree. Anything the caller may not see or do is 404; bad input is 400
with {detail, problems} and nothing saved."""

from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from tether import access
from tether.access import (
    get_patient,
    is_care_staff,
    my_practice_staff,
    visible_episodes,
    visible_patients,
    visible_programs,
)
from tether.accounts.models import Patient, Role, User
from tether.api.auth import ApiRequest
from tether.api.care_schemas import (
    EpisodeEndIn,
    EpisodeIn,
    EpisodeOut,
    EpisodeStatusOut,
    OutcomesOut,
    RegistryRowOut,
)
from tether.api.errors import INVALID, Error, invalid, require_care_staff
from tether.api.input import Bounded
from tether.api.pagination import Pages
from tether.care.entries import Facts, episode_scores_of, judged, patient_facts
from tether.care.models import TreatmentEpisode, thresholds_for
from tether.care.outcomes import practice_outcomes
from tether.care.registry import RegistryRow, registry
from tether.care.services import CareInvalid, end_episode, start_episode
from tether.care.targets import FLAG_LABELS, EpisodeStatus, Flag, Progress, Score
from tether.lib.pagination import Rows
from tether.network.selectors import coverage_summaries

router = Router(tags=["care"])


def _get_episode(user: User, episode_id: UUID) -> TreatmentEpisode:
    return access.get_episode(user, episode_id)


def _episode(e: TreatmentEpisode) -> dict:
    return {
        "id": e.pk,
        "patient_id": e.patient_id,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
        "end_reason": e.end_reason,
        "program_id": e.program_id,
        "program": e.program.name if e.program else None,
        "is_open": e.is_open,
    }


def _flags(flags) -> list[dict]:
    return [{"code": str(f), "label": FLAG_LABELS[f]} for f in flags]


def _progress(p: Progress) -> dict:
    def score(s: Score | None) -> dict | None:
        return {"on": s.on, "total": s.total} if s else None

    return {
        "baseline": score(p.baseline),
        "latest": score(p.latest),
        "follow_ups": p.follow_ups,
        "change_points": p.change_points,
        "change_percent": None if p.change_percent is None else round(p.change_percent, 1),
        "response": p.response,
        "remission": p.remission,
        "relapse": p.relapse,
        "is_target": p.is_target,
    }


def _status_of(episode: TreatmentEpisode, now: datetime) -> tuple[EpisodeStatus, date]:
    """The episode's status today (an ended one: on the day it ended), from the same facts the
    registry uses (care.entries: human contact, open alerts and missed sessions count only
    while the episode is open)."""
    practice = episode.patient.practice
    zone = ZoneInfo(practice.time_zone)
    today = now.astimezone(zone).date()
    as_of = min(today, episode.ended_on) if episode.ended_on else today
    if episode.is_open:
        facts = patient_facts([episode.patient_id], zone=zone)[episode.patient_id]
    else:  # judged on its scores alone, as it stood when it ended
        starts = {episode.patient_id: episode.started_on}
        facts = Facts(
            episode=episode, scores=episode_scores_of(starts, zone=zone)[episode.patient_id]
        )
    return judged(facts, today=as_of, now=now, zone=zone, t=thresholds_for(practice)), as_of


# --- Episodes --------------------------------------------------------------------------------


@router.get("/episodes", response={200: list[EpisodeOut], **INVALID})
@paginate(Pages)
def list_episodes(request: ApiRequest, patient_id: UUID | None = None):
    """Treatment episodes, newest first: of one patient (`?patient_id=`), or of every patient
    the caller may see (a patient: their own)."""
    patients: list[Patient] | QuerySet[Patient]
    if patient_id is not None:
        patients = [get_patient(request.auth, patient_id)]
    else:
        patients = visible_patients(request.auth)
    episodes = visible_episodes(request.auth).filter(patient__in=patients)
    episodes = episodes.select_related("program")
    return [_episode(e) for e in episodes.order_by("-started_on", "pk")]


@router.post("/patients/{patient_id}/episodes", response={201: EpisodeOut, **INVALID})
def create_episode(request: ApiRequest, patient_id: UUID, payload: EpisodeIn):
    """Start a treatment episode (care staff). Its baseline is the first PHQ-9/GAD-7 on or
    after `started_on`. One open episode per patient."""
    patient = get_patient(request.auth, patient_id)
    require_care_staff(request.auth, hide=True)
    program = None
    if payload.program_id is not None:
        program = visible_programs(request.auth).filter(pk=payload.program_id).first()
        if program is None:
            return invalid(CareInvalid({"program_id": "No such program."}))
    try:
        episode = start_episode(
            patient=patient,
            started_on=payload.started_on,
            program=program,
            by=request.auth,
            today=timezone.localdate(timezone=ZoneInfo(patient.practice.time_zone)),
        )
    except CareInvalid as error:
        return invalid(error)
    return Status(201, _episode(episode))


@router.post("/episodes/{episode_id}/end", response={200: EpisodeOut, **INVALID})
def end_episode_endpoint(request: ApiRequest, episode_id: UUID, payload: EpisodeEndIn):
    """End an open episode (care staff): `ended_on` and a `reason`."""
    require_care_staff(request.auth, hide=True)
    episode = _get_episode(request.auth, episode_id)
    try:
        end_episode(
            episode=episode, ended_on=payload.ended_on, reason=payload.reason, by=request.auth
        )
    except CareInvalid as error:
        return invalid(error)
    return _episode(episode)


@router.get("/episodes/{episode_id}", response={200: EpisodeStatusOut, 404: Error})
def get_episode(request: ApiRequest, episode_id: UUID):
    """The episode's treat-to-target status: per instrument the baseline, latest score, change,
    response and remission; and the registry flags with their labels. An ended episode is
    judged on the day it ended. Flags are the care team's: a patient gets an empty list."""
    episode = _get_episode(request.auth, episode_id)
    status, as_of = _status_of(episode, timezone.now())
    staff = is_care_staff(request.auth)
    return {
        "episode": _episode(episode),
        "as_of": as_of,
        "days_in_treatment": status.days_in_treatment,
        "weeks_in_treatment": status.weeks_in_treatment,
        "phq9": _progress(status.phq9),
        "gad7": _progress(status.gad7),
        "not_improving": status.not_improving,
        "change_plan": status.change_plan,
        "reassessment_due_on": status.reassessment_due_on,
        "reassessment_overdue": status.reassessment_overdue,
        "flags": _flags(status.flags) if staff and episode.is_open else [],
    }


# --- The registry ----------------------------------------------------------------------------


class RegistryFilters(Bounded):
    program: UUID | None = None
    clinician: int | None = None
    coordinator: int | None = None
    flag: Flag | None = None


def _bad_filter(name: str, message: str) -> ValidationError:
    # A paginated endpoint cannot return a 400 itself: raise it, in the shape of any other
    # invalid query parameter.
    return ValidationError([{"loc": ["query", name], "msg": message}])


def _staff_member(user: User, user_id: int | None, role: str, what: str):
    if user_id is None:
        return None
    # The same choice the page offers: active staff of the user's own practice.
    found = my_practice_staff(user, role).filter(pk=user_id).first()
    if found is None:
        raise _bad_filter(what, f"No such {what} in this practice.")
    return found


def _rows(rows: list[RegistryRow]) -> list[dict]:
    # One go for the page: the support-network column costs the same queries for any length.
    network = coverage_summaries([row.patient.pk for row in rows])
    return [
        {
            "patient_id": row.patient.pk,
            "name": row.patient.full_name,
            "episode_id": row.episode_id,
            "started_on": row.started_on,
            "weeks_in_treatment": row.weeks_in_treatment,
            "program": row.program,
            "coordinator": row.coordinator,
            "last_contact_at": row.last_contact_at,
            "last_contact_on": row.last_contact_on,
            "flags": _flags(row.flags),
            "triage": row.triage or None,
            "phq9": row.latest_phq9,
            "gad7": row.latest_gad7,
            "network": network[row.patient.pk],
        }
        for row in rows
    ]


REGISTRY_DOC = """The caller's registry (care staff), ordered by need: open risk alerts (high
triage first), severe scores, change the plan, not improving, relapse, reassessment overdue,
no baseline, contact overdue, missed session, reassessment due, then everyone else. Filters
as on the registry page: `program` (id), `clinician` and `coordinator` (user ids), `flag`. A
coordinator gets their own caseload unless they name another coordinator. Paginated in the
database (`limit` at most 100)."""


@router.get(
    "/caseload",
    response={200: list[RegistryRowOut], **INVALID},
    tags=["caseload"],
    summary="Get Caseload (alias of /registry)",
    description="The caseload is the registry (a coordinator's registry is their caseload): "
    "this path is kept for existing clients and answers exactly as `/registry`. "
    "Before issue 11 its rows had another shape; use `/registry`.",
    deprecated=True,
    # The operation id it had in api.py before that was split by domain.
    operation_id="tether_api_api_get_caseload",
)
@router.get("/registry", response={200: list[RegistryRowOut], **INVALID}, description=REGISTRY_DOC)
@paginate(Pages)
def get_registry(request: ApiRequest, filters: Query[RegistryFilters]):
    user = request.auth
    require_care_staff(user, hide=True)
    program = None
    if filters.program is not None:
        program = visible_programs(user).filter(pk=filters.program).first()
        if program is None:
            raise _bad_filter("program", "No such program.")
    clinician = _staff_member(user, filters.clinician, Role.CLINICIAN, "clinician")
    coordinator = _staff_member(user, filters.coordinator, Role.COORDINATOR, "coordinator")
    found = registry(
        user,
        now=timezone.now(),
        program=program,
        clinician=clinician,
        coordinator=coordinator,
        flag=filters.flag,
        with_latest=True,
    )
    return Rows(found.rows, _rows)


# --- Outcomes ------------------------------------------------------------------------------


class OutcomeFilters(Bounded):
    start: date | None = None
    end: date | None = None
    program: UUID | None = None


@router.get("/outcomes", response={200: OutcomesOut, **INVALID})
def get_outcomes(request: ApiRequest, filters: Query[OutcomeFilters]):
    """The practice's outcome figures for episodes started between `start` and `end`
    (inclusive; by default the year to today), optionally in one `program`. Clinicians and
    admins only, aggregates only: a group smaller than the practice's small-cohort size shows
    counts only."""
    user = request.auth
    practice = user.practice
    if not access.can_see_outcomes(user) or practice is None:
        raise Http404("Not found.")
    today = timezone.localdate(timezone=ZoneInfo(practice.time_zone))
    end = filters.end or today
    start = filters.start or end - timedelta(days=365)
    problems = {}
    if start > end:
        problems["start"] = "The start must be on or before the end."
    program = None
    if filters.program is not None:
        program = visible_programs(user).filter(pk=filters.program).first()
        if program is None:
            problems["program"] = "No such program."
    if problems:
        return invalid(CareInvalid(problems))
    return practice_outcomes(user, start=start, end=end, program=program, today=today)
