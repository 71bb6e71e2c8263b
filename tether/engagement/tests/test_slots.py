"""Slots from published hours (the pure function): only inside the hours, minus time off and
bookings, plus extra hours, and right across New York's daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tether.engagement.slots import Exception_, Hours, free_slots

NY = "America/New_York"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _slots(weekly, *, first, last=None, exceptions=(), busy=(), minutes=20, not_before=LONG_AGO):
    return free_slots(
        weekly=weekly,
        exceptions=list(exceptions),
        busy=list(busy),
        zone=NY,
        first_day=first,
        last_day=last or first,
        minutes=minutes,
        not_before=not_before,
    )


def _local(slots):
    return [s.astimezone(ZoneInfo(NY)).strftime("%a %H:%M") for s in slots]


MONDAY_MORNING = [Hours(0, time(9), time(10))]


def test_it_offers_slots_only_inside_the_published_hours():
    # Monday 2026-11-23 to Sunday 2026-11-29: only Monday has hours.
    slots = _slots(MONDAY_MORNING, first=date(2026, 11, 23), last=date(2026, 11, 29))
    assert _local(slots) == ["Mon 09:00", "Mon 09:20", "Mon 09:40"]


def test_it_never_offers_sunday_3am_unless_it_is_published():
    week = (date(2026, 11, 23), date(2026, 11, 29))
    assert not [
        s for s in _local(_slots(MONDAY_MORNING, first=week[0], last=week[1])) if "Sun" in s
    ]
    night = [Hours(6, time(3), time(3, 40))]
    assert _local(_slots(night, first=week[0], last=week[1])) == ["Sun 03:00", "Sun 03:20"]


def test_a_slot_that_would_run_past_the_end_is_not_offered():
    slots = _slots([Hours(0, time(9), time(9, 50))], first=date(2026, 11, 23))
    assert _local(slots) == ["Mon 09:00", "Mon 09:20"]


def test_booked_times_and_the_past_are_not_offered():
    first = _slots(MONDAY_MORNING, first=date(2026, 11, 23))[0]
    busy = [(first + timedelta(minutes=25), first + timedelta(minutes=40))]  # overlaps 09:20
    slots = _slots(
        MONDAY_MORNING, first=date(2026, 11, 23), busy=busy, not_before=first + timedelta(1 / 1440)
    )
    assert _local(slots) == ["Mon 09:40"]


def test_a_day_off_removes_the_day_and_hours_off_remove_their_slots():
    monday = date(2026, 11, 23)
    assert _slots(MONDAY_MORNING, first=monday, exceptions=[Exception_(monday, off=True)]) == []
    partly = Exception_(monday, off=True, starts=time(9, 15), ends=time(9, 30))
    assert _local(_slots(MONDAY_MORNING, first=monday, exceptions=[partly])) == ["Mon 09:40"]


def test_extra_hours_add_slots_on_their_date_only():
    tuesday = date(2026, 11, 24)
    extra = Exception_(tuesday, off=False, starts=time(14), ends=time(14, 30))
    slots = _slots(
        [], first=tuesday - timedelta(days=1), last=tuesday + timedelta(days=7), exceptions=[extra]
    )
    assert _local(slots) == ["Tue 14:00"]


def test_spring_forward_keeps_wall_clock_hours_and_skips_the_missing_hour():
    # 2027-03-14: New York's clocks go from 02:00 to 03:00.
    sunday = date(2027, 3, 14)
    night = [Hours(6, time(1), time(4))]
    slots = _slots(night, first=sunday)
    local = [s.astimezone(ZoneInfo(NY)).strftime("%H:%M") for s in slots]
    assert local == ["01:00", "01:20", "01:40", "03:00", "03:20", "03:40"]
    # Monday's 09:00 is 13:00 UTC after the change (14:00 the Monday before).
    assert _slots(MONDAY_MORNING, first=date(2027, 3, 15))[0] == datetime(
        2027, 3, 15, 13, tzinfo=UTC
    )
    assert _slots(MONDAY_MORNING, first=date(2027, 3, 8))[0] == datetime(2027, 3, 8, 14, tzinfo=UTC)


def test_fall_back_offers_the_repeated_hour_once_and_keeps_wall_clock_hours():
    # 2026-11-01: New York's clocks go from 02:00 back to 01:00.
    sunday = date(2026, 11, 1)
    slots = _slots([Hours(6, time(1), time(2))], first=sunday)
    assert [s.astimezone(ZoneInfo(NY)).strftime("%H:%M") for s in slots] == [
        "01:00",
        "01:20",
        "01:40",
    ]
    assert len(set(slots)) == 3
    # The first occurrence (EDT, UTC-4).
    assert slots[0] == datetime(2026, 11, 1, 5, tzinfo=UTC)
    assert _slots(MONDAY_MORNING, first=date(2026, 11, 2))[0] == datetime(
        2026, 11, 2, 14, tzinfo=UTC
    )
    assert _slots(MONDAY_MORNING, first=date(2026, 10, 26))[0] == datetime(
        2026, 10, 26, 13, tzinfo=UTC
    )
