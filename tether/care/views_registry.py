"""The registry (a caseload ordered by need, as a page and a CSV export) and the start and end
of treatment episodes from the staff patient page.

The rules live in targets.py and the rows in registry.py; these views only read filters,
page, format and redirect.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from tether.access import get_episode_for_staff, get_patient, is_practice_admin, visible_programs
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Patient, Role, User
from tether.care.entries import judged, patient_facts
from tether.care.models import TreatmentEpisode, thresholds_for
from tether.care.registry import RegistryRow, registry
from tether.care.registry_filters import Filters, pick, read_filters
from tether.care.services import CareInvalid, end_episode, start_episode
from tether.care.targets import FLAG_LABELS, EpisodeStatus, Flag, Progress
from tether.crisis.resources import stale_resources_warning
from tether.engagement.selectors import needs_attention
from tether.lib.bounds import in_range
from tether.lib.pagination import Rows, page_of
from tether.lib.spreadsheet import csv_cell
from tether.network.selectors import coverage_summaries

REGISTRY_PAGE_SIZE = 25

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


def _display_rows(rows: list[RegistryRow]) -> list[dict]:
    """Return one page's rows for the template, with each patient's support-network coverage
    and anything to raise from their appointments (a constant number of queries)."""
    ids = [row.patient.pk for row in rows]
    network, attention = coverage_summaries(ids), needs_attention(ids)
    return [
        {
            "row": row,
            "phq9": course(row.phq9),
            "gad7": course(row.gad7),
            "latest": row.latest or {},
            "flags": [(f.value, FLAG_LABELS[f]) for f in row.flags],
            "network": network[row.patient.pk],
            "attention": attention.get(row.patient.pk, ""),
        }
        for row in rows
    ]


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
    if not is_practice_admin(user, user.practice_id):
        return ""
    return stale_resources_warning(today=timezone.localdate())


@care_staff_required
def registry_page(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    filters = read_filters(request)
    result = registry(request.user, now=now, with_latest=True, **filters.as_kwargs())
    page = page_of(
        Rows(result.rows, _display_rows), request.GET.get("page"), per_page=REGISTRY_PAGE_SIZE
    )
    context = {
        "page": page,
        "rows": page.object_list,
        "filters": filters,
        "flag_choices": [(f.value, FLAG_LABELS[f]) for f in Flag],
        "banner": caseload_banner(request.user, filters, result, now=now),
        "is_admin": is_practice_admin(request.user, request.user.practice_id),
        "crisis_file_warning": crisis_file_warning(request.user),
    }
    return render(request, "care/registry.html", context)


def csv_row(row: RegistryRow) -> list:
    phq9, gad7 = row.phq9, row.gad7

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
        row.weeks_in_treatment,
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


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields CSV text."""

    def write(self, value: str) -> str:
        return value


@care_staff_required
def registry_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered registry, every row, as CSV (unknown filter values are dropped, as on
    the page). Streamed in need order, read from the database a batch at a time."""
    now = timezone.now()
    filters = read_filters(request)
    result = registry(request.user, now=now, **filters.as_kwargs())
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for batch in result.rows.batches():
            for row in batch:
                yield writer.writerow(csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate(now).isoformat()
    response["Content-Disposition"] = f'attachment; filename="registry-{stamp}.csv"'
    return response


# --- Treatment episodes --------------------------------------------------------------------


def _zone(patient: Patient) -> ZoneInfo:
    return ZoneInfo(patient.practice.time_zone)


def open_episode_status(patient: Patient, *, now: datetime) -> EpisodeStatus | None:
    """The rules' verdict on the patient's open episode today, from the same facts as the
    registry (care.entries), read live."""
    zone = _zone(patient)
    facts = patient_facts([patient.pk], zone=zone)[patient.pk]
    if facts.episode is None:
        return None
    today = now.astimezone(zone).date()
    return judged(facts, today=today, now=now, zone=zone, t=thresholds_for(patient.practice))


def episode_context(user: User, patient: Patient, *, now: datetime | None = None) -> dict:
    """Return the staff patient page's "Treatment episode" section."""
    now = now or timezone.now()
    episode = patient.episodes.filter(ended_on__isnull=True).select_related("program").first()
    context: dict = {"episode": episode, "today": timezone.localdate()}
    if episode is None:
        context["episode_programs"] = visible_programs(user).filter(active=True)
        context["last_episode"] = patient.episodes.first()
        return context
    status = open_episode_status(patient, now=now)
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
    # A date outside tether.lib.bounds reads as no date, like one that does not parse.
    try:
        return in_range(date.fromisoformat((value or "").strip()))
    except ValueError:
        return None


def _tell(request: HttpRequest, problem: CareInvalid) -> None:
    for text in problem.problems.values():
        messages.error(request, text)


@care_staff_required
@require_POST
def start_episode_view(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    patient = get_patient(request.user, patient_id)
    back = redirect("staff_patient", patient_id=patient.pk)
    started_on = _read_date(request.POST.get("started_on"))
    if started_on is None:
        messages.error(request, "Please give the start date as a date (YYYY-MM-DD).")
        return back
    program = None
    if program_id := request.POST.get("program", "").strip():
        program = pick(list(visible_programs(request.user)), program_id)
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
def end_episode_view(request: AuthenticatedRequest, episode_id) -> HttpResponse:
    # The one door: an episode of a patient this user may not see is as unknown as none.
    episode = get_episode_for_staff(request.user, episode_id)
    patient = episode.patient
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
