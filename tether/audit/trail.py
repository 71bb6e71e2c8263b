"""The trail of reads: which patients' records the access doors handed out during a request."""

from contextvars import ContextVar
from dataclasses import dataclass, field

from tether.audit.models import AuditEvent


@dataclass
class Trail:
    """What one request has handed out so far, written in one insert when it ends."""

    request_id: str
    channel: str = AuditEvent.Channel.WEB
    pending: dict = field(default_factory=dict)


_current: ContextVar[Trail | None] = ContextVar("tether_audit_trail", default=None)


def current() -> Trail | None:
    """Return the trail of the request being served, or None outside a request."""
    return _current.get()


def request_facts() -> tuple[str, str]:
    """Return (channel, request id) of the request being served; ("system", "") outside one."""
    trail = current()
    if trail is None:
        return AuditEvent.Channel.SYSTEM, ""
    return trail.channel, trail.request_id
