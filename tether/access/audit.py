"""Who may read the audit trail: a patient, who in the practice (and which trusted person, by
signed link) looked at their own record; a practice's admins, the whole trail of their
practice. Reading the trail is not itself recorded (it holds no health information beyond
who read what, and a report that recorded itself would grow every time it was read)."""

from datetime import datetime

from django.db.models import Q, QuerySet

from tether.access.staff import is_practice_admin
from tether.accounts.models import STAFF_ROLES, Patient, Role, User
from tether.audit.changes import Change, changes
from tether.audit.models import AuditEvent

# Reads of a record (what a patient is shown; the report calls the rest account events).
READS = (
    AuditEvent.Action.VIEWED,
    AuditEvent.Action.EXPORTED,
    AuditEvent.Action.PSEUDONYM_REVEALED,
)


def reads_of_my_record(user: User) -> QuerySet[AuditEvent]:
    """Return the reads of the signed-in patient's records by the staff of their practice and
    by trusted people on a signed link (not the patient's own), newest first."""
    if not user.is_authenticated or not user.is_active or user.role != Role.PATIENT:
        return AuditEvent.objects.none()
    staff = Q(actor__role__in=STAFF_ROLES, actor__practice_id=user.practice_id)
    by_link = Q(actor__isnull=True, channel=AuditEvent.Channel.LINK)
    return (
        AuditEvent.objects.filter(patient__user=user, action__in=READS)
        .filter(staff | by_link)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def practice_audit_trail(user: User) -> QuerySet[AuditEvent]:
    """Return the audit trail of `user`'s practice, newest first: its admins only."""
    practice_id = user.practice_id if user.is_authenticated else None
    if practice_id is None or not is_practice_admin(user, practice_id):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(practice_id=practice_id)
        .select_related("actor", "patient", "subject")
        .order_by("-at", "-id")
    )


def practice_changes(
    user: User,
    *,
    patients_where: Q | None = None,
    staff: User | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int,
) -> list[Change]:
    """Return the newest `limit` changes to the clinical records of `user`'s practice, newest
    first, narrowed like tether.audit.changes.changes: its admins only (anyone else, none).
    `patients_where` (a condition on Patient, e.g. a name) narrows them to the practice's
    patients that meet it."""
    practice = user.practice if user.is_authenticated else None
    if practice is None or not is_practice_admin(user, practice.pk):
        return []
    patients = (
        Patient.objects.filter(practice=practice).filter(patients_where)
        if patients_where is not None
        else None
    )
    return changes(
        practice=practice, patients=patients, staff=staff, start=start, end=end, limit=limit
    )
