"""Bad input to /api/v1 is a 400 in the API's error shape, never a server error, and saves
nothing: text the database cannot store (a NUL character, a lone surrogate), dates and
numbers past what the calendar and the columns hold, impossible time-zone offsets. A crisis
post refused for such a character still brings the crisis resources.

Each case was a 500 on PostgreSQL (psycopg refuses NUL in text) and most were one on SQLite
too, or a NUL saved silently."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.api.input import MAX_INT
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.engagement.models import Appointment, AppointmentSeries, Enrollment
from tether.engagement.services import create_program, enroll_patient
from tether.lib.text import UNSTORABLE_MESSAGE
from tether.network.models import SafetyPlan, SupportContact
from tether.peers.models import ExperienceProfile, Post

CRISIS_WORDS = "I can't do this anymore. I want to end my life."


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, body) -> object:
    raw = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(f"/api/v1{url}", raw, content_type="application/json")


def _refused(response, field: str) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == UNSTORABLE_MESSAGE
    assert body["problems"] == [f"{field}: {UNSTORABLE_MESSAGE}"]
    return body


# --- Text the database cannot store ----------------------------------------------------------


def test_a_nul_in_the_safety_plan_is_refused_and_nothing_saved(people):
    url = f"/patients/{people.patient.pk}/safety-plan"
    body = {"warning_signs": ["Not sleeping", "Pacing\x00 at night"]}

    _refused(_send(_client(people.patient.user), "put", url, body), "warning_signs.1")

    assert not SafetyPlan.objects.exists()


@pytest.mark.parametrize("field", ["name", "details", "phone", "email"])
def test_a_nul_in_a_contact_is_refused_and_nothing_saved(people, field):
    url = f"/patients/{people.patient.pk}/contacts"
    body = {"kind": "trusted_person", "name": "Ann Lee", field: "Ann\x00"}

    _refused(_send(_client(people.patient.user), "post", url, body), field)

    assert not SupportContact.objects.exists()


def test_a_nul_in_a_contact_change_is_refused_and_the_contact_kept(people):
    client = _client(people.patient.user)
    created = _send(
        client,
        "post",
        f"/patients/{people.patient.pk}/contacts",
        {"kind": "trusted_person", "name": "Ann Lee"},
    )
    assert created.status_code == 201, created.content
    url = f"/patients/{people.patient.pk}/contacts/{created.json()['id']}"

    _refused(_send(client, "patch", url, {"details": "Sister\x00"}), "details")

    assert SupportContact.objects.get().details == ""


def test_a_lone_surrogate_in_json_is_refused_not_a_server_error(peer_world):
    client = _client(peer_world.people.patient.user)
    url = f"/peer-groups/{peer_world.parents.pk}/posts"

    # "\ud800" is valid JSON, but half a character: no UTF-8 database can hold it.
    _refused(_send(client, "post", url, '{"body": "Hello \\ud800 everyone"}'), "body")
    # A pair of surrogates is one real character (an emoji) and is saved.
    saved = _send(client, "post", url, '{"body": "Hello \\ud83d\\ude00 everyone"}')

    assert saved.status_code == 201, saved.content
    assert Post.objects.get().body == "Hello \N{GRINNING FACE} everyone"


def test_a_nul_in_a_post_is_refused_and_nothing_saved(peer_world):
    client = _client(peer_world.people.patient.user)

    response = _send(
        client, "post", f"/peer-groups/{peer_world.parents.pk}/posts", {"body": "Hi\x00 all"}
    )

    body = _refused(response, "body")
    assert "crisis_resources" not in body
    assert not Post.objects.exists()


def test_a_crisis_post_with_a_nul_is_refused_with_the_crisis_resources(peer_world):
    client = _client(peer_world.people.patient.user)

    response = _send(
        client,
        "post",
        f"/peer-groups/{peer_world.parents.pk}/posts",
        {"body": CRISIS_WORDS.replace("end", "e\x00nd")},
    )

    body = _refused(response, "body")
    assert body["crisis_resources"], "the crisis lines come with the refusal"
    assert {"name", "kind", "contacts"} <= set(body["crisis_resources"][0])
    assert "not saved" in body["support_message"]
    # Refused before saving: no post, and no alert about words no one can read.
    assert not Post.objects.exists()
    assert not RiskAlert.objects.exists()


def test_a_crisis_experience_with_a_nul_is_refused_with_the_crisis_resources(people):
    client = _client(people.patient.user)

    response = _send(client, "put", "/me/experience", {"description": CRISIS_WORDS + "\x00"})

    assert _refused(response, "description")["crisis_resources"]
    assert not ExperienceProfile.objects.exists()


def test_staff_words_refused_for_a_nul_carry_no_crisis_resources(people):
    alert = raise_risk_alert(
        patient=people.patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
    )
    client = _client(people.coordinator)

    response = _send(client, "post", f"/alerts/{alert.pk}/resolve", {"note": CRISIS_WORDS + "\x00"})

    assert "crisis_resources" not in _refused(response, "note")
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_a_nul_in_a_query_parameter_is_refused(people):
    response = _client(people.coordinator).get("/api/v1/registry", {"flag": "\x00"})

    _refused(response, "flag")


# --- Dates, time zones and numbers -----------------------------------------------------------


def test_outcomes_over_the_whole_calendar_are_refused(people):
    client = _client(people.clinician)

    response = client.get("/api/v1/outcomes", {"start": "0001-01-01", "end": "9999-12-31"})

    assert response.status_code == 400, response.content
    assert response.json()["problems"] == [
        "query.start: Please give a date from 1900 to 2100.",
        "query.end: Please give a date from 1900 to 2100.",
    ]
    ok = client.get("/api/v1/outcomes", {"start": "1900-01-01", "end": "2100-12-31"})
    assert ok.status_code == 200, ok.content


def _series(**changes) -> dict:
    return {
        "mode": "phone",
        "every_weeks": 2,
        "first_date": "2026-10-19",
        "local_start_time": "10:00",
        "duration_minutes": 30,
        "time_zone": "America/New_York",
        "count": 2,
    } | changes


@pytest.mark.parametrize("minutes", [10**30, MAX_INT + 1, 32_768, 8 * 60 + 1])
def test_a_huge_duration_is_refused_and_nothing_saved(people, minutes):
    url = f"/patients/{people.patient.pk}/appointment-series"

    response = _send(_client(people.coordinator), "post", url, _series(duration_minutes=minutes))

    assert response.status_code == 400, response.content
    assert response.json()["problems"][0].startswith("duration_minutes: ")
    assert not AppointmentSeries.objects.exists() and not Appointment.objects.exists()


def test_an_intake_call_of_a_huge_length_is_refused(people):
    program = create_program(practice=people.practice, name="Anxiety skills group")
    enrollment = enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    client = _client(people.coordinator)
    starts = (timezone.now() + timedelta(days=2)).isoformat()

    booking = _send(
        client,
        "post",
        f"/enrollments/{enrollment.pk}/intake-call",
        {"starts_at": starts, "duration_minutes": 10**12},
    )
    record = _send(
        client,
        "post",
        f"/enrollments/{enrollment.pk}/intake",
        {"at": starts, "duration_minutes": 10**12, "outcome": "Went well"},
    )

    assert booking.status_code == record.status_code == 400
    assert not Appointment.objects.exists()
    assert Enrollment.objects.get().status == Enrollment.Status.AWAITING_INTAKE


@pytest.mark.parametrize(
    "offset, status",
    [
        ("-16:55", 400),  # no place on Earth; PostgreSQL refused it with a 500
        ("+15:00", 400),
        ("-12:30", 400),
        ("-12:00", 201),
        ("+14:00", 201),  # Kiribati
        ("+05:45", 201),  # Nepal
    ],
)
def test_time_zone_offsets_are_limited_to_real_ones(people, offset, status):
    url = f"/patients/{people.patient.pk}/appointments"
    body = {
        "kind": "check_in",
        "mode": "phone",
        "starts_at": f"2026-12-01T10:00:00{offset}",
        "ends_at": f"2026-12-01T11:00:00{offset}",
    }

    response = _send(_client(people.coordinator), "post", url, body)

    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["problems"] == [
            "starts_at: Please give a time-zone offset from -12:00 to +14:00 in whole minutes.",
            "ends_at: Please give a time-zone offset from -12:00 to +14:00 in whole minutes.",
        ]
        assert not Appointment.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_time_at_the_ends_of_the_calendar_is_refused(people, when):
    url = f"/patients/{people.patient.pk}/appointments"
    body = {"kind": "check_in", "mode": "phone", "starts_at": when, "ends_at": when}

    response = _send(_client(people.coordinator), "post", url, body)

    assert response.status_code == 400, response.content
    assert not Appointment.objects.exists()


def test_an_id_past_the_databases_integers_is_refused(people):
    body = {
        "clinician_id": 10**20,
        "starts_at": "2026-12-01T10:00:00+00:00",
        "ends_at": "2026-12-01T20:00:00+00:00",
    }

    response = _send(_client(people.admin), "post", "/on-call", body)

    assert response.status_code == 400, response.content
    assert response.json()["problems"][0].startswith("clinician_id: Please give a number")


def test_a_limit_of_a_trillion_is_refused(people):
    response = _client(people.coordinator).get("/api/v1/registry", {"limit": 10**12})

    assert response.status_code == 400
    assert "limit" in response.json()["detail"]
