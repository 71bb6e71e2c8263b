"""Reads for the crisis layer."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tether.access import visible_alerts
from tether.accounts.models import Patient, User
from tether.crisis.models import RiskAlert


def alert_queue(user: User) -> QuerySet[RiskAlert]:
    """Return the alerts still needing work that `user` may see: unacknowledged first, and
    within each state the newest first, so a new alert lands at the top."""
    return (
        visible_alerts(user)
        .exclude(status=RiskAlert.Status.RESOLVED)
        .annotate(
            state_rank=Case(
                When(status=RiskAlert.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("patient", "acknowledged_by")
        .order_by("state_rank", "-created_at")
    )


def has_active_alert(patient: Patient) -> bool:
    """Return whether the patient has an alert that is not yet resolved."""
    return patient.risk_alerts.exclude(status=RiskAlert.Status.RESOLVED).exists()
