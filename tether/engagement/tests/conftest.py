from datetime import UTC, datetime, timedelta

import pytest

from tether.engagement.models import Appointment
from tether.engagement.services import book_appointment
from tether.network.models import Consent, ConsentScope, SupportContact
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


@pytest.fixture
def trusted_person_told_of_missed_sessions(people):
    """Maria, a trusted person who accepted and may be told of the patient's missed sessions."""
    contact = SupportContact.objects.create(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        email="maria@example.org",
        invitation="accepted",
        created_by=people.patient.user,
    )
    Consent.objects.create(
        contact=contact,
        scope=ConsentScope.MISSED_SESSION,
        granted_at=FRIDAY - timedelta(days=10),
        granted_by=people.patient.user,
    )
    return contact
