"""Reads for measurement-based care: the caseload."""

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery

from tether.access import visible_patients
from tether.accounts.models import Patient, User
from tether.assessments.models import Assessment
from tether.crisis.models import AlertEvent, RiskAlert


def _scores(code: str) -> QuerySet[Assessment]:
    return Assessment.objects.filter(patient=OuterRef("pk"), instrument=code).order_by(
        "-completed_at"
    )


def caseload(user: User) -> QuerySet[Patient]:
    """Return the patients `user` may see, with their latest PHQ-9 and GAD-7, the score before
    each, and their last contact; patients with an unresolved alert first.

    Everything comes from correlated subqueries, so one page costs the same number of queries
    whatever its length."""
    active_alerts = RiskAlert.objects.filter(patient=OuterRef("pk")).exclude(
        status=RiskAlert.Status.RESOLVED
    )
    staff_actions = AlertEvent.objects.filter(alert__patient=OuterRef("pk")).exclude(
        kind=AlertEvent.Kind.RAISED
    )
    annotations = {"has_active_alert": Exists(active_alerts)}
    for code in ("phq9", "gad7"):
        annotations[f"{code}_total"] = Subquery(_scores(code).values("total")[:1])
        annotations[f"{code}_severity"] = Subquery(_scores(code).values("severity")[:1])
        annotations[f"{code}_previous"] = Subquery(
            _scores(code).values("total")[1:2], output_field=IntegerField()
        )
    annotations["last_assessment_at"] = Subquery(
        Assessment.objects.filter(patient=OuterRef("pk"))
        .order_by("-completed_at")
        .values("completed_at")[:1]
    )
    annotations["last_staff_action_at"] = Subquery(staff_actions.order_by("-at").values("at")[:1])
    return (
        visible_patients(user)
        .annotate(**annotations)
        .order_by("-has_active_alert", "last_name", "first_name", "pk")
    )


def last_contact(row: Patient):
    """Return the latest of the row's last assessment and last staff action on an alert.
    Appointments (the engagement issue) will join this."""
    moments = [m for m in (row.last_assessment_at, row.last_staff_action_at) if m is not None]
    return max(moments) if moments else None
