"""Who changed which clinical record, and when: the writes half of the audit report.

Clinical records that change after they are made keep a history (django-simple-history, one row
per save or delete, naming the signed-in person; see tether/lib/history.py). The safety plan
versions itself instead: every save is a new version naming who wrote it. `changes` reads both
back for one practice, newest first, as `Change` rows a practice admin can read: when, who, which
patient, what kind of record, and whether it was created, changed (with the names of the fields
that changed) or deleted. It never returns a value: a note or a name that changed shows as
"resolution note" or "first name", never as its words.

Audit sits below the domain apps, so the records are named by their app label
("crisis.RiskAlert") and looked up in Django's app registry rather than imported.
Records appended once and never changed keep no history of their own (an assessment's answers,
a C-SSRS screen, an alert's events, an outreach attempt, a trusted person's check-in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import F, Model, Q, QuerySet

from tether.accounts.models import Patient, Practice, User

DEFAULT_LIMIT = 500
AUTOMATIC = "Tether (automatic)"

_KIND = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class Change:
    """One write to a clinical record. `who` is None when Tether made it itself (a sweep or a
    scheduled job) or someone without an account did (a trusted person on a signed link)."""

    at: datetime
    who: User | None
    patient: Patient | None
    what: str
    change: str  # "created", "changed" or "deleted"
    fields: tuple[str, ...] = ()  # for "changed": the fields that changed, by name

    @property
    def who_label(self) -> str:
        return self.who.display_name if self.who is not None else AUTOMATIC


@dataclass(frozen=True)
class _Tracked:
    model: str  # app label and model name
    what: str  # the kind of record, in a clinician's words
    patient: str | None  # the lookup from the record to its patient's id; None: not a patient's
    practice: str  # the lookup from the record to its practice


# Every model with a simple-history `history` (a test checks the list is complete).
TRACKED = (
    _Tracked("accounts.Patient", "Patient details", "id", "practice"),
    _Tracked("accounts.CareTeamMember", "Care team", "patient", "patient__practice"),
    _Tracked("care.TreatmentEpisode", "Treatment episode", "patient", "patient__practice"),
    _Tracked(
        "care.Recommendation",
        "Case review recommendation",
        "episode__patient",
        "episode__patient__practice",
    ),
    _Tracked("care.CareSettings", "Practice care targets", None, "practice"),
    _Tracked("accounts.Practice", "Practice settings", None, "id"),
    _Tracked("engagement.WeeklyHours", "Weekly hours for appointments", None, "staff__practice"),
    _Tracked(
        "engagement.AvailabilityException", "Change to appointment hours", None, "staff__practice"
    ),
    _Tracked("crisis.RiskAlert", "Risk alert", "patient", "patient__practice"),
    _Tracked("crisis.ScreenedText", "Words flagged for review", "patient", "patient__practice"),
    _Tracked("engagement.Enrollment", "Program enrollment", "patient", "patient__practice"),
    _Tracked("engagement.Appointment", "Appointment", "patient", "patient__practice"),
    _Tracked("engagement.OutreachTask", "Outreach task", "patient", "patient__practice"),
    _Tracked(
        "engagement.PeerOutreachConsent",
        "Consent to peer outreach",
        "patient",
        "patient__practice",
    ),
    _Tracked("network.SupportContact", "Support network", "patient", "patient__practice"),
    _Tracked(
        "network.Consent",
        "What a trusted person may see",
        "contact__patient",
        "contact__patient__practice",
    ),
)
SAFETY_PLAN = "network.SafetyPlan"
_SAFETY_PLAN_STEPS = (
    "warning_signs",
    "coping_on_my_own",
    "distractions",
    "people_to_ask",
    "professionals",
    "safer_surroundings",
    "reasons_for_living",
)


@dataclass(frozen=True)
class _Row:
    at: datetime
    who_id: int | None
    patient_id: Any
    what: str
    change: str
    fields: tuple[str, ...]


def changes(
    *,
    practice: Practice,
    patient: Patient | None = None,
    patients: QuerySet[Patient] | None = None,
    staff: User | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Change]:
    """Return the newest `limit` writes to the clinical records of `practice`, newest first:
    only those about `patient` (or about one of `patients`, a queryset read as a subquery),
    made by `staff`, at or after `start` and before `end` when given. Another practice's
    records never appear, whatever the other arguments."""
    about: Any = None
    if patient is not None:
        about = [patient.pk]
    elif patients is not None:
        about = patients.values("pk")
    rows: list[_Row] = []
    for tracked in TRACKED:
        if about is not None and tracked.patient is None:
            continue
        rows.extend(_history_rows(tracked, practice, about, staff, start, end, limit))
    rows.extend(_safety_plan_rows(practice, about, staff, start, end, limit))
    rows.sort(key=lambda row: row.at, reverse=True)
    rows = rows[:limit]
    users = User.objects.in_bulk({row.who_id for row in rows if row.who_id is not None})
    about_whom = Patient.objects.in_bulk({row.patient_id for row in rows if row.patient_id})
    return [
        Change(
            at=row.at,
            who=users.get(row.who_id) if row.who_id is not None else None,
            patient=about_whom.get(row.patient_id) if row.patient_id else None,
            what=row.what,
            change=row.change,
            fields=row.fields,
        )
        for row in rows
    ]


def _history_rows(
    tracked: _Tracked,
    practice: Practice,
    about: Any,
    staff: User | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> list[_Row]:
    model = apps.get_model(tracked.model)
    history: Any = model.history.model
    found = history.objects.filter(**{tracked.practice: practice.pk})
    if about is not None:
        found = found.filter(**{f"{tracked.patient}__in": about})
    if staff is not None:
        found = found.filter(history_user=staff)
    if start is not None:
        found = found.filter(history_date__gte=start)
    if end is not None:
        found = found.filter(history_date__lt=end)
    if tracked.patient is not None:
        found = found.annotate(_patient_id=F(tracked.patient))
    page = list(found.order_by("-history_date", "-history_id")[:limit])
    before = _previous(history, model, [row for row in page if row.history_type == "~"])
    fields = history.tracked_fields
    rows = []
    for row in page:
        changed = _changed(fields, before.get(row.history_id), row)
        if row.history_type == "~" and row.history_id in before and not changed:
            continue  # saved without a change a person would see (bookkeeping only)
        rows.append(
            _Row(
                at=row.history_date,
                who_id=row.history_user_id,
                patient_id=getattr(row, "_patient_id", None),
                what=tracked.what,
                change=_KIND[row.history_type],
                fields=changed,
            )
        )
    return rows


def _previous(history: Any, model: type[Model], rows: Sequence[Any]) -> dict[int, Any]:
    """Return, for each history row in `rows`, the row of the same record just before it."""
    if not rows:
        return {}
    pk = model._meta.pk.attname
    ids = {getattr(row, pk) for row in rows}
    latest = max(row.history_date for row in rows)
    wanted = {row.history_id for row in rows}
    previous: dict[int, Any] = {}
    last: dict[Any, Any] = {}
    for row in history._default_manager.filter(
        **{f"{pk}__in": ids}, history_date__lte=latest
    ).order_by("history_date", "history_id"):
        key = getattr(row, pk)
        if row.history_id in wanted and key in last:
            previous[row.history_id] = last[key]
        last[key] = row
    return previous


def _changed(fields: Iterable[Any], before: Any, after: Any) -> tuple[str, ...]:
    if before is None:
        return ()
    return tuple(
        str(field.verbose_name)
        for field in fields
        if getattr(before, field.attname) != getattr(after, field.attname)
    )


def _safety_plan_rows(
    practice: Practice,
    about: Any,
    staff: User | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> list[_Row]:
    plans = apps.get_model(SAFETY_PLAN)._default_manager.filter(patient__practice=practice)
    if about is not None:
        plans = plans.filter(patient__in=about)
    if staff is not None:
        plans = plans.filter(written_by=staff)
    if start is not None:
        plans = plans.filter(created_at__gte=start)
    if end is not None:
        plans = plans.filter(created_at__lt=end)
    page = list(plans.order_by("-created_at", "-version")[:limit])
    earlier = Q()
    for plan in page:
        if plan.version > 1:
            earlier |= Q(patient_id=plan.patient_id, version=plan.version - 1)
    before = {}
    if earlier:
        before = {
            (plan.patient_id, plan.version): plan
            for plan in apps.get_model(SAFETY_PLAN)._default_manager.filter(earlier)
        }
    steps = [apps.get_model(SAFETY_PLAN)._meta.get_field(name) for name in _SAFETY_PLAN_STEPS]
    return [
        _Row(
            at=plan.created_at,
            who_id=plan.written_by_id,
            patient_id=plan.patient_id,
            what="Safety plan",
            change="created" if plan.version == 1 else "changed",
            fields=_changed(steps, before.get((plan.patient_id, plan.version - 1)), plan),
        )
        for plan in page
    ]
