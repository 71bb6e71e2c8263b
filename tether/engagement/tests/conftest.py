from datetime import UTC, datetime, timedelta

import pytest

from tether.engagement.models import Appointment
from tether.engagement.services import book_appointment
from tether.notifications.tests.fake_twilio import twilio  # noqa: F401  (reminders by SMS)

# A Friday, 10:00 in New York (the demo practice's zone).
FRIDAY = datetime(2026, 11, 20, 15, tzinfo=UTC)


@pytest.fixture
def book(people):
    def book(*, patient=None, kind=Appointment.Kind.CHECK_IN, starts_at=None, minutes=30):
        starts_at = starts_at or FRIDAY - timedelta(hours=2)
        return book_appointment(
            patient=patient or people.patient,
            kind=kind,
            mode=Appointment.Mode.PHONE,
            staff=people.coordinator,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            booked_by=people.coordinator,
        )

    return book
