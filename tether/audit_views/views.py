"""The audit trail's two pages: a patient's "Who has seen my record", and the practice admins'
audit report with its CSV.

These views live outside tether.audit because they ask tether.access who may read the
trail, and the audit app sits below the access module (pyproject's import layers).
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import groupby

from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from tether.access import my_practice_staff
from tether.access.audit import practice_audit_trail, reads_of_my_record
from tether.access.decorators import admin_required, patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.audit.models import AuditEvent
from tether.audit.wording import did_what, who
from tether.audit_views.forms import ReportFilters
from tether.lib.pagination import BATCH, page_of
from tether.lib.spreadsheet import csv_cell

PATIENT_PAGE_SIZE = 30
REPORT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    did: str
    link: bool  # through a signed link the patient shared


@patient_required
def who_has_seen_my_record(request: AuthenticatedRequest) -> HttpResponse:
    reads = reads_of_my_record(request.user)
    page = page_of(reads, request.GET.get("page"), per_page=PATIENT_PAGE_SIZE)
    entries = [
        Entry(timezone.localtime(e.at), who(e), did_what(e), e.actor_id is None) for e in page
    ]
    days = [(day, list(items)) for day, items in groupby(entries, key=lambda e: e.at.date())]
    return render(request, "audit/who_has_seen.html", {"page": page, "days": days})


def _filtered(request: AuthenticatedRequest) -> tuple[ReportFilters, QuerySet[AuditEvent]]:
    staff = my_practice_staff(request.user)
    form = ReportFilters(request.GET, staff=staff)
    events = practice_audit_trail(request.user)
    if not form.is_valid():
        return form, events.none()
    data = form.cleaned_data
    for word in (data["patient"] or "").split():
        events = events.filter(
            Q(patient__first_name__icontains=word)
            | Q(patient__last_name__icontains=word)
            | Q(patient__preferred_name__icontains=word)
        )
    if data["staff"] is not None:
        events = events.filter(Q(actor=data["staff"]) | Q(subject=data["staff"]))
    zone = timezone.get_current_timezone()
    if data["start"]:
        events = events.filter(at__gte=datetime.combine(data["start"], time.min, tzinfo=zone))
    if data["end"]:
        after = data["end"] + timedelta(days=1)
        events = events.filter(at__lt=datetime.combine(after, time.min, tzinfo=zone))
    return form, events


def _row(event: AuditEvent) -> dict[str, object]:
    patient = event.patient
    subject = event.subject
    return {
        "at": timezone.localtime(event.at),
        "who": who(event),
        "action": event.get_action_display(),
        "what": event.what,
        "patient": f"{patient.last_name}, {patient.first_name}" if patient else "",
        "account": (subject.get_full_name() or subject.username) if subject else "",
        "channel": event.get_channel_display(),
        "request_id": event.request_id,
        "detail": event.detail,
    }


@admin_required
def audit_report(request: AuthenticatedRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = page_of(events, request.GET.get("page"), per_page=REPORT_PAGE_SIZE)
    context = {"form": form, "page": page, "rows": [_row(e) for e in page]}
    return render(request, "audit/report.html", context, status=200 if form.is_valid() else 400)


CSV_COLUMNS = ["when", "who", "action", "what", "patient", "account", "how", "request id", "detail"]


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=BATCH):
        row = _row(event)
        at = row["at"]
        yield writer.writerow(
            [
                csv_cell(at.isoformat(timespec="seconds") if isinstance(at, datetime) else at),
                *(csv_cell(row[key]) for key in ("who", "action", "what", "patient", "account")),
                csv_cell(row["channel"]),
                csv_cell(row["request_id"]),
                csv_cell(row["detail"]),
            ]
        )


@admin_required
def audit_report_csv(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    form, events = _filtered(request)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            f"These filters cannot be used: {problems}", status=400, content_type="text/plain"
        )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv")
    filename = f"audit-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
