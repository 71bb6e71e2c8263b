"""Writes for the crisis layer, one module per noun; this module re-exports the public names
other apps import:

- crisis.alerts: raising (or adding a further signal to the alert already open),
  acknowledging and resolving risk alerts;
- crisis.escalation: who is paged and when, re-paging and the after-hours contact;
- crisis.rota: on-call shifts, gaps in the rota, whether a practice can page anyone;
- crisis.patient_message: what the patient is told after an alert.
"""

from tether.crisis.alerts import (
    AlertStateError,
    acknowledge_alert,
    open_alert_of,
    raise_risk_alert,
    resolve_alert,
)
from tether.crisis.escalation import (
    ALERT_BODY,
    ALERT_PURPOSE,
    ALERT_SUBJECT,
    LEVEL_ADMIN,
    LEVEL_BACKUP,
    LEVEL_ON_CALL,
    NO_ADMIN,
    NO_AFTER_HOURS,
    NO_BACKUP,
    NOBODY_ON_CALL,
    escalate_alert,
    escalate_unacknowledged_alerts,
    on_call_at,
    send_alert_notice,
    text_after_hours_contact,
)
from tether.crisis.patient_message import patient_message_after_alert
from tether.crisis.rota import (
    ShiftInvalid,
    add_shift,
    practice_paging_problems,
    remove_shift,
    rota_gaps,
)

__all__ = [
    "ALERT_BODY",
    "ALERT_PURPOSE",
    "ALERT_SUBJECT",
    "LEVEL_ADMIN",
    "LEVEL_BACKUP",
    "LEVEL_ON_CALL",
    "NOBODY_ON_CALL",
    "NO_ADMIN",
    "NO_AFTER_HOURS",
    "NO_BACKUP",
    "AlertStateError",
    "ShiftInvalid",
    "acknowledge_alert",
    "add_shift",
    "escalate_alert",
    "escalate_unacknowledged_alerts",
    "on_call_at",
    "open_alert_of",
    "patient_message_after_alert",
    "practice_paging_problems",
    "raise_risk_alert",
    "remove_shift",
    "resolve_alert",
    "rota_gaps",
    "send_alert_notice",
    "text_after_hours_contact",
]
