"""The single 404: one record by id from a queryset a door has already narrowed to what the
user may see. A malformed id, an unknown one and a forbidden one get the same answer, so
nobody can learn that a record exists by probing ids."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)

# The largest integer a 64-bit primary key holds: a longer id is unknown, not a server error.
_BIGINT = 2**63


def one_or_404(queryset: QuerySet[M], record_id: object, what: str, *, field: str = "pk") -> M:
    """Return the one row of `queryset` whose `field` is `record_id`, else raise Http404
    ("No such <what>."). The id is read as the field reads it (a UUID, an integer), so a
    malformed one is as unknown as a missing one."""
    meta = queryset.model._meta
    model_field = meta.pk if field == "pk" else meta.get_field(field)
    if not isinstance(model_field, Field):
        raise TypeError(f"{meta.label}.{field} is not a column to look a record up by.")
    try:
        value = model_field.to_python(record_id)
    except (ValidationError, TypeError, ValueError):
        raise Http404(f"No such {what}.") from None
    if value is None or (isinstance(value, int) and not -_BIGINT <= value < _BIGINT):
        raise Http404(f"No such {what}.")
    found = queryset.filter(**{field: value}).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found
