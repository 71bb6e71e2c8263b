"""The change history of clinical records, kept by django-simple-history.

A tracked model declares `history = HistoricalRecords(...)`; every save() and delete() then adds
one row to its historical table naming who did it (the signed-in person of the request, through
simple_history's HistoryRequestMiddleware; nobody, i.e. Tether itself, in a sweep or a job).
A queryset.update() sends no signal, so a service that changes tracked rows with a conditional
UPDATE (a claim, a withdrawal of several consents) calls `record_update` on the rows it changed.
tether.audit.changes reads the histories back for the admins' audit report.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model
from simple_history.utils import get_history_manager_for_model

M = TypeVar("M", bound=Model)


def record_update(rows: Iterable[M]) -> int:
    """Add a "changed" history row for each of `rows` as it is now: call it right after the
    UPDATE that changed them, with a queryset that finds exactly those rows (or the rows read
    back since). Return how many. One INSERT, whatever the number (and a SELECT for a queryset).
    """
    changed = list(rows)
    if changed:
        history = get_history_manager_for_model(type(changed[0]))
        history.bulk_history_create(changed, update=True)
    return len(changed)
