"""The audit trail's two pages: a patient's "Who has seen my record", and the practice admins'
audit report with its CSV.

These views live outside tether.audit because they ask tether.access who may read the
trail, and the audit app sits below the access module (pyproject's import layers).
"""

import csv
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from tether.access import my_practice_staff
from tether.access.audit import READS, practice_audit_trail, practice_changes, reads_of_my_record
from tether.access.decorators import admin_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.audit.changes import AUTOMATIC, Change
from tether.audit.models import AuditEvent
from tether.audit.wording import did_what, who
from tether.audit_views.forms import ReportFilters
from tether.lib.pagination import BATCH, page_of
from tether.lib.spreadsheet import csv_cell

PATIENT_PAGE_SIZE = 30
REPORT_PAGE_SIZE = 50
# Changes to records are read from about 13 history tables at once, newest first, so they are
# bounded rather than paged: the page shows the newest CHANGES_SHOWN, the CSV the newest
# CSV_CHANGES_CAP (a line at its end says when more matched).
CHANGES_SHOWN = 50
CSV_CHANGES_CAP = 5000


@dataclass(frozen=True)
class Entry:
    at: datetime  # the latest of the reads it stands for
    who: str
    did: str
    link: bool  # through a signed link the patient shared
    times: int = 1
    first: datetime | None = None  # the earliest, when it stands for more than one


def _together(entries: list[Entry]) -> list[Entry]:
    """Fold one person's reads in a row into a line per thing they read ("looked at your
    record 3 times, between 09:02 and 09:15"): a clinician paging through a chart opens the
    same records several times (the record, then its contact details, then the record again),
    and a patient reading the page wants to know who looked at what and when, not every
    click. `entries` are one day's, newest first."""
    folded: list[Entry] = []
    run: dict[str, int] = {}  # what the current person read -> its index in `folded`
    for entry in entries:
        last = folded[-1] if folded else None
        if last is None or (last.who, last.link) != (entry.who, entry.link):
            run = {}
        if entry.did in run:
            i = run[entry.did]
            folded[i] = replace(folded[i], times=folded[i].times + 1, first=entry.at)
        else:
            run[entry.did] = len(folded)
            folded.append(entry)
    return folded


@patient_required
def who_has_seen_my_record(request: AuthenticatedRequest) -> HttpResponse:
    reads = reads_of_my_record(request.user)
    page = page_of(reads, request.GET.get("page"), per_page=PATIENT_PAGE_SIZE)
    entries = [
        Entry(timezone.localtime(e.at), who(e), did_what(e), e.actor_id is None) for e in page
    ]
    days = [
        (day, _together(list(items))) for day, items in groupby(entries, key=lambda e: e.at.date())
    ]
    return render(request, "audit/who_has_seen.html", {"page": page, "days": days})


def _name_matches(words: str, prefix: str = "") -> Q:
    """Return the condition "every word is in the patient's first, last or preferred name"."""
    condition = Q()
    for word in words.split():
        condition &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}preferred_name__icontains": word})
        )
    return condition


def _window(data: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """Return the filter's dates as [start, end) in the practice's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(data["start"], time.min, tzinfo=zone) if data["start"] else None
    end = None
    if data["end"]:
        end = datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _filtered(
    request: AuthenticatedRequest, *, changes_limit: int
) -> tuple[ReportFilters, QuerySet[AuditEvent], list[Change]]:
    """Return the filters, the reads and account events they match, and the newest
    `changes_limit` changes to records they match (nothing when the filters are wrong)."""
    staff = my_practice_staff(request.user)
    form = ReportFilters(request.GET, staff=staff)
    events = practice_audit_trail(request.user)
    if not form.is_valid():
        return form, events.none(), []
    data = form.cleaned_data
    start, end = _window(data)
    name = data["patient"] or ""
    if name.strip():
        events = events.filter(_name_matches(name, "patient__"))
    if data["staff"] is not None:
        events = events.filter(Q(actor=data["staff"]) | Q(subject=data["staff"]))
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    changes = practice_changes(
        request.user,
        patients_where=_name_matches(name) if name.strip() else None,
        staff=data["staff"],
        start=start,
        end=end,
        limit=changes_limit,
    )
    return form, events, changes


def _row(event: AuditEvent) -> dict[str, object]:
    patient = event.patient
    subject = event.subject
    return {
        "at": timezone.localtime(event.at),
        "kind": "read" if event.action in READS else "account",
        "who": who(event),
        "action": event.get_action_display(),
        "what": event.what,
        "fields": "",
        "patient": f"{patient.last_name}, {patient.first_name}" if patient else "",
        "account": (subject.get_full_name() or subject.username) if subject else "",
        "channel": event.get_channel_display(),
        "request_id": event.request_id,
        "detail": event.detail,
    }


def _change_row(change: Change) -> dict[str, object]:
    """A change to a record as a row of the report: the names of the fields, never values."""
    person, patient = change.who, change.patient
    return {
        "at": timezone.localtime(change.at),
        "kind": "changed",
        "who": f"{person.display_name} ({person.get_role_display().lower()})"
        if person is not None
        else AUTOMATIC,
        "action": change.change.capitalize(),
        "what": change.what,
        "fields": ", ".join(change.fields),
        "patient": f"{patient.last_name}, {patient.first_name}" if patient else "",
        "account": "",
        "channel": "",
        "request_id": "",
        "detail": "",
    }


@admin_required
def audit_report(request: AuthenticatedRequest) -> HttpResponse:
    form, events, changes = _filtered(request, changes_limit=CHANGES_SHOWN + 1)
    page = page_of(events, request.GET.get("page"), per_page=REPORT_PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "rows": [_row(e) for e in page],
        "changes": [_change_row(c) for c in changes[:CHANGES_SHOWN]],
        "more_changes": len(changes) > CHANGES_SHOWN,
        "changes_shown": CHANGES_SHOWN,
        "csv_changes_cap": CSV_CHANGES_CAP,
    }
    return render(request, "audit/report.html", context, status=200 if form.is_valid() else 400)


CSV_COLUMNS = [
    "when",
    "kind",
    "who",
    "action",
    "what",
    "fields changed",
    "patient",
    "account",
    "how",
    "request id",
    "detail",
]
_CSV_KEYS = ("kind", "who", "action", "what", "fields", "patient", "account", "channel")


def _csv_lines(events: QuerySet[AuditEvent], changes: list[Change]) -> Iterator[str]:
    """The reads, account events and changes as one CSV, newest first (the changes are the
    newest CSV_CHANGES_CAP; a last line says so when more matched)."""

    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield writer.writerow(CSV_COLUMNS)
    rows = heapq.merge(
        (_row(event) for event in events.iterator(chunk_size=BATCH)),
        (_change_row(change) for change in changes[:CSV_CHANGES_CAP]),
        key=itemgetter("at"),
        reverse=True,
    )
    for row in rows:
        at = row["at"]
        yield writer.writerow(
            [
                csv_cell(at.isoformat(timespec="seconds") if isinstance(at, datetime) else at),
                *(csv_cell(row[key]) for key in _CSV_KEYS),
                csv_cell(row["request_id"]),
                csv_cell(row["detail"]),
            ]
        )
    if len(changes) > CSV_CHANGES_CAP:
        yield writer.writerow(
            [
                "",
                "note",
                f"More changes to records match these filters than one file holds; this file "
                f"has the newest {CSV_CHANGES_CAP:,}. Choose a shorter date range for the rest.",
            ]
        )


@admin_required
def audit_report_csv(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    form, events, changes = _filtered(request, changes_limit=CSV_CHANGES_CAP + 1)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            f"These filters cannot be used: {problems}", status=400, content_type="text/plain"
        )
    response = StreamingHttpResponse(_csv_lines(events, changes), content_type="text/csv")
    filename = f"audit-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
