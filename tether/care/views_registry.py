"""The registry (a caseload ordered by need, as a page and a CSV export) and the start and end
of treatment episodes from the staff patient page.

The rules live in targets.py and the rows in registry.py; these views only read filters,
page, format and redirect.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from tether.access import get_patient, visible_programs
from tether.access.decorators import care_staff_required
from tether.accounts.models import Patient, Role, User
from tether.care.models import TreatmentEpisode
from tether.care.registry import (
    patient_row,
    registry,
)
from tether.care.services import CareInvalid, end_episode, start_episode
from tether.care.targets import FLAG_LABELS, EpisodeStatus, Flag, Progress
from tether.crisis.resources import stale_resources_warning
from tether.engagement.models import Program

REGISTRY_PAGE_SIZE = 25
FLAG_VALUES = frozenset(f.value for f in Flag)

# AIMS Center guidance for one full-time care manager (CLINICAL.md); the practice's own
# limit is CareSettings.caseload_limit.
AIMS_GUIDANCE = "50–120"

CSV_COLUMNS = (
    "patient",
    "date of birth",
    "coordinator",
    "program",
    "episode start",
    "weeks",
    "PHQ-9 baseline",
    "PHQ-9 latest",
    "PHQ-9 change %",
    "GAD-7 baseline",
    "GAD-7 latest",
    "GAD-7 change %",
    "response",
    "remission",
    "flags",
    "last contact",
)


# --- Filters -------------------------------------------------------------------------------


@dataclass
class Filters:
    """The registry's GET filters, checked against what the user may choose from."""

    programs: list[Program]
    clinicians: list[User]
    coordinators: list[User]  # empty unless the user is an admin
    program: Program | None = None
    clinician: User | None = None
    coordinator: User | None = None
    flag: Flag | None = None
    problems: list[str] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {
            "program": self.program,
            "clinician": self.clinician,
            "coordinator": self.coordinator,
            "flag": self.flag,
        }

    @property
    def narrowed(self) -> bool:
        """Whether a filter other than the coordinator narrows the rows."""
        return any((self.program, self.clinician, self.flag))


def _staff(user: User, role: str) -> list[User]:
    return list(
        User.objects.filter(practice_id=user.practice_id, role=role, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )


def _pick(choices, value: str):
    return next((c for c in choices if str(c.pk) == value), None)


def read_filters(request: HttpRequest) -> Filters:
    """Return the filters of the request. An unknown value (or one this user may not use)
    is dropped with a message saying so, never an error."""
    user = request.user
    is_admin = user.role == Role.ADMIN
    filters = Filters(
        programs=list(visible_programs(user)),
        clinicians=_staff(user, Role.CLINICIAN),
        coordinators=_staff(user, Role.COORDINATOR) if is_admin else [],
    )
    get = request.GET
    if value := get.get("program", "").strip():
        filters.program = _pick(filters.programs, value)
        if filters.program is None:
            filters.problems.append("Unknown program: showing every program.")
    if value := get.get("clinician", "").strip():
        filters.clinician = _pick(filters.clinicians, value)
        if filters.clinician is None:
            filters.problems.append("Unknown clinician: showing every clinician's patients.")
    if value := get.get("coordinator", "").strip():
        if not is_admin:
            filters.problems.append("Only practice admins can choose a coordinator.")
        else:
            filters.coordinator = _pick(filters.coordinators, value)
            if filters.coordinator is None:
                filters.problems.append("Unknown coordinator: showing every coordinator.")
    if value := get.get("flag", "").strip():
        if value in FLAG_VALUES:
            filters.flag = Flag(value)
        else:
            filters.problems.append("Unknown flag: showing every patient.")
    return filters


# --- Formatting ----------------------------------------------------------------------------


def score_change_percent(progress: Progress | None) -> float | None:
    """Return the change of the score since baseline in percent, signed as the score moved
    (−50 means the score halved), rounded to one decimal; None without a follow-up."""
    if progress is None or not progress.follow_ups or progress.change_percent is None:
        return None
    return round(-progress.change_percent, 1)


def format_percent(value: float | None) -> str:
    if value is None:
        return ""
    if value == 0:
        return "no change"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.0f}%"


@dataclass(frozen=True)
class Course:
    """One instrument's baseline, latest and change, ready for a template."""

    baseline: int | None
    latest: int | None
    change_points: int | None  # signed as the score moved: −9 means 9 points lower
    change_percent: str
    response: bool
    remission: bool
    follow_ups: int

    @property
    def change_text(self) -> str:
        """E.g. "−9 points (−50%)", or "" before any follow-up."""
        if self.change_points is None:
            return ""
        points = abs(self.change_points)
        sign = "+" if self.change_points > 0 else "−" if self.change_points < 0 else ""
        unit = "point" if points == 1 else "points"
        return f"{sign}{points} {unit} ({self.change_percent})"


def course(progress: Progress | None) -> Course | None:
    if progress is None or progress.baseline is None:
        return None
    return Course(
        baseline=progress.baseline.total,
        latest=progress.latest.total if progress.latest else None,
        change_points=(
            -progress.change_points
            if progress.follow_ups and progress.change_points is not None
            else None
        ),
        change_percent=format_percent(score_change_percent(progress)),
        response=progress.response,
        remission=progress.remission,
        follow_ups=progress.follow_ups,
    )


def _display_row(row) -> dict:
    status = row.status
    return {
        "row": row,
        "weeks": status.weeks_in_treatment if status else None,
        "phq9": course(status.phq9 if status else None),
        "gad7": course(status.gad7 if status else None),
        "flags": [(f.value, FLAG_LABELS[f]) for f in row.flags],
    }


def caseload_banner(user: User, filters: Filters, result, *, now: datetime) -> dict | None:
    """The caseload size against the practice's limit, for one care manager's caseload: a
    coordinator's own, or the coordinator an admin chose. The limit is per care manager, so
    a whole practice or a clinician's patients are not compared with it."""
    if user.role == Role.COORDINATOR:
        coordinator = user
    elif filters.coordinator is not None:
        coordinator = filters.coordinator
    else:
        return None
    size = result.caseload_size  # counted before the program and clinician filters
    return {
        "coordinator": coordinator,
        "size": size,
        "limit": result.caseload_limit,
        "over": size > result.caseload_limit,
        "guidance": AIMS_GUIDANCE,
    }


# --- The registry --------------------------------------------------------------------------


def crisis_file_warning(user: User) -> str:
    """Return the stale crisis-resources warning for a practice admin, else ""."""
    if user.role != Role.ADMIN:
        return ""
    return stale_resources_warning(today=timezone.localdate())


@care_staff_required
def registry_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = read_filters(request)
    result = registry(request.user, now=now, **filters.as_kwargs())
    page = Paginator(result.rows, REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [_display_row(row) for row in page],
        "filters": filters,
        "flag_choices": [(f.value, FLAG_LABELS[f]) for f in Flag],
        "banner": caseload_banner(request.user, filters, result, now=now),
        "is_admin": request.user.role == Role.ADMIN,
        "crisis_file_warning": crisis_file_warning(request.user),
    }
    return render(request, "care/registry.html", context)


# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """Return a value safe to put in a CSV cell: text that a spreadsheet would run as a
    formula gets a leading apostrophe. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row) -> list:
    status: EpisodeStatus | None = row.status
    phq9 = status.phq9 if status else None
    gad7 = status.gad7 if status else None

    def total(score):
        return score.total if score else None

    patient = row.patient
    # Response and remission are PHQ-9's (CLINICAL.md, CMS159); blank without an episode.
    cells = [
        f"{patient.last_name}, {patient.first_name}",
        patient.date_of_birth,
        row.coordinator,
        row.program,
        row.started_on,
        status.weeks_in_treatment if status else None,
        total(phq9.baseline) if phq9 else None,
        total(phq9.latest) if phq9 else None,
        score_change_percent(phq9),
        total(gad7.baseline) if gad7 else None,
        total(gad7.latest) if gad7 else None,
        score_change_percent(gad7),
        phq9.response if phq9 else None,
        phq9.remission if phq9 else None,
        "; ".join(FLAG_LABELS[f] for f in row.flags),
        row.last_contact_on,
    ]
    return [csv_cell(c) for c in cells]


@care_staff_required
def registry_csv(request: HttpRequest) -> HttpResponse:
    """The filtered registry, every row, as CSV (unknown filter values are dropped, as on
    the page)."""
    now = timezone.now()
    filters = read_filters(request)
    result = registry(request.user, now=now, **filters.as_kwargs())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate(now).isoformat()
    response["Content-Disposition"] = f'attachment; filename="registry-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in result.rows:
        writer.writerow(csv_row(row))
    return response


# --- Treatment episodes --------------------------------------------------------------------


def _zone(patient: Patient) -> ZoneInfo:
    return ZoneInfo(patient.practice.time_zone)


def open_episode_status(user: User, patient: Patient, *, now: datetime) -> EpisodeStatus | None:
    """The rules' verdict on the patient's open episode, exactly as the registry shows it."""
    row = patient_row(user, patient, now=now)
    return row.status if row else None


def episode_context(user: User, patient: Patient, *, now: datetime | None = None) -> dict:
    """Return the staff patient page's "Treatment episode" section."""
    now = now or timezone.now()
    episode = patient.episodes.filter(ended_on__isnull=True).select_related("program").first()
    context: dict = {"episode": episode, "today": timezone.localdate()}
    if episode is None:
        context["episode_programs"] = visible_programs(user).filter(active=True)
        context["last_episode"] = patient.episodes.first()
        return context
    status = open_episode_status(user, patient, now=now)
    context.update(
        {
            "episode_status": status,
            "episode_phq9": course(status.phq9) if status else None,
            "episode_gad7": course(status.gad7) if status else None,
            "episode_flags": [(f.value, FLAG_LABELS[f]) for f in status.flags] if status else [],
            "end_reasons": TreatmentEpisode.EndReason.choices,
        }
    )
    return context


def _read_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _tell(request: HttpRequest, problem: CareInvalid) -> None:
    for text in problem.problems.values():
        messages.error(request, text)


@care_staff_required
@require_POST
def start_episode_view(request: HttpRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    back = redirect("staff_patient", patient_id=patient.pk)
    started_on = _read_date(request.POST.get("started_on"))
    if started_on is None:
        messages.error(request, "Please give the start date as a date (YYYY-MM-DD).")
        return back
    program = None
    if program_id := request.POST.get("program", "").strip():
        program = _pick(list(visible_programs(request.user)), program_id)
        if program is None:
            messages.error(request, "Unknown program: please choose one of the list.")
            return back
    try:
        start_episode(patient=patient, started_on=started_on, by=request.user, program=program)
    except CareInvalid as problem:
        _tell(request, problem)
        return back
    messages.success(
        request, f"Treatment episode started on {dateformat.format(started_on, 'j M Y')}."
    )
    return back


@care_staff_required
@require_POST
def end_episode_view(request: HttpRequest, episode_id) -> HttpResponse:
    episode = TreatmentEpisode.objects.filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode.")
    # The one door: an episode of a patient this user may not see is as unknown as none.
    patient = get_patient(request.user, episode.patient_id)
    episode.patient = patient
    back = redirect("staff_patient", patient_id=patient.pk)
    ended_on = _read_date(request.POST.get("ended_on"))
    if ended_on is None:
        messages.error(request, "Please give the end date as a date (YYYY-MM-DD).")
        return back
    try:
        end_episode(
            episode=episode,
            ended_on=ended_on,
            reason=request.POST.get("end_reason", ""),
            by=request.user,
        )
    except CareInvalid as problem:
        _tell(request, problem)
        return back
    messages.success(request, f"Treatment episode ended on {dateformat.format(ended_on, 'j M Y')}.")
    return back
