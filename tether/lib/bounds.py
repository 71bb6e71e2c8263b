"""The dates and times Tether accepts from anyone, on a page or through the API: years 1900 to
2100 (DATE_RANGE), so that adding a year or turning a local time into UTC never runs off
Python's calendar (year 1 to 9999), and UTC offsets of whole minutes from -12:00 to +14:00,
the offsets in use on Earth (PostgreSQL refuses some beyond them, e.g. -16:55)."""

from datetime import date, datetime, timedelta

DATE_RANGE = (date(1900, 1, 1), date(2100, 12, 31))
UTC_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))

DATE_MESSAGE = f"Please give a date from {DATE_RANGE[0].year} to {DATE_RANGE[1].year}."
OFFSET_MESSAGE = "Please give a time-zone offset from -12:00 to +14:00 in whole minutes."


def date_problem(value: date) -> str | None:
    """Return what is wrong with a date or date-time (with its offset, if any), or None."""
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is not None and (
            not UTC_OFFSETS[0] <= offset <= UTC_OFFSETS[1] or offset % timedelta(minutes=1)
        ):
            return OFFSET_MESSAGE
        value = value.date()
    if not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        return DATE_MESSAGE
    return None


def in_range(value: date | None) -> date | None:
    """Return `value` when it is usable (see date_problem), else None: for pages that read a
    date from the address and fall back to their default."""
    return value if value is None or date_problem(value) is None else None
