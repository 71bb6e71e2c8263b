"""POST /api/v1/me/not-safe and /api/v1/me/screener: the crisis layer through the API, for
the patient only."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.crisis.models import OnCallShift, RiskAlert, RiskScreen
from tether.notifications.models import Notification

NOT_SAFE = "/api/v1/me/not-safe"
SCREENER = "/api/v1/me/screener"
ALL_NO = {"wish_dead": False, "thoughts": False, "behavior": False}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, url: str, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def on_call(people):
    now = timezone.now()
    return OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=now - timedelta(hours=4),
        ends_at=now + timedelta(hours=4),
    )


# --- I'm not safe -------------------------------------------------------------------------------


def test_a_patient_saying_not_safe_raises_an_alert_and_gets_the_crisis_resources(people, on_call):
    response = _post(_client(people.patient.user), NOT_SAFE)

    assert response.status_code == 201, response.content
    body = response.json()
    alert = RiskAlert.objects.get()
    assert body["alert_id"] == str(alert.pk)
    assert alert.patient == people.patient
    assert alert.reason == RiskAlert.Reason.PATIENT_NOT_SAFE
    assert alert.raised_by == people.patient.user
    hrefs = [c["href"] for r in body["crisis_resources"] for c in r["contacts"]]
    assert "tel:988" in hrefs
    assert body["support_message"]
    assert Notification.objects.filter(user=people.clinician).exists()


def test_pressing_again_adds_to_the_alert_already_open(people, on_call):
    client = _client(people.patient.user)

    first = _post(client, NOT_SAFE).json()
    second = _post(client, NOT_SAFE).json()

    assert first["alert_id"] == second["alert_id"]
    assert RiskAlert.objects.count() == 1


@pytest.mark.parametrize("who", ["coordinator", "clinician", "admin", "peer", "outside_admin"])
def test_staff_cannot_say_not_safe_for_anyone(people, who):
    response = _post(_client(getattr(people, who)), NOT_SAFE)

    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."
    assert not RiskAlert.objects.exists()


def test_a_signed_out_caller_gets_401(people):
    response = _post(_client(), NOT_SAFE)

    assert response.status_code == 401
    assert response.json()["detail"]
    assert not RiskAlert.objects.exists()


def test_not_safe_is_in_the_openapi_document(people):
    schema = _client(people.patient.user).get("/api/v1/openapi.json").json()

    assert "post" in schema["paths"]["/api/v1/me/not-safe"]
    assert "post" in schema["paths"]["/api/v1/me/screener"]


# --- The Columbia screener ----------------------------------------------------------------------


def test_a_screen_sets_the_triage_of_the_open_alert(people):
    client = _client(people.patient.user)
    alert_id = _post(client, NOT_SAFE).json()["alert_id"]

    response = _post(client, SCREENER, {"answers": ALL_NO | {"wish_dead": True}})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["triage"] == "low"
    assert body["alert_id"] == alert_id
    assert body["call_first"] is None
    assert body["crisis"]["crisis_resources"]
    assert RiskAlert.objects.get().triage == "low"


def test_a_high_screen_pages_at_once_and_puts_the_call_first(people, on_call):
    client = _client(people.patient.user)
    _post(client, NOT_SAFE)

    answers = ALL_NO | {"behavior": True, "behavior_recent": True}
    body = _post(client, SCREENER, {"answers": answers}).json()

    assert body["triage"] == "high"
    assert body["call_first"] == "tel:988"
    assert Notification.objects.filter(user=people.admin).exists()
    assert Notification.objects.filter(user=people.other_clinician).exists()


def test_all_no_on_its_own_raises_no_alert(people):
    body = _post(_client(people.patient.user), SCREENER, {"answers": ALL_NO}).json()

    assert body["alert_id"] is None
    assert body["triage"] == "low"
    assert body["crisis"]["support_message"]
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"wish_dead": True}, "Please answer question 2."),
        (ALL_NO | {"intent": True}, "Question 4 is asked only after a yes to question 2"),
        (ALL_NO | {"behavior": "yes"}, "Question 6: answer true (yes) or false (no)."),
    ],
)
def test_bad_answers_get_a_clear_400_and_nothing_is_stored(people, answers, problem):
    response = _post(_client(people.patient.user), SCREENER, {"answers": answers})

    assert response.status_code == 400
    assert problem in response.json()["detail"]
    assert not RiskScreen.objects.exists()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "clinician"])
def test_staff_cannot_answer_the_patients_screener_through_me(people, who):
    response = _post(_client(getattr(people, who)), SCREENER, {"answers": ALL_NO})

    assert response.status_code == 404
    assert not RiskScreen.objects.exists()
