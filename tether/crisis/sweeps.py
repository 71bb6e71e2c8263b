"""The crisis layer's periodic sweep (listed in settings.SWEEPS, run by tether.tasks)."""

from datetime import datetime

from tether.crisis import services


def escalate_unacknowledged_alerts(*, now: datetime) -> int:
    """Escalate every open risk alert whose acknowledgement limit has passed, once."""
    return services.escalate_unacknowledged_alerts(now=now)
