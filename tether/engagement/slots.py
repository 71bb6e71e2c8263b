"""Bookable slots from published hours, as a pure function (no ORM): weekly hours plus the
date's exceptions, cut into slots of a fixed length, minus the times already booked.

Hours are wall-clock times in the practice's zone and slots are laid out on that wall clock,
so a 09:00-12:00 Monday gives 09:00, 09:20, … in winter and in summer alike. Across a
daylight-saving change: a wall time that does not exist (02:30 on the spring-forward night in
New York) is never offered, and a wall time that happens twice (01:30 on the fall-back night)
is offered once, its first occurrence. Each slot is returned in UTC.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The standard lengths of what a patient can book; nobody edits them per booking.
INTAKE_CALL_MINUTES = 20
CHECK_IN_MINUTES = 15


@dataclass(frozen=True)
class Hours:
    """Weekly hours: a weekday (0 Monday … 6 Sunday) and local start and end."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Exception_:
    """One date's change: `off` (the whole day when no times) or extra hours."""

    on: date
    off: bool
    starts: time | None = None
    ends: time | None = None


def _windows(day: date, weekly: Sequence[Hours], exceptions: Sequence[Exception_]):
    """Return the date's open (start, end) wall-clock windows: weekly hours, minus time off,
    plus extra hours."""
    todays = [e for e in exceptions if e.on == day]
    if any(e.off and e.starts is None for e in todays):
        windows = []
    else:
        windows = [(h.starts, h.ends) for h in weekly if h.weekday == day.weekday()]
    windows += [(e.starts, e.ends) for e in todays if not e.off and e.starts and e.ends]
    offs = [(e.starts, e.ends) for e in todays if e.off and e.starts and e.ends]
    return windows, offs


def _exists(local: datetime) -> bool:
    """Return whether a wall-clock time exists (is not skipped by a spring-forward change)."""
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


def free_slots(
    *,
    weekly: Sequence[Hours],
    exceptions: Sequence[Exception_],
    busy: Iterable[tuple[datetime, datetime]],
    zone: str,
    first_day: date,
    last_day: date,
    minutes: int,
    not_before: datetime,
) -> list[datetime]:
    """Return the UTC starts of the free slots of `minutes` from `first_day` to `last_day`
    (local dates, inclusive) that start at or after `not_before` and overlap nothing in
    `busy` (UTC start, end pairs)."""
    tz = ZoneInfo(zone)
    length = timedelta(minutes=minutes)
    taken = sorted(busy)
    starts: set[datetime] = set()
    day = first_day
    while day <= last_day:
        windows, offs = _windows(day, weekly, exceptions)
        for opens, closes in windows:
            wall = datetime.combine(day, opens)
            end_wall = datetime.combine(day, closes)
            while wall + length <= end_wall:
                clock = wall.time()
                off = any(s < (wall + length).time() and clock < e for s, e in offs)
                local = wall.replace(tzinfo=tz)  # fold=0: the first of a repeated hour
                if not off and _exists(local):
                    start = local.astimezone(UTC)
                    end = start + length
                    if start >= not_before and not any(s < end and start < e for s, e in taken):
                        starts.add(start)
                wall += length
        day += timedelta(days=1)
    return sorted(starts)
