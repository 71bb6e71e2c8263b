"""/api/v1 engagement endpoints: the same access rules (404 for others) and 400 for bad
input with nothing saved."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from tether.engagement.models import Appointment, AppointmentSeries, Enrollment, OutreachTask
from tether.engagement.services import create_program, enroll_patient, set_weekly_hours
from tether.engagement.sweeps import sweep_missed_appointments

from .conftest import FRIDAY


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


APPOINTMENT = {
    "kind": "check_in",
    "mode": "video",
    "starts_at": "2026-12-01T10:00:00-05:00",
    "ends_at": "2026-12-01T10:30:00-05:00",
}


def test_it_books_and_lists_appointments_in_the_patients_zone(people):
    url = f"/api/v1/patients/{people.patient.pk}/appointments"
    response = _post(_client(people.coordinator), url, APPOINTMENT)
    assert response.status_code == 201, response.content
    assert response.json()["starts_local"] == "2026-12-01T10:00:00-05:00"
    listed = _client(people.patient.user).get(url).json()["items"]  # paginated
    assert [a["id"] for a in listed] == [response.json()["id"]]


@pytest.mark.parametrize(
    "who", ["other_coordinator", "other_clinician", "peer", "outside_admin", "outside_coordinator"]
)
def test_others_get_404(people, who):
    user = getattr(people, who)
    url = f"/api/v1/patients/{people.patient.pk}/appointments"
    assert _client(user).get(url).status_code == 404
    assert _post(_client(user), url, APPOINTMENT).status_code == 404
    assert not Appointment.objects.exists()


def test_a_patient_may_not_book_or_mark_attendance(people, book):
    client = _client(people.patient.user)
    url = f"/api/v1/patients/{people.patient.pk}/appointments"
    assert _post(client, url, APPOINTMENT).status_code == 403
    appointment = book()
    attendance = f"/api/v1/appointments/{appointment.pk}/attendance"
    assert _post(client, attendance, {"attendance": "attended"}).status_code == 404


def test_an_appointment_ending_before_it_starts_is_400(people):
    url = f"/api/v1/patients/{people.patient.pk}/appointments"
    body = {**APPOINTMENT, "ends_at": "2026-12-01T09:00:00-05:00"}
    response = _post(_client(people.coordinator), url, body)
    assert response.status_code == 400
    assert response.json()["problems"] == ["ends_at: The appointment must end after it starts."]
    assert not Appointment.objects.exists()


def test_a_series_with_an_unknown_zone_is_400_and_nothing_saved(people):
    url = f"/api/v1/patients/{people.patient.pk}/appointment-series"
    body = {
        "mode": "phone",
        "every_weeks": 2,
        "first_date": "2026-10-19",
        "local_start_time": "10:00",
        "duration_minutes": 20,
        "time_zone": "Europe/Gondor",
    }
    response = _post(_client(people.coordinator), url, body)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any(p.startswith("time_zone:") for p in problems)
    assert any(p.startswith("count:") for p in problems)
    assert not AppointmentSeries.objects.exists() and not Appointment.objects.exists()
    good = _post(
        _client(people.coordinator),
        url,
        {**body, "time_zone": "America/New_York", "count": 3},
    )
    assert good.status_code == 201
    assert [a["starts_local"][11:16] for a in good.json()["appointments"]] == ["10:00"] * 3


def test_missed_attendance_opens_one_task_and_attempts_close_it(people, book):
    appointment = book()
    client = _client(people.coordinator)
    url = f"/api/v1/appointments/{appointment.pk}/attendance"
    assert _post(client, url, {"attendance": "missed"}).status_code == 200
    assert _post(client, url, {"attendance": "missed"}).status_code == 200
    sweep_missed_appointments(now=FRIDAY + timedelta(days=1))
    [task] = client.get("/api/v1/outreach").json()["items"]
    assert task["appointment_id"] == str(appointment.pk)
    assert OutreachTask.objects.count() == 1
    for outsider in (people.other_coordinator, people.outside_admin):
        attempt = f"/api/v1/outreach/{task['id']}/attempts"
        assert (
            _post(
                _client(outsider), attempt, {"method": "called", "outcome": "reached"}
            ).status_code
            == 404
        )
    response = _post(
        client,
        f"/api/v1/outreach/{task['id']}/attempts",
        {"method": "called", "outcome": "reached"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "done"
    assert client.get("/api/v1/outreach").json()["items"] == []
    assert _client(people.other_coordinator).get("/api/v1/outreach").json()["items"] == []
    assert _client(people.patient.user).get("/api/v1/outreach").status_code == 403


@time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False)
def test_enroll_and_record_intake_through_the_api(people):
    set_weekly_hours(staff=people.coordinator, hours=[(2, time(9), time(11))])  # Wednesdays
    program = create_program(practice=people.practice, name="Anxiety skills group")
    create_program(practice=people.outside_practice, name="Not ours")
    coordinator = _client(people.coordinator)
    programs = coordinator.get("/api/v1/programs").json()["items"]  # paginated
    assert [p["name"] for p in programs] == [program.name]
    url = f"/api/v1/patients/{people.patient.pk}/enrollments"
    created = _post(coordinator, url, {"program_id": str(program.pk)})
    assert created.status_code == 201
    enrollment = created.json()
    assert enrollment["status"] == "awaiting_intake" and not enrollment["unlocked"]
    assert _post(coordinator, url, {"program_id": str(program.pk)}).status_code == 400
    booked = _post(
        _client(people.patient.user),
        f"/api/v1/enrollments/{enrollment['id']}/intake-call",
        {"starts_at": "2026-12-02T15:00:00Z"},
    )
    assert booked.status_code == 201
    intake = f"/api/v1/enrollments/{enrollment['id']}/intake"
    body = {"at": "2026-12-02T15:20:00Z", "duration_minutes": 18, "outcome": "Ready to start."}
    assert _post(_client(people.patient.user), intake, body).status_code == 404
    assert _post(_client(people.other_coordinator), intake, body).status_code == 404
    done = _post(coordinator, intake, body)
    assert done.status_code == 200
    assert done.json()["unlocked"] is True
    assert Appointment.objects.get().attendance == "attended"


def test_it_refuses_an_unknown_field(people):
    program = create_program(practice=people.practice, name="P")
    enrollment = enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    response = _post(
        _client(people.coordinator),
        f"/api/v1/enrollments/{enrollment.pk}/intake",
        {"at": "2026-12-02T15:20:00Z", "duration_minutes": 18, "outcome": "x", "oops": 1},
    )
    assert response.status_code == 400
    assert Enrollment.objects.get().status == "awaiting_intake"
