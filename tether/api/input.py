"""The base of every /api/v1 request shape (bodies and query filters): values a schema's own
type accepts but the database or the calendar cannot hold are refused as a 400 naming the
field, before an endpoint runs. Text the database cannot store is refused even earlier, for
every request, by tether.api.parsing.

- Whole numbers: within PostgreSQL's `integer` (±2,147,483,647). Fields with a tighter
  meaning (minutes, counts) say so with their own `ge`/`le`.
- Dates and date-times: years 1900 to 2100, and UTC offsets of whole minutes from -12:00 to
  +14:00; the same rule as the web forms (tether.lib.bounds)."""

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tether.lib.bounds import date_problem

MAX_INT = 2_147_483_647


def _problem(value: Any) -> str | None:
    """Return what is wrong with one value, or None when it can be used."""
    # bool is an int to Python; True is never too large.
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return f"Please give a number between -{MAX_INT:,} and {MAX_INT:,}."
    if isinstance(value, date):  # a datetime is a date too
        return date_problem(value)
    if isinstance(value, list | tuple | set):
        return next((p for p in map(_problem, value) if p), None)
    return None


class Bounded(Schema):
    """A request shape whose every field (and every item of a list field) is checked by
    `_problem`."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        problem = _problem(value)
        if problem:
            raise PydanticCustomError("out_of_range", problem)
        return value
