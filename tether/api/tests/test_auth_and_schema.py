"""How /api/v1 knows who is calling, what its OpenAPI document promises, and the caseload
(the registry, also at its old address)."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_patient
from tether.accounts.models import ApiToken
from tether.assessments.models import Assessment
from tether.assessments.services import submit_assessment
from tether.care import views_registry
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert, resolve_alert
from tether.engagement.models import Appointment

PHQ9 = {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}


def _token(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _post_json(client: Client, url: str, body: dict, **kwargs):
    return client.post(url, json.dumps(body), content_type="application/json", **kwargs)


# Bearer tokens.


def test_it_prints_a_token_that_works_as_a_bearer_token(people):
    token = _token("coordinator")

    response = Client().get("/api/v1/caseload", headers=_bearer(token))

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["items"]] == ["Alex Rivera"]


def test_it_keeps_only_the_tokens_hash(people):
    token = _token("coordinator")

    stored = ApiToken.objects.get(user=people.coordinator)
    assert stored.key_hash == ApiToken.hash(token)
    assert token not in stored.key_hash
    assert len(token) >= 32


def test_it_records_when_a_token_was_last_used(people):
    token = _token("coordinator")
    assert ApiToken.objects.get().last_used_at is None

    Client().get("/api/v1/alerts", headers=_bearer(token))

    assert ApiToken.objects.get().last_used_at is not None


def test_it_labels_a_token(people):
    out = StringIO()

    call_command("create_api_token", "clinician", "--label", "EHR sync", stdout=out)

    assert ApiToken.objects.get(user=people.clinician).name == "EHR sync"


@pytest.mark.parametrize("username", ["nobody", ""])
def test_it_refuses_a_token_for_an_unknown_user(people, username):
    with pytest.raises(CommandError):
        call_command("create_api_token", username, stdout=StringIO())

    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_for_an_inactive_user(people):
    people.coordinator.is_active = False
    people.coordinator.save(update_fields=["is_active"])

    with pytest.raises(CommandError):
        call_command("create_api_token", "coordinator", stdout=StringIO())


def test_it_writes_with_a_bearer_token_and_no_csrf_token(people):
    token = _token("coordinator")
    client = Client(enforce_csrf_checks=True)

    response = _post_json(
        client,
        f"/api/v1/patients/{people.patient.pk}/assessments",
        PHQ9,
        headers=_bearer(token),
    )

    assert response.status_code == 201
    assert Assessment.objects.get().entered_by == people.coordinator


def test_a_token_sees_only_what_its_user_may_see(people):
    token = _token("other_coordinator")

    response = Client().get(
        f"/api/v1/patients/{people.patient.pk}/assessments", headers=_bearer(token)
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token abc",
        "Basic Y29vcmRpbmF0b3I6cGFzc3dvcmQ=",
        "",
    ],
)
@pytest.mark.parametrize("csrf", [False, True], ids=["lenient-client", "csrf-enforced"])
def test_it_answers_401_to_a_wrong_or_missing_token(people, authorization, csrf):
    _token("coordinator")
    client = Client(enforce_csrf_checks=csrf)
    headers = {"Authorization": authorization} if authorization else {}
    url = f"/api/v1/patients/{people.patient.pk}/assessments"

    read = client.get(url, headers=headers)
    write = _post_json(client, url, PHQ9, headers=headers)

    assert read.status_code == 401
    assert write.status_code == 401
    assert not Assessment.objects.exists()


def test_it_answers_401_to_a_token_whose_hash_is_sent_instead(people):
    token = _token("coordinator")

    response = Client().get("/api/v1/alerts", headers=_bearer(ApiToken.hash(token)))

    assert response.status_code == 401


def test_it_answers_401_to_an_inactive_users_token(people):
    token = _token("coordinator")
    people.coordinator.is_active = False
    people.coordinator.save(update_fields=["is_active"])
    client = Client(enforce_csrf_checks=True)
    url = f"/api/v1/patients/{people.patient.pk}/assessments"

    read = client.get(url, headers=_bearer(token))
    write = _post_json(client, url, PHQ9, headers=_bearer(token))

    assert read.status_code == 401
    assert write.status_code == 401
    assert not Assessment.objects.exists()


# Browser sessions.


def test_it_accepts_a_session_for_reading(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.coordinator)

    response = client.get("/api/v1/alerts")

    assert response.status_code == 200


def test_it_refuses_a_session_write_without_a_csrf_token(people):
    alert = raise_risk_alert(
        patient=people.patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.coordinator)

    posted = _post_json(client, f"/api/v1/patients/{people.patient.pk}/assessments", PHQ9)
    acknowledged = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")

    assert posted.status_code == 403
    assert acknowledged.status_code == 403
    assert not Assessment.objects.exists()
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


def test_it_accepts_a_session_write_with_a_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.coordinator)
    client.get("/staff/registry/")  # the page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = _post_json(
        client,
        f"/api/v1/patients/{people.patient.pk}/assessments",
        PHQ9,
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201


def test_it_answers_401_to_an_inactive_users_session(people):
    client = Client()
    client.force_login(people.coordinator)
    people.coordinator.is_active = False
    people.coordinator.save(update_fields=["is_active"])

    response = client.get("/api/v1/alerts")

    assert response.status_code == 401


def test_it_answers_401_to_anonymous_writes_even_when_csrf_is_enforced(people):
    alert = raise_risk_alert(
        patient=people.patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
    )
    client = Client(enforce_csrf_checks=True)

    acknowledged = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    resolved = _post_json(client, f"/api/v1/alerts/{alert.pk}/resolve", {"note": "x"})

    assert acknowledged.status_code == 401
    assert resolved.status_code == 401
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


# The OpenAPI document.


@pytest.fixture
def openapi(db) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_openapi_document_has_no_key_twice(db):
    """ninja keys declared answers by number and the common ones were added as text: the
    document said "400" twice and Swagger UI showed a parser error instead of the API."""

    def unique(pairs: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"a key twice in {keys}"
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=unique)


def test_the_openapi_document_is_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "Tether API"


def test_the_openapi_document_lists_every_path(openapi):
    operations = {(path, method) for path, item in openapi["paths"].items() for method in item}

    assert operations >= {
        ("/api/v1/instruments", "get"),
        ("/api/v1/patients/{patient_id}/assessments", "get"),
        ("/api/v1/patients/{patient_id}/assessments", "post"),
        ("/api/v1/alerts", "get"),
        ("/api/v1/alerts/{alert_id}/acknowledge", "post"),
        ("/api/v1/alerts/{alert_id}/resolve", "post"),
        ("/api/v1/caseload", "get"),
    }


def _schema(openapi: dict, ref: str) -> dict:
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_assessment_request_names_the_instruments(openapi):
    post = openapi["paths"]["/api/v1/patients/{patient_id}/assessments"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]

    schema = _schema(openapi, ref)

    assert set(schema["required"]) >= {"instrument", "answers"}
    assert schema["properties"]["instrument"]["enum"] == ["phq9", "gad7", "phq2", "gad2", "mspss"]
    answers = schema["properties"]["answers"]
    assert answers["items"]["enum"] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert (answers["minItems"], answers["maxItems"]) == (2, 12)


def test_the_assessment_response_names_the_severities(openapi):
    post = openapi["paths"]["/api/v1/patients/{patient_id}/assessments"]["post"]
    ref = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]

    schema = _schema(openapi, ref)

    assert set(schema["properties"]["severity"]["enum"]) == {
        "minimal",
        "mild",
        "moderate",
        "moderately severe",
        "severe",
        "negative",
        "positive",
        "low",
        "high",
        "",  # an unfinished questionnaire (kept for its question 9) has no severity
    }
    assert "alert_id" in schema["properties"]
    assert "crisis" in schema["properties"]


def test_the_openapi_document_declares_both_ways_to_sign_in(openapi):
    schemes = openapi["components"]["securitySchemes"]

    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    assert openapi["paths"]["/api/v1/caseload"]["get"]["security"]
    assert not openapi["paths"]["/api/v1/instruments"]["get"].get("security")


# The caseload.


def _submit(patient, by, code: str, answers: list[int], days_ago: float):
    return submit_assessment(
        patient=patient,
        instrument=code,
        answers=answers,
        entered_by=by,
        completed_at=timezone.now() - timedelta(days=days_ago),
    )


def _phq9(total: int, item9: int = 0) -> list[int]:
    answers = [0] * 9
    remaining = total - item9
    for i in range(8):
        answers[i] = min(3, remaining)
        remaining -= answers[i]
    answers[8] = item9
    assert remaining == 0
    return answers


def _gad7(total: int) -> list[int]:
    answers = [0] * 7
    remaining = total
    for i in range(7):
        answers[i] = min(3, remaining)
        remaining -= answers[i]
    return answers


@pytest.fixture
def caseload(people):
    coordinator, clinician = people.coordinator, people.clinician

    def add(first: str, last: str):
        return make_patient(
            practice=people.practice,
            coordinator=coordinator,
            clinicians=[clinician],
            first_name=first,
            last_name=last,
        )

    rivera = people.patient
    _submit(rivera, clinician, "phq9", _phq9(18), days_ago=20)
    _submit(rivera, clinician, "phq9", _phq9(15), days_ago=10)
    _submit(rivera, clinician, "phq9", _phq9(9), days_ago=2)
    _submit(rivera, clinician, "gad7", _gad7(12), days_ago=3)

    adams = add("Bea", "Adams")
    _submit(adams, clinician, "phq9", _phq9(5), days_ago=4)
    _submit(adams, clinician, "phq9", _phq9(7), days_ago=1)
    raise_risk_alert(patient=adams, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=clinician)

    brown = add("Dee", "Brown")
    risky = _submit(brown, clinician, "phq9", _phq9(21, item9=1), days_ago=5)
    resolve_alert(alert=risky.alert, by=coordinator, note="Called; safe.")
    _submit(brown, clinician, "gad7", _gad7(4), days_ago=6)
    _submit(brown, clinician, "gad7", _gad7(4), days_ago=5)

    zed = add("Cy", "Zed")

    zimmer = add("Ann", "Zimmer")
    _submit(zimmer, clinician, "phq9", _phq9(2, item9=2), days_ago=1)

    return {"rivera": rivera, "adams": adams, "brown": brown, "zed": zed, "zimmer": zimmer}


def test_the_caseload_lists_alerting_patients_first_with_latest_scores(people, caseload):
    client = Client()
    client.force_login(people.coordinator)

    # The caseload is the registry: the old path answers exactly as /registry.
    response = client.get("/api/v1/caseload")

    assert response.status_code == 200
    body = response.json()
    assert body == client.get("/api/v1/registry").json()
    assert body["count"] == 5
    rows = {row["name"]: row for row in body["items"]}
    assert [row["name"] for row in body["items"]] == [
        "Bea Adams",
        "Ann Zimmer",
        "Dee Brown",
        "Alex Rivera",
        "Cy Zed",
    ]
    alerts = [[f["code"] for f in row["flags"]] == ["open_alert"] for row in body["items"]]
    assert alerts == [True, True, False, False, False]
    assert rows["Alex Rivera"]["patient_id"] == str(caseload["rivera"].pk)
    # Without an open episode, the latest score whatever the episode.
    assert (rows["Alex Rivera"]["phq9"], rows["Alex Rivera"]["gad7"]) == (9, 12)
    assert (rows["Bea Adams"]["phq9"], rows["Bea Adams"]["gad7"]) == (7, None)
    assert (rows["Dee Brown"]["phq9"], rows["Dee Brown"]["gad7"]) == (21, 4)
    assert rows["Ann Zimmer"]["phq9"] == 2
    assert (rows["Cy Zed"]["phq9"], rows["Cy Zed"]["gad7"]) == (None, None)


def test_the_caseload_shows_the_last_contact(people, caseload):
    # Last contact is human contact (care.contact): questionnaires and resolving an alert do
    # not count, an attended session does.
    starts = timezone.now() - timedelta(days=3)
    Appointment.objects.create(
        patient=caseload["rivera"],
        kind=Appointment.Kind.SESSION,
        mode=Appointment.Mode.VIDEO,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        attendance=Appointment.Attendance.ATTENDED,
    )
    client = Client()
    client.force_login(people.coordinator)

    rows = {row["name"]: row for row in client.get("/api/v1/caseload").json()["items"]}

    assert rows["Cy Zed"]["last_contact_at"] is None
    assert rows["Dee Brown"]["last_contact_at"] is None
    rivera_contact = datetime.fromisoformat(rows["Alex Rivera"]["last_contact_at"])
    assert abs(rivera_contact - starts) < timedelta(milliseconds=1)


def test_the_caseload_is_only_the_callers_patients(people, caseload):
    client = Client()
    client.force_login(people.other_coordinator)

    rows = client.get("/api/v1/caseload").json()["items"]

    assert [row["name"] for row in rows] == ["Sam Okafor"]


def test_the_caseload_pages(people, caseload):
    client = Client()
    client.force_login(people.coordinator)

    first = client.get("/api/v1/caseload", {"limit": 2}).json()
    rest = client.get("/api/v1/caseload", {"limit": 2, "offset": 2}).json()

    assert first["count"] == rest["count"] == 5
    names = [row["name"] for row in first["items"] + rest["items"]]
    assert names == ["Bea Adams", "Ann Zimmer", "Dee Brown", "Alex Rivera"]


def test_the_caseload_page_shows_the_same_rows(people, caseload):
    client = Client()
    client.force_login(people.coordinator)

    moved = client.get("/staff/caseload/?page=1")
    assert (moved.status_code, moved["Location"]) == (301, "/staff/registry/?page=1")
    page = client.get("/staff/caseload/", follow=True).content.decode()

    order = ["Adams, Bea", "Zimmer, Ann", "Brown, Dee", "Rivera, Alex", "Zed, Cy"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    assert "−6" in page  # Rivera's PHQ-9 fell from 15 to 9
    assert "no change" in page  # Brown's GAD-7


# The caseload costs the same number of queries whatever its length.


def _grow_caseload(people, upto: int) -> None:
    """Give `people.coordinator` `upto` patients, each with scores and some with alerts."""
    have = people.coordinator.care_teams.count()
    for n in range(have, upto):
        patient = make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            first_name=f"Pat{n:02d}",
            last_name=f"Load{n:02d}",
        )
        _submit(patient, people.clinician, "phq9", _phq9(n % 20), days_ago=9)
        _submit(
            patient, people.clinician, "phq9", _phq9((n * 7) % 20 + n % 2, item9=n % 2), days_ago=2
        )
        _submit(patient, people.clinician, "gad7", _gad7(n % 15), days_ago=3)
        if n % 3 == 0:
            raise_risk_alert(
                patient=patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
            )


def _count_queries(client: Client, url: str) -> tuple[int, object]:
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_caseload_api_costs_the_same_queries_for_3_and_30_patients(people):
    client = Client()
    client.force_login(people.coordinator)
    url = "/api/v1/caseload?limit=50"

    _grow_caseload(people, 3)
    few, response = _count_queries(client, url)
    assert len(response.json()["items"]) == 3

    _grow_caseload(people, 30)
    many, response = _count_queries(client, url)
    assert len(response.json()["items"]) == 30
    assert sum(row["phq9"] is None for row in response.json()["items"]) == 1  # people.patient

    assert many == few


def test_the_caseload_page_costs_the_same_queries_for_3_and_30_patients(people, monkeypatch):
    monkeypatch.setattr(views_registry, "REGISTRY_PAGE_SIZE", 50)
    client = Client()
    client.force_login(people.coordinator)
    url = "/staff/registry/"

    _grow_caseload(people, 3)
    few, response = _count_queries(client, url)
    assert response.content.decode().count('href="/staff/patients/') == 3

    _grow_caseload(people, 30)
    many, response = _count_queries(client, url)
    assert response.content.decode().count('href="/staff/patients/') == 30

    assert many == few
