"""Storing the reads of a request as audit rows: the writer behind tether.lib.reads (set when
the audit app is ready), one insert per request."""

import json
import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from tether.accounts.models import Patient
from tether.audit.models import AuditEvent
from tether.lib.reads import Pending, Reader, Trail

logger = logging.getLogger(__name__)


def write(trail: Trail, pending: Pending, channel: str) -> int:
    """Store `pending` (reader, patient, what -> practice) as rows in one insert; return their
    count. A failure is logged with the rows it would have written, then raised."""
    action = (
        AuditEvent.Action.EXPORTED
        if channel == AuditEvent.Channel.EXPORT
        else AuditEvent.Action.VIEWED
    )
    now = timezone.now()
    rows = [
        _row(reader, patient_id, what, practice_id, action, channel, trail.request_id, now)
        for (reader, patient_id, what), practice_id in pending.items()
    ]
    try:
        with transaction.atomic():
            _fill_practices(rows)
            _insert_all(rows)
    except Exception:
        # Never silent: the log line is itself the record that could not be stored.
        logger.exception(
            "Could not store %d audit rows of request %s: %s",
            len(rows),
            trail.request_id,
            [(r.actor_id, r.actor_label, str(r.patient_id), r.what) for r in rows],
        )
        raise
    return len(rows)


def _row(
    reader: Reader,
    patient_id: Any,
    what: str,
    practice_id: Any,
    action: str,
    channel: str,
    request_id: str,
    at: Any,
) -> AuditEvent:
    return AuditEvent(
        actor_id=reader.user_id,
        actor_label=reader.label[:200],
        practice_id=practice_id,
        patient_id=patient_id,
        action=action,
        what=what[:100],
        channel=channel,
        request_id=request_id,
        at=at,
    )


def _fill_practices(rows: list[AuditEvent]) -> None:
    """Give rows whose reader has no practice (a signed link) their patient's practice."""
    missing = {row.patient_id for row in rows if row.practice_id is None}
    if not missing:
        return
    practices = dict(Patient.objects.filter(pk__in=missing).values_list("pk", "practice_id"))
    for row in rows:
        if row.practice_id is None and row.patient_id is not None:
            row.practice_id = practices.get(row.patient_id)


_COLUMNS = ["actor", "actor_label", "practice", "patient", "action", "what", "channel"]
_COLUMNS += ["request_id", "detail", "at"]


def _field(name: str) -> Field[Any, Any]:
    field = AuditEvent._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 - the model's own columns
    return field


def _insert_all(rows: list[AuditEvent]) -> None:
    """Insert `rows` in ONE statement with one parameter, a JSON array of them (INSERT ...
    SELECT over json_each on SQLite, jsonb_array_elements on PostgreSQL). bulk_create would
    split them into batches under SQLite's 999-parameter limit: another insert every ~90
    patients of a CSV, a query count that grows with the list."""
    if connection.vendor not in ("sqlite", "postgresql"):
        AuditEvent.objects.bulk_create(rows)
        return
    fields = [_field(name) for name in _COLUMNS]
    data = [
        [
            _plain(field.get_db_prep_save(getattr(row, field.attname), connection))
            for field in fields
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "sqlite":
        values = ", ".join(f"json_extract(r.value, '$[{i}]')" for i in range(len(fields)))
        source = "json_each(%s) AS r"
    else:
        values = ", ".join(
            f"(r.value->>{i})::{field.db_type(connection)}" for i, field in enumerate(fields)
        )
        source = "jsonb_array_elements(%s::jsonb) AS r(value)"
    table = quote(AuditEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source}"  # noqa: S608 - names from the model, values a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data)])


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
