"""/api/v1 measurement-based care: episodes, their status, the registry and outcomes."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_patient
from tether.assessments.services import submit_assessment
from tether.care.models import TreatmentEpisode
from tether.care.services import start_episode
from tether.engagement.services import create_program

STAFF = ["coordinator", "clinician", "admin"]
STRANGERS = ["other_coordinator", "other_clinician", "peer", "outside_admin", "other_patient"]


def _user(people, persona: str):
    found = getattr(people, persona)
    return found.user if persona in ("patient", "other_patient", "outside_patient") else found


def _client(people, persona: str) -> Client:
    client = Client()
    client.force_login(_user(people, persona))
    return client


def _post(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def _today():
    return timezone.localdate()


def _score(patient, instrument: str, total: int, days_ago: int) -> None:
    n = 9 if instrument == "phq9" else 7
    free = n - 1 if instrument == "phq9" else n
    answers = [total // free + (1 if i < total % free else 0) for i in range(free)]
    submit_assessment(
        patient=patient,
        instrument=instrument,
        answers=answers + [0] * (n - free),
        entered_by=patient.user,
        completed_at=timezone.now() - timedelta(days=days_ago, hours=1),
        send_intake_summary=False,
    )


def _episode(people, patient=None, *, days_ago: int = 70) -> TreatmentEpisode:
    return start_episode(
        patient=patient or people.patient,
        started_on=_today() - timedelta(days=days_ago),
        by=people.admin,
    )


def _problems(response) -> list[str]:
    body = response.json()
    assert set(body) == {"detail", "problems"}
    return body["problems"]


# --- Starting and ending episodes ----------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_it_lets_the_care_team_start_an_episode(people, persona):
    program = create_program(practice=people.practice, name="Guided CBT")
    started = (_today() - timedelta(days=3)).isoformat()

    response = _post(
        _client(people, persona),
        f"/api/v1/patients/{people.patient.pk}/episodes",
        {"started_on": started, "program_id": str(program.pk)},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["started_on"] == started
    assert body["program"] == "Guided CBT"
    assert body["is_open"] is True
    assert TreatmentEpisode.objects.filter(patient=people.patient).count() == 1


@pytest.mark.parametrize("persona", [*STRANGERS, "patient"])
def test_it_answers_404_to_anyone_else_starting_one(people, persona):
    response = _post(
        _client(people, persona),
        f"/api/v1/patients/{people.patient.pk}/episodes",
        {"started_on": _today().isoformat()},
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}
    assert not TreatmentEpisode.objects.exists()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"started_on": "2099-01-01"}, "started_on: An episode cannot start in the future."),
        ({"started_on": "yesterday"}, "started_on"),
        ({}, "started_on"),
        ({"started_on": "2026-01-01", "colour": "red"}, "colour"),
        (
            {"started_on": "2026-01-01", "program_id": "6f1c7a8e-0000-4000-8000-000000000000"},
            "program_id: No such program.",
        ),
    ],
)
def test_it_refuses_a_bad_start_with_400(people, body, problem):
    response = _post(
        _client(people, "coordinator"), f"/api/v1/patients/{people.patient.pk}/episodes", body
    )

    assert response.status_code == 400
    assert any(problem in p for p in _problems(response)), response.json()
    assert not TreatmentEpisode.objects.exists()


def test_it_refuses_a_second_open_episode(people):
    _episode(people)

    response = _post(
        _client(people, "coordinator"),
        f"/api/v1/patients/{people.patient.pk}/episodes",
        {"started_on": _today().isoformat()},
    )

    assert response.status_code == 400
    assert _problems(response) == [
        "started_on: This patient already has an open episode; end it first."
    ]


def test_it_lets_the_care_team_end_an_episode(people):
    episode = _episode(people)

    response = _post(
        _client(people, "clinician"),
        f"/api/v1/episodes/{episode.pk}/end",
        {"ended_on": _today().isoformat(), "reason": "completed"},
    )

    assert response.status_code == 200
    assert response.json()["is_open"] is False
    episode.refresh_from_db()
    assert episode.end_reason == "completed"


@pytest.mark.parametrize("persona", [*STRANGERS, "patient"])
def test_it_answers_404_to_anyone_else_ending_one(people, persona):
    episode = _episode(people)

    response = _post(
        _client(people, persona),
        f"/api/v1/episodes/{episode.pk}/end",
        {"ended_on": _today().isoformat(), "reason": "completed"},
    )

    assert response.status_code == 404
    episode.refresh_from_db()
    assert episode.is_open


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"ended_on": "2000-01-01", "reason": "completed"}, "ended_on: An episode cannot end"),
        ({"ended_on": "2026-01-01", "reason": "bored"}, "reason"),
    ],
)
def test_it_refuses_a_bad_end_with_400(people, body, problem):
    episode = _episode(people)

    response = _post(_client(people, "coordinator"), f"/api/v1/episodes/{episode.pk}/end", body)

    assert response.status_code == 400
    assert any(problem in p for p in _problems(response)), response.json()
    episode.refresh_from_db()
    assert episode.is_open


# --- Listing episodes and their status -----------------------------------------------------


def test_it_lists_only_the_episodes_one_may_see(people):
    mine = _episode(people)
    _episode(people, people.other_patient)

    as_coordinator = _client(people, "coordinator").get("/api/v1/episodes").json()
    as_patient = _client(people, "patient").get("/api/v1/episodes").json()
    as_admin = _client(people, "admin").get("/api/v1/episodes").json()

    assert [e["id"] for e in as_coordinator["items"]] == [str(mine.pk)]
    assert [e["id"] for e in as_patient["items"]] == [str(mine.pk)]
    assert as_admin["count"] == 2


@pytest.mark.parametrize("persona", ["other_coordinator", "other_patient", "outside_admin", "peer"])
def test_it_answers_404_for_another_patients_episodes(people, persona):
    _episode(people)

    response = _client(people, persona).get(f"/api/v1/episodes?patient_id={people.patient.pk}")

    assert response.status_code == 404


def test_it_gives_an_episodes_status_with_labelled_flags(people):
    episode = _episode(people, days_ago=60)
    _score(people.patient, "phq9", 16, 59)
    _score(people.patient, "phq9", 13, 30)

    response = _client(people, "coordinator").get(f"/api/v1/episodes/{episode.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["phq9"]["baseline"]["total"] == 16
    assert body["phq9"]["latest"]["total"] == 13
    assert body["phq9"]["change_points"] == 3
    assert body["phq9"]["response"] is False
    assert body["not_improving"] is True
    assert body["gad7"]["baseline"] is None
    assert {"code": "not_improving", "label": "Not improving at 8 weeks: case review"} in body[
        "flags"
    ]
    assert body["flags"][0]["code"] == "not_improving"


def test_it_gives_the_patient_their_status_without_flags(people):
    episode = _episode(people, days_ago=60)
    _score(people.patient, "phq9", 16, 59)
    _score(people.patient, "phq9", 4, 3)

    body = _client(people, "patient").get(f"/api/v1/episodes/{episode.pk}").json()

    assert body["phq9"]["remission"] is True
    assert body["phq9"]["response"] is True
    assert body["flags"] == []


@pytest.mark.parametrize("persona", STRANGERS)
def test_it_answers_404_for_a_status_one_may_not_see(people, persona):
    episode = _episode(people)

    assert _client(people, persona).get(f"/api/v1/episodes/{episode.pk}").status_code == 404


# --- The registry --------------------------------------------------------------------------


def _caseload(people, size: int) -> list:
    patients = [
        make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            username=f"registry{i}",
            first_name="Pat",
            last_name=f"Number{i:02d}",
        )
        for i in range(size)
    ]
    for i, patient in enumerate(patients):
        _episode(people, patient, days_ago=80 if i % 3 == 0 else 20)
        _score(patient, "phq9", 18, 19 if i % 3 else 79)
        _score(patient, "phq9", 17, 2)
    return patients


def test_it_lists_the_registry_by_need_in_pages(people):
    _caseload(people, 7)
    client = _client(people, "coordinator")

    first = client.get("/api/v1/registry?limit=3&offset=0").json()
    rest = client.get("/api/v1/registry?limit=10&offset=3").json()

    assert first["count"] == rest["count"] == 8  # seven with episodes, and Alex Rivera
    rows = first["items"] + rest["items"]
    assert len({r["patient_id"] for r in rows}) == 8
    assert [r["flags"][0]["code"] for r in rows[:3]] == ["change_plan"] * 3
    assert rows[0]["flags"][0]["label"] == "Still not improving: change the plan"
    assert rows[0]["phq9"] == 17
    assert rows[-1]["name"] == "Alex Rivera" and rows[-1]["episode_id"] is None


def test_it_filters_the_registry_by_flag(people):
    _caseload(people, 4)

    body = _client(people, "admin").get("/api/v1/registry?flag=change_plan").json()

    assert body["count"] == 2
    assert all(r["flags"][0]["code"] == "change_plan" for r in body["items"])


def test_it_filters_the_registry_by_coordinator_and_clinician(people):
    _episode(people, people.other_patient)
    client = _client(people, "admin")

    by_coordinator = client.get(f"/api/v1/registry?coordinator={people.other_coordinator.pk}")
    by_clinician = client.get(f"/api/v1/registry?clinician={people.clinician.pk}")

    assert [r["name"] for r in by_coordinator.json()["items"]] == ["Sam Okafor"]
    assert [r["name"] for r in by_clinician.json()["items"]] == ["Alex Rivera"]


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("flag=panic", "query.flag"),
        ("program=6f1c7a8e-0000-4000-8000-000000000000", "query.program: No such program."),
        ("clinician=999999", "query.clinician: No such clinician in this practice."),
        ("coordinator=abc", "query.coordinator"),
        ("limit=-1", "limit"),
    ],
)
def test_it_refuses_bad_registry_filters_with_400(people, query, problem):
    response = _client(people, "admin").get(f"/api/v1/registry?{query}")

    assert response.status_code == 400
    assert any(problem in p for p in _problems(response)), response.json()


def test_it_refuses_another_practices_coordinator_as_a_filter(people):
    response = _client(people, "admin").get(
        f"/api/v1/registry?coordinator={people.outside_coordinator.pk}"
    )

    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["patient", "peer"])
def test_it_answers_404_to_the_registry_for_non_staff(people, persona):
    response = _client(people, persona).get("/api/v1/registry")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}


def test_it_keeps_other_practices_out_of_the_registry(people):
    _episode(people)

    body = _client(people, "outside_admin").get("/api/v1/registry").json()

    assert [r["name"] for r in body["items"]] == ["Jo Lindqvist"]


def test_it_asks_to_sign_in(db):
    assert Client().get("/api/v1/registry").status_code == 401
    assert Client().get("/api/v1/episodes").status_code == 401


# --- Outcomes ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clinician", "admin"])
def test_it_gives_clinicians_and_admins_aggregate_outcomes(people, persona):
    _caseload(people, 3)

    response = _client(people, persona).get("/api/v1/outcomes")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["episodes"] == 3
    phq9 = body["instruments"][0]
    assert phq9["code"] == "phq9"
    assert phq9["response"]["suppressed"] is True  # fewer than 10 patients: counts only
    assert phq9["response"]["rate"] is None
    text = json.dumps(body)
    assert "Number0" not in text and "patient_id" not in text


@pytest.mark.parametrize("persona", ["coordinator", "patient", "peer"])
def test_it_answers_404_to_outcomes_for_anyone_else(people, persona):
    assert _client(people, persona).get("/api/v1/outcomes").status_code == 404


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("start=2026-05-01&end=2026-01-01", "start: The start must be on or before the end."),
        ("start=soon", "query.start"),
        ("program=6f1c7a8e-0000-4000-8000-000000000000", "program: No such program."),
    ],
)
def test_it_refuses_bad_outcome_filters_with_400(people, query, problem):
    response = _client(people, "admin").get(f"/api/v1/outcomes?{query}")

    assert response.status_code == 400
    assert any(problem in p for p in _problems(response)), response.json()


def test_it_still_generates_the_openapi_document(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/episodes",
        "/api/v1/patients/{patient_id}/episodes",
        "/api/v1/episodes/{episode_id}",
        "/api/v1/episodes/{episode_id}/end",
        "/api/v1/registry",
        "/api/v1/outcomes",
    ):
        assert path in paths


def test_it_offers_the_same_clinicians_to_filter_by_as_the_page(people):
    # The page lists active staff only; a deactivated account is no choice in the API either.
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])

    response = _client(people, "admin").get(f"/api/v1/registry?clinician={people.clinician.pk}")

    assert response.status_code == 400
    assert any("No such clinician in this practice." in p for p in _problems(response))
