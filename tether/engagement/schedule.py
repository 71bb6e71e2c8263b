"""Pure calendar arithmetic: recurring occurrences and business-day due times. No ORM."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tether.lib.errors import PleaseCheck

EVERY_WEEKS = (1, 2, 4)
MAX_OCCURRENCES = 104  # two years of weekly check-ins
OUTREACH_DUE_HOUR = 17


class Invalid(PleaseCheck):
    """Input that cannot be saved; `problems` maps each field to what is wrong with it."""


def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone `name`, or raise Invalid naming it."""
    if name not in available_timezones():
        raise Invalid({"time_zone": f"“{name}” is not a known IANA time zone."})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid({"time_zone": f"“{name}” is not a known IANA time zone."}) from None


def occurrences(
    *,
    first_date: date,
    local_start: time,
    time_zone: str,
    every_weeks: int,
    count: int | None = None,
    until: date | None = None,
) -> list[datetime]:
    """Return each occurrence's start in UTC. The local wall-clock time is kept in the named
    zone, so 10:00 stays 10:00 across a daylight-saving change (its UTC offset moves)."""
    problems: dict[str, str] = {}
    try:
        zone(time_zone)
    except Invalid as error:
        problems.update(error.problems)
    if every_weeks not in EVERY_WEEKS:
        problems["every_weeks"] = "Repeat every 1, 2 or 4 weeks."
    if count is None and until is None:
        problems["count"] = "Give a number of occurrences or an end date."
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        problems["count"] = f"Give between 1 and {MAX_OCCURRENCES} occurrences."
    if until is not None and until < first_date:
        problems["until"] = "The end date is before the first date."
    if problems:
        raise Invalid(problems)
    tz = ZoneInfo(time_zone)
    starts: list[datetime] = []
    day = first_date
    while len(starts) < (count or MAX_OCCURRENCES) and (until is None or day <= until):
        starts.append(datetime.combine(day, local_start, tzinfo=tz).astimezone(UTC))
        day += timedelta(weeks=every_weeks)
    if until is not None and len(starts) == MAX_OCCURRENCES and day <= until:
        raise Invalid(
            {"until": f"That makes more than {MAX_OCCURRENCES} occurrences; end it sooner."}
        )
    return starts


def next_business_day_at(
    after: datetime, time_zone: str, hour: int = OUTREACH_DUE_HOUR
) -> datetime:
    """Return `hour`:00 on the next business day (Monday to Friday) after `after`'s local date
    in `time_zone`, in UTC. Friday and the weekend both give Monday."""
    tz = ZoneInfo(time_zone)
    day = after.astimezone(tz).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
