"""Reads for the crisis layer."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tether.access import visible_alerts
from tether.accounts.models import Patient, Practice, User
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert


def alert_queue(user: User) -> QuerySet[RiskAlert]:
    """Return the alerts still needing work that `user` may see: unacknowledged first; within
    each state high Columbia triage first; then the newest first, so a new alert lands at the
    top."""
    return (
        visible_alerts(user)
        .exclude(status=RiskAlert.Status.RESOLVED)
        .annotate(
            state_rank=Case(
                When(status=RiskAlert.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            triage_rank=Case(
                When(triage=RiskAlert.Triage.HIGH, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .select_related("patient", "acknowledged_by")
        .order_by("state_rank", "triage_rank", "-created_at")
    )


def has_active_alert(patient: Patient) -> bool:
    """Return whether the patient has an alert that is not yet resolved."""
    return patient.risk_alerts.exclude(status=RiskAlert.Status.RESOLVED).exists()


# --- Escalation, rota and response times ---------------------------------------------------


def alert_events(alert: RiskAlert) -> QuerySet[AlertEvent]:
    return alert.events.select_related("actor", "recipient")


def rota(practice: Practice, *, now: datetime, days: int = 14) -> QuerySet[OnCallShift]:
    """Shifts of the practice still running or starting within `days`, soonest first."""
    return (
        OnCallShift.objects.filter(
            practice=practice, ends_at__gt=now, starts_at__lt=now + timedelta(days=days)
        )
        .select_related("clinician", "backup")
        .order_by("starts_at")
    )


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks (the
    definition numpy and spreadsheets use by default); None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


@dataclass(frozen=True)
class ResponseTimes:
    """Time from alert to acknowledgement for alerts raised this month, in seconds."""

    month_start: datetime
    acknowledged: int
    unacknowledged: int
    median_seconds: float | None
    p90_seconds: float | None
    longest_seconds: float | None


def month_start(practice: Practice, now: datetime) -> datetime:
    """The first instant of the current month in the practice's time zone."""
    local = now.astimezone(ZoneInfo(practice.time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def response_times(practice: Practice, *, now: datetime) -> ResponseTimes:
    start = month_start(practice, now)
    alerts = RiskAlert.objects.filter(
        patient__practice=practice, created_at__gte=start, created_at__lte=now
    )
    pairs = alerts.filter(acknowledged_at__isnull=False).values_list(
        "created_at", "acknowledged_at"
    )
    seconds = [(ack - created).total_seconds() for created, ack in pairs if ack is not None]
    return ResponseTimes(
        month_start=start,
        acknowledged=len(seconds),
        unacknowledged=alerts.filter(acknowledged_at__isnull=True).count(),
        median_seconds=median(seconds),
        p90_seconds=percentile(seconds, 90),
        longest_seconds=max(seconds) if seconds else None,
    )


def format_duration(seconds: float | None) -> str:
    """'45 s', '4 min 10 s', '2 h 5 min'; an em dash for None."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
