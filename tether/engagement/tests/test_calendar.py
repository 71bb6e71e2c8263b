"""The patient's iCalendar feed behind a secret link, read back with a real parser."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from tether.engagement.calendar import calendar_for, feed_url, make_feed_token
from tether.engagement.models import Appointment

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def _appointment(patient, staff, starts_at, minutes=30, **fields):
    fields.setdefault("kind", Appointment.Kind.CHECK_IN)
    fields.setdefault("mode", Appointment.Mode.PHONE)
    return Appointment.objects.create(
        patient=patient,
        staff=staff,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )


def _events(ical: bytes):
    return Calendar.from_ical(ical).walk("VEVENT")


@pytest.fixture
def priya(people):
    people.coordinator.first_name = "Priya"
    people.coordinator.save()
    return people.coordinator


def test_each_non_cancelled_appointment_is_one_event_in_utc_across_dst(people, priya):
    patient = people.patient
    # Weekly 10:00 New York check-ins across the 8 March 2026 change to daylight time.
    before = datetime(2026, 3, 4, 10, 0, tzinfo=NY)
    after = datetime(2026, 3, 11, 10, 0, tzinfo=NY)
    first = _appointment(patient, priya, before.astimezone(UTC))
    second = _appointment(
        patient, priya, after.astimezone(UTC), minutes=45, mode=Appointment.Mode.VIDEO
    )
    _appointment(
        patient,
        priya,
        datetime(2026, 3, 18, 14, 0, tzinfo=UTC),
        attendance=Appointment.Attendance.CANCELLED_BY_PRACTICE,
    )
    _appointment(people.other_patient, priya, datetime(2026, 3, 5, 14, 0, tzinfo=UTC))

    events = _events(calendar_for(patient))

    assert len(events) == 2
    one, two = events
    assert str(one["UID"]) == f"{first.pk}@127.0.0.1"
    assert str(two["UID"]) == f"{second.pk}@127.0.0.1"
    assert one.decoded("DTSTART") == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # EST, UTC-5
    assert two.decoded("DTSTART") == datetime(2026, 3, 11, 14, 0, tzinfo=UTC)  # EDT, UTC-4
    assert two.decoded("DTEND") == datetime(2026, 3, 11, 14, 45, tzinfo=UTC)
    for event in events:
        assert event.decoded("DTSTART").astimezone(NY).hour == 10
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert "DTSTAMP" in event
    assert str(one["SUMMARY"]) == "Check-in with Priya (phone)"
    assert str(two["SUMMARY"]) == "Check-in with Priya (video)"
    raw = calendar_for(patient).decode()
    assert "DTSTART:20260304T150000Z" in raw
    assert "Rivera" not in raw and "DESCRIPTION" not in raw


def test_the_uid_is_stable_from_one_fetch_to_the_next(people, priya):
    _appointment(people.patient, priya, datetime(2026, 3, 4, 15, 0, tzinfo=UTC))

    assert [e["UID"] for e in _events(calendar_for(people.patient))] == [
        e["UID"] for e in _events(calendar_for(people.patient))
    ]


def test_the_secret_link_serves_the_feed_and_resetting_retires_it(client, people, priya):
    _appointment(people.patient, priya, datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
    client.force_login(people.patient.user)
    # The signed link carries its signing second: the page and feed_url must see the same one.
    with time_machine.travel(timezone.now(), tick=False):
        page = client.get("/me/notifications/").content.decode()
        url = feed_url(people.patient)
    assert url in page
    path = url.removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/calendar/") and path.endswith(".ics")
    client.logout()

    response = client.get(path)  # no sign-in: the link is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(_events(response.content)) == 1

    client.force_login(people.patient.user)
    assert client.post("/me/notifications/calendar/reset/").status_code == 302
    client.logout()
    assert client.get(path).status_code == 404
    new_path = feed_url(people.patient).removeprefix("http://127.0.0.1:8000")
    assert new_path != path
    assert client.get(new_path).status_code == 200


def test_a_forged_or_foreign_token_finds_nothing(client, people):
    token = make_feed_token(people.patient)
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/calendar/nonsense.ics").status_code == 404


def test_staff_see_no_calendar_link_and_cannot_reset_one(client, people):
    client.force_login(people.coordinator)
    assert "calendar-link" not in client.get("/me/notifications/").content.decode()
    assert client.post("/me/notifications/calendar/reset/").status_code == 404
