"""Recurrence and business-day arithmetic (pure functions)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tether.engagement.schedule import Invalid, next_business_day_at, occurrences

NY = ZoneInfo("America/New_York")


def test_it_keeps_ten_local_across_the_autumn_dst_change():
    starts = occurrences(
        first_date=date(2026, 10, 26),
        local_start=time(10),
        time_zone="America/New_York",
        every_weeks=1,
        count=2,
    )
    assert [s.astimezone(NY).time() for s in starts] == [time(10), time(10)]
    # EDT (UTC-4) before 1 November, EST (UTC-5) after.
    assert starts == [
        datetime(2026, 10, 26, 14, tzinfo=UTC),
        datetime(2026, 11, 2, 15, tzinfo=UTC),
    ]


def test_it_stops_at_until_inclusive():
    starts = occurrences(
        first_date=date(2026, 1, 5),
        local_start=time(9, 30),
        time_zone="Europe/London",
        every_weeks=2,
        until=date(2026, 2, 2),
    )
    assert len(starts) == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"every_weeks": 1}, "count"),
        ({"every_weeks": 0, "count": 3}, "every_weeks"),
        ({"every_weeks": 3, "count": 3}, "every_weeks"),
        ({"every_weeks": 1, "count": 0}, "count"),
        ({"every_weeks": 1, "until": date(2025, 12, 1)}, "until"),
        ({"every_weeks": 1, "count": 3, "time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_it_refuses_bad_schedules_clearly(kwargs, field):
    args = {"first_date": date(2026, 1, 5), "local_start": time(10), "time_zone": "UTC"}
    with pytest.raises(Invalid) as caught:
        occurrences(**{**args, **kwargs})
    assert field in caught.value.problems
    assert caught.value.problems[field]


@pytest.mark.parametrize(
    ("local_now", "due_local"),
    [
        (datetime(2026, 11, 20, 11, tzinfo=NY), datetime(2026, 11, 23, 17, tzinfo=NY)),  # Fri
        (datetime(2026, 11, 21, 11, tzinfo=NY), datetime(2026, 11, 23, 17, tzinfo=NY)),  # Sat
        (datetime(2026, 11, 22, 23, tzinfo=NY), datetime(2026, 11, 23, 17, tzinfo=NY)),  # Sun
        (datetime(2026, 11, 23, 9, tzinfo=NY), datetime(2026, 11, 24, 17, tzinfo=NY)),  # Mon
        # 23:30 Thursday in New York is already Friday in UTC: the local date counts.
        (datetime(2026, 11, 19, 23, 30, tzinfo=NY), datetime(2026, 11, 20, 17, tzinfo=NY)),
    ],
)
def test_it_is_due_at_five_on_the_next_business_day(local_now, due_local):
    assert next_business_day_at(local_now.astimezone(UTC), "America/New_York") == due_local
