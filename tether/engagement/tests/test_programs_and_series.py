"""The intake gate, booking and recurring series through the services."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tether.engagement.models import Appointment, AppointmentSeries, Enrollment
from tether.engagement.services import (
    EngagementInvalid,
    book_appointment,
    book_intake_call,
    create_program,
    create_series,
    enroll_patient,
    record_intake_call,
    set_weekly_hours,
)

from .conftest import FRIDAY


@pytest.fixture
def program(people):
    return create_program(practice=people.practice, name="8-week guided CBT for depression")


def test_an_enrollment_unlocks_only_after_the_intake_call(people, program):
    enrollment = enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    assert enrollment.status == Enrollment.Status.AWAITING_INTAKE
    assert not enrollment.unlocked
    set_weekly_hours(staff=people.coordinator, hours=[(4, time(9), time(11))])  # Fridays
    call = book_intake_call(
        enrollment=enrollment,
        starts_at=FRIDAY,
        booked_by=people.patient.user,
        now=FRIDAY - timedelta(days=1),
    )
    assert call.kind == Appointment.Kind.INTAKE_CALL
    assert call.staff == people.coordinator
    record_intake_call(
        enrollment=enrollment,
        by=people.coordinator,
        at=FRIDAY + timedelta(minutes=25),
        duration_minutes=20,
        outcome="Goals agreed; starts Monday.",
    )
    enrollment.refresh_from_db()
    call.refresh_from_db()
    assert enrollment.unlocked
    assert enrollment.intake_by == people.coordinator
    assert enrollment.intake_duration_minutes == 20
    assert call.attendance == Appointment.Attendance.ATTENDED
    with pytest.raises(EngagementInvalid):
        record_intake_call(
            enrollment=enrollment, by=people.coordinator, at=FRIDAY, duration_minutes=5, outcome="x"
        )


def test_it_refuses_an_intake_without_duration_or_outcome(people, program):
    enrollment = enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    with pytest.raises(EngagementInvalid) as caught:
        record_intake_call(
            enrollment=enrollment, by=people.coordinator, at=FRIDAY, duration_minutes=0, outcome=" "
        )
    assert set(caught.value.problems) == {"duration_minutes", "outcome"}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.AWAITING_INTAKE


def test_it_allows_one_open_enrollment_per_program(people, program):
    enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    with pytest.raises(EngagementInvalid):
        enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    assert Enrollment.objects.count() == 1


def test_it_refuses_another_practices_program(people):
    theirs = create_program(practice=people.outside_practice, name="Theirs")
    with pytest.raises(EngagementInvalid):
        enroll_patient(patient=people.patient, program=theirs, by=people.coordinator)


def test_it_refuses_an_appointment_ending_before_it_starts(people):
    with pytest.raises(EngagementInvalid) as caught:
        book_appointment(
            patient=people.patient,
            kind="check_in",
            mode="phone",
            staff=people.coordinator,
            starts_at=FRIDAY,
            ends_at=FRIDAY - timedelta(minutes=1),
            booked_by=people.coordinator,
        )
    assert "ends_at" in caught.value.problems
    assert not Appointment.objects.exists()


def _series(people, **kwargs):
    args = {
        "patient": people.patient,
        "staff": people.coordinator,
        "mode": "video",
        "every_weeks": 1,
        "first_date": date(2026, 10, 19),
        "local_start_time": time(10),
        "duration_minutes": 30,
        "time_zone": "America/New_York",
        "created_by": people.coordinator,
    }
    return create_series(**{**args, **kwargs})


def test_a_weekly_series_stays_at_ten_local_across_dst(people):
    series = _series(people, count=4)
    starts = [a.starts_at for a in series.appointments.order_by("starts_at")]
    assert starts == [
        datetime(2026, 10, 19, 14, tzinfo=UTC),
        datetime(2026, 10, 26, 14, tzinfo=UTC),
        datetime(2026, 11, 2, 15, tzinfo=UTC),  # after 1 November: EST
        datetime(2026, 11, 9, 15, tzinfo=UTC),
    ]
    assert all(a.starts_in("America/New_York").hour == 10 for a in series.appointments.all())
    assert all(a.ends_at - a.starts_at == timedelta(minutes=30) for a in series.appointments.all())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "count"),
        ({"count": 3, "every_weeks": 0}, "every_weeks"),
        ({"count": 3, "time_zone": "America/Atlantis"}, "time_zone"),
        ({"until": date(2026, 10, 1)}, "until"),
        ({"count": 3, "duration_minutes": 0}, "duration_minutes"),
    ],
)
def test_a_bad_series_is_refused_and_nothing_is_saved(people, kwargs, field):
    with pytest.raises(EngagementInvalid) as caught:
        _series(people, **kwargs)
    assert field in caught.value.problems
    assert not AppointmentSeries.objects.exists()
    assert not Appointment.objects.exists()
