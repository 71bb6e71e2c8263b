"""The base of every /api/v1 request shape (bodies and query filters): values a schema's own
type accepts but the database or the calendar cannot hold are refused as a 400 naming the
field, before an endpoint runs. Text the database cannot store is refused even earlier, for
every request, by tether.api.parsing.

- Whole numbers: within PostgreSQL's `integer` (±2,147,483,647). Fields with a tighter
  meaning (minutes, counts) say so with their own `ge`/`le`.
- Dates and date-times: years 1900 to 2100 (DATE_RANGE), so that adding a year or turning a
  time into UTC never runs off Python's calendar (year 1 to 9999).
- Date-times' UTC offsets: whole minutes from -12:00 to +14:00, the offsets in use on Earth
  (PostgreSQL refuses some beyond them, e.g. -16:55)."""

from datetime import date, datetime, timedelta
from typing import Any

from ninja import Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

MAX_INT = 2_147_483_647
DATE_RANGE = (date(1900, 1, 1), date(2100, 12, 31))
UTC_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))


def _problem(value: Any) -> str | None:
    """Return what is wrong with one value, or None when it can be used."""
    # bool is an int to Python; True is never too large.
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return f"Please give a number between -{MAX_INT:,} and {MAX_INT:,}."
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is not None and (
            not UTC_OFFSETS[0] <= offset <= UTC_OFFSETS[1] or offset % timedelta(minutes=1)
        ):
            return "Please give a time-zone offset from -12:00 to +14:00 in whole minutes."
        value = value.date()
    if isinstance(value, date) and not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        first, last = DATE_RANGE
        return f"Please give a date from {first.year} to {last.year}."
    if isinstance(value, list | tuple | set):
        return next((p for p in map(_problem, value) if p), None)
    return None


class Input(Schema):
    """A request shape whose every field (and every item of a list field) is checked by
    `_problem`."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        problem = _problem(value)
        if problem:
            raise PydanticCustomError("out_of_range", problem)
        return value
