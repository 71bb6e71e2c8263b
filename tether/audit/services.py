from datetime import datetime

from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.audit.models import AuditEvent


def record(
    *, actor: User, patient: Patient, action: str, detail: str = "", at: datetime | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor, patient=patient, action=action, detail=detail[:300], at=at or timezone.now()
    )
