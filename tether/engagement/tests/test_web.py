"""The web pages: patient's appointments and programs, staff booking, the outreach queue."""

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse

from tether.engagement.models import Appointment, AppointmentSeries, Enrollment, OutreachTask
from tether.engagement.services import (
    create_program,
    enroll_patient,
    record_attendance,
    set_weekly_hours,
)

from .conftest import FRIDAY


@pytest.fixture
def enrollment(people):
    program = create_program(practice=people.practice, name="8-week guided CBT for depression")
    return enroll_patient(patient=people.patient, program=program, by=people.coordinator)


@time_machine.travel("2026-11-30T12:00:00Z", tick=False)
def test_it_shows_the_intake_call_as_the_first_step(client, people, enrollment):
    set_weekly_hours(staff=people.coordinator, hours=[(1, time(10), time(11))])  # Tuesdays
    client.force_login(people.patient.user)
    page = client.get(reverse("my_programs")).content.decode()
    assert "Next step: a short intake call" in page
    response = client.post(
        reverse("book_my_intake", args=[enrollment.pk]),
        {"mode": "phone", "slot": "2026-12-01T15:00:00+00:00"},
    )
    assert response.status_code == 302
    call = Appointment.objects.get()
    assert call.kind == "intake_call" and call.enrollment == enrollment
    assert call.starts_in("America/New_York").hour == 10
    page = client.get(reverse("my_programs")).content.decode()
    assert "Your intake call is booked" in page


def test_the_patient_sees_upcoming_appointments_in_their_zone(client, people, book):
    people.patient.time_zone = "Europe/London"
    people.patient.save(update_fields=["time_zone"])
    book(starts_at=FRIDAY + timedelta(days=3))
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(people.patient.user)
        page = client.get(reverse("my_appointments")).content.decode()
    assert "15:00" in page and "GMT" in page  # Monday 15:00 UTC in London
    assert "10:00 EST at the practice" in page


def test_staff_book_a_series_and_see_errors(client, people):
    client.force_login(people.coordinator)
    url = reverse("staff_book_series", args=[people.patient.pk])
    form = {
        "mode": "phone",
        "every_weeks": "1",
        "first_date": "2026-10-26",
        "local_start_time": "10:00",
        "duration_minutes": "30",
        "time_zone": "Nowhere/Special",
        "count": "3",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "is not a known IANA time zone" in response.content.decode()
    assert not AppointmentSeries.objects.exists()
    response = client.post(url, {**form, "time_zone": "America/New_York"})
    assert response.status_code == 302
    assert Appointment.objects.filter(series__isnull=False).count() == 3


def test_staff_mark_missed_and_work_the_queue(client, people, book):
    appointment = book()
    # Sessions expire by the clock, so every request happens at the same (travelled) time.
    with time_machine.travel(FRIDAY + timedelta(days=4), tick=False):
        client.force_login(people.coordinator)
        client.post(
            reverse("staff_mark_attendance", args=[appointment.pk]), {"attendance": "missed"}
        )
        task = OutreachTask.objects.get()
        task.due_at = FRIDAY
        task.save(update_fields=["due_at"])
        page = client.get(reverse("outreach_queue")).content.decode()
        assert people.patient.full_name in page and "Overdue" in page
        response = client.post(
            reverse("outreach_attempt", args=[task.pk]),
            {"method": "voicemail", "outcome": "not_reached"},
        )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.attempts.count() == 1 and task.status == "open"


def test_staff_record_the_intake_call(client, people, enrollment):
    client.force_login(people.coordinator)
    page = client.get(reverse("staff_engagement", args=[people.patient.pk]))
    assert "Record intake call" in page.content.decode()
    client.post(
        reverse("staff_record_intake", args=[enrollment.pk]),
        {"at": "2026-11-20T10:00", "duration_minutes": "20", "outcome": "Good first talk."},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize("who", ["other_coordinator", "peer", "outside_admin"])
def test_others_get_404_on_staff_pages(client, people, book, enrollment, who):
    appointment = book()
    record_attendance(appointment=appointment, attendance="missed", by=people.coordinator)
    task = OutreachTask.objects.get()
    client.force_login(getattr(people, who))
    for name, arg in [
        ("staff_engagement", people.patient.pk),
        ("staff_book_appointment", people.patient.pk),
        ("staff_mark_attendance", appointment.pk),
        ("staff_record_intake", enrollment.pk),
        ("outreach_attempt", task.pk),
    ]:
        method = client.get if name == "staff_engagement" else client.post
        assert method(reverse(name, args=[arg])).status_code == 404, name
    if who != "peer":
        assert (
            people.patient.full_name not in client.get(reverse("outreach_queue")).content.decode()
        )


def test_a_patient_cannot_book_intake_on_someone_elses_enrollment(client, people):
    program = create_program(practice=people.practice, name="P")
    theirs = enroll_patient(patient=people.other_patient, program=program, by=people.coordinator)
    client.force_login(people.patient.user)
    assert client.post(reverse("book_my_intake", args=[theirs.pk])).status_code == 404
