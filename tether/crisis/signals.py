"""What the crisis layer tells apps above it, without importing them.

`alert_raised` is sent by crisis.alerts.raise_risk_alert inside its transaction when a new
alert opens (not for a further signal on an open one): network emails the patient their
safety plan link (`network.plan_email`, connected in NetworkConfig.ready).

`alert_resolved` is sent by crisis.alerts.resolve_alert inside its transaction, after the
alert is marked resolved. A receiver plans the follow-up contact (engagement connects
`engagement.follow_up.plan_follow_up_for_resolved_alert` in EngagementConfig.ready) and
returns a `FollowUpPlanned`, which the alert's history records. Receivers run in the same
transaction: one that raises rolls the resolution back, so an alert is never resolved
without its follow-up. A project where nothing receives alert_resolved fails `manage.py
check` (crisis.checks); one where nothing receives alert_raised is warned.
"""

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

from tether.accounts.models import User

# Both are sent with keyword arguments alert (RiskAlert) and at (when it was raised/resolved).
alert_raised = Signal()
alert_resolved = Signal()


@dataclass(frozen=True)
class FollowUpPlanned:
    """A follow-up contact planned for a resolved alert: who makes it (None when the practice
    has no active staff) and by when."""

    owner: User | None
    due_at: datetime
