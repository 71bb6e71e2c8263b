"""Writing single audit rows: sensitive look-ups (linking a peer pseudonym to its patient) and
account events (an admin lifting a lockout, resetting a colleague's second factor, revoking
a token). Reads of patients' records are recorded in bulk by tether.audit.trail instead."""

from datetime import datetime

from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.audit.models import AuditEvent
from tether.lib import reads as trail


def record(
    *, actor: User, patient: Patient, action: str, detail: str = "", at: datetime | None = None
) -> AuditEvent:
    """Record one thing `actor` did with `patient`'s records, at once (not batched)."""
    channel, request_id = trail.request_facts()
    return AuditEvent.objects.create(
        actor=actor,
        practice_id=patient.practice_id,
        patient=patient,
        action=action,
        channel=channel,
        request_id=request_id,
        detail=detail[:300],
        at=at or timezone.now(),
    )


def record_account_event(
    *, actor: User, subject: User, action: str, detail: str = ""
) -> AuditEvent:
    """Record that `actor` did `action` (an AuditEvent.Action: ACCOUNT_UNLOCKED, FACTOR_RESET,
    TOKEN_REVOKED, ...) to `subject`'s account. The row carries the request id and channel
    when made during a request; it is shown in the practice's audit report."""
    channel, request_id = trail.request_facts()
    return AuditEvent.objects.create(
        actor=actor,
        practice_id=subject.practice_id or actor.practice_id,
        subject=subject,
        action=action,
        what="account",
        channel=channel,
        request_id=request_id,
        detail=detail[:300],
        at=timezone.now(),
    )
