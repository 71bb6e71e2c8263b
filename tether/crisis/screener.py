"""Recording a Columbia screener (C-SSRS) and setting the triage of the alert it follows.

Which level the alert carries: the latest screen sets it, with one exception that keeps the
rule of CLINICAL.md ("automated detection only re-orders and escalates human work"): a
screen the patient answered alone never lowers a level set before. A screen that staff
entered during a call is a clinician's own reading and may lower it. The screener never
acknowledges, resolves or closes an alert; every screen stays in the alert's history.

A high triage pages at once as urgent, through raise_risk_alert(urgent=True): on an alert
already open that is a further signal which pages whoever holds it now and the whole on-call
chain with the admins, each recorded as an event on the alert.
"""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.crisis import triage
from tether.crisis.models import AlertEvent, RiskAlert, RiskScreen
from tether.crisis.resources import Contact, Resource
from tether.crisis.services import open_alert_of, raise_risk_alert
from tether.crisis.triage import ScreenInvalid

__all__ = ["ScreenInvalid", "call_first", "open_alert_of", "record_risk_screen"]


@transaction.atomic
def record_risk_screen(
    *,
    patient: Patient,
    answers: Mapping[str, object],
    entered_by: User,
    alert: RiskAlert | None,
    at: datetime | None = None,
) -> RiskScreen:
    """Validate and store one screener, and set the triage of the alert it follows.

    Without an alert (a screener taken on its own), any yes raises a new alert (reason
    CSSRS_POSITIVE, or a further signal on the alert already open); all "no" is stored
    without one. A high triage pages at once as urgent.

    Raises ScreenInvalid (naming every problem) before anything is written."""
    checked = triage.validate_screen(answers)
    if alert is not None and alert.patient_id != patient.pk:
        raise ScreenInvalid(["This alert belongs to another patient."])
    level = triage.triage_for(checked)
    at = at or timezone.now()
    high = level == triage.HIGH
    detail = f"Columbia screener answered yes ({triage.summary(checked)}), triage {level}."

    def signal(*, urgent: bool) -> RiskAlert:
        return raise_risk_alert(
            patient=patient,
            reason=RiskAlert.Reason.CSSRS_POSITIVE,
            raised_by=entered_by,
            detail=detail,
            at=at,
            triage=level,
            urgent=urgent,
        )

    paged = False
    if alert is None and triage.is_positive(checked):
        alert, paged = signal(urgent=high), True
    screen = RiskScreen.objects.create(
        patient=patient,
        alert=alert,
        answers=checked,
        triage=level,
        entered_by=entered_by,
        completed_at=at,
    )
    if alert is not None:
        became_high = _set_triage(alert, level=level, screen=screen, by=entered_by, at=at)
        if became_high and not paged:
            signal(urgent=True)
    return screen


def _set_triage(
    alert: RiskAlert, *, level: str, screen: RiskScreen, by: User, at: datetime
) -> bool:
    """Record the screen on the alert and set its level; return whether it became high."""
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    before = alert.triage  # an alert this screen raised carries its level already
    by_patient = by.pk == alert.patient.user_id
    lower = bool(before) and triage.RANK[level] < triage.RANK[before]
    new = before if (lower and by_patient) else level
    note = f"Triage {level} ({triage.summary(screen.answers)})."
    if new != level:
        note += f" The alert stays {before}: a screen the patient answered alone never lowers it."
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.TRIAGED, actor=by, at=at, note=note)
    if new != alert.triage:
        alert.triage = new
        alert.save(update_fields=["triage"])
    return new == triage.HIGH and before != triage.HIGH


def call_first(resources: tuple[Resource, ...]) -> tuple[Resource, Contact] | None:
    """Return the first crisis line in `resources` one can call (else the emergency number),
    with its call contact: the button a high triage shows first."""
    for kind in ("crisis_line", "emergency"):
        for resource in resources:
            if resource.kind == kind:
                for contact in resource.contacts:
                    if contact.method == "call":
                        return resource, contact
    return None
