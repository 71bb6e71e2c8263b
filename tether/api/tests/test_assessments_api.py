"""POST and GET /api/v1/patients/{id}/assessments: scoring, risk alerts, and bad input."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.assessments.models import Assessment
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert


@pytest.fixture
def client(people) -> Client:
    client = Client()
    client.force_login(people.coordinator)
    return client


def _url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/assessments"


def _post(client: Client, patient, body) -> object:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(_url(patient), raw, content_type="application/json")


def _phq9(*answers: int, **extra) -> dict:
    return {"instrument": "phq9", "answers": list(answers), **extra}


@pytest.mark.parametrize(
    ("answers", "total", "severity"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 0], 8, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], 24, "severe"),
    ],
)
def test_it_scores_a_phq9_without_risk(people, client, answers, total, severity):
    response = _post(client, people.patient, _phq9(*answers))

    assert response.status_code == 201
    body = response.json()
    assert body["instrument"] == "phq9"
    assert body["total"] == total
    assert body["severity"] == severity
    assert body["risk"] is False
    assert body["alert_id"] is None
    assert body["answers"] == answers
    assert body["source"] == "staff_entered"
    stored = Assessment.objects.get(pk=body["id"])
    assert stored.patient == people.patient
    assert stored.total == total
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_it_raises_an_alert_when_question_9_is_above_zero(people, client, item9):
    response = _post(client, people.patient, _phq9(3, 3, 3, 3, 3, 3, 3, 3, item9))

    assert response.status_code == 201
    body = response.json()
    assert body["total"] == 24 + item9
    assert body["severity"] == "severe"
    assert body["risk"] is True
    alert = RiskAlert.objects.get(pk=body["alert_id"])
    assert alert.patient == people.patient
    assert str(alert.assessment_id) == body["id"]
    assert alert.reason == RiskAlert.Reason.PHQ9_ITEM9
    assert alert.status == RiskAlert.Status.OPEN


def test_it_raises_an_alert_for_question_9_even_with_a_minimal_total(people, client):
    response = _post(client, people.patient, _phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))

    body = response.json()
    assert body["severity"] == "minimal"
    assert body["risk"] is True
    assert RiskAlert.objects.filter(pk=body["alert_id"]).exists()


def test_it_marks_a_patients_own_submission_as_self_report(people):
    client = Client()
    client.force_login(people.patient.user)

    response = _post(client, people.patient, _phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))

    assert response.status_code == 201
    assert response.json()["source"] == "self_report"


@pytest.mark.parametrize("difficulty", [0, 1, 2, 3])
def test_it_keeps_the_optional_difficulty_answer(people, client, difficulty):
    response = _post(
        client, people.patient, _phq9(1, 0, 0, 0, 0, 0, 0, 0, 0, difficulty=difficulty)
    )

    assert response.status_code == 201
    assert response.json()["difficulty"] == difficulty
    assert response.json()["total"] == 1


def test_it_leaves_difficulty_empty_when_not_given(people, client):
    response = _post(client, people.patient, _phq9(1, 0, 0, 0, 0, 0, 0, 0, 0))

    assert response.json()["difficulty"] is None


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "severity"),
    [
        ("gad7", [3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ("gad7", [1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ("phq2", [1, 1], 2, "negative"),
        ("phq2", [2, 1], 3, "positive"),
        ("gad2", [3, 3], 6, "positive"),
    ],
)
def test_it_scores_the_other_instruments(people, client, instrument, answers, total, severity):
    response = _post(client, people.patient, {"instrument": instrument, "answers": answers})

    assert response.status_code == 201
    body = response.json()
    assert (body["instrument"], body["total"], body["severity"]) == (instrument, total, severity)
    assert body["risk"] is False
    assert body["alert_id"] is None


NINE = [1, 1, 1, 1, 1, 1, 1, 1, 1]

BAD_BODIES = {
    "missing answers": {"instrument": "phq9"},
    "missing instrument": {"answers": NINE},
    "8 answers": _phq9(*NINE[:8]),
    "10 answers": _phq9(*NINE, 1),
    "no answers": _phq9(),
    "an answer of 4": _phq9(1, 1, 1, 4, 1, 1, 1, 1, 0),
    'a string "2"': {"instrument": "phq9", "answers": [1, 1, "2", 1, 1, 1, 1, 1, 0]},
    "a negative answer": _phq9(1, 1, 1, -1, 1, 1, 1, 1, 0),
    "true as an answer": {"instrument": "phq9", "answers": [True, 1, 1, 1, 1, 1, 1, 1, 0]},
    "a null answer": {"instrument": "phq9", "answers": [1, 1, None, 1, 1, 1, 1, 1, 0]},
    "a fractional answer": {"instrument": "phq9", "answers": [1, 1, 1.5, 1, 1, 1, 1, 1, 0]},
    "a list as an answer": {"instrument": "phq9", "answers": [[1], 1, 1, 1, 1, 1, 1, 1, 0]},
    "answers a string": {"instrument": "phq9", "answers": "111111110"},
    "answers an object": {"instrument": "phq9", "answers": {"1": 1}},
    "answers null": {"instrument": "phq9", "answers": None},
    "answers a number": {"instrument": "phq9", "answers": 9},
    "unknown instrument": {"instrument": "phq10", "answers": NINE},
    "instrument a number": {"instrument": 9, "answers": NINE},
    "instrument null": {"instrument": None, "answers": NINE},
    "difficulty of 9": _phq9(*NINE[:8], 0, difficulty=9),
    "difficulty of -1": _phq9(*NINE[:8], 0, difficulty=-1),
    'difficulty "2"': _phq9(*NINE[:8], 0, difficulty="2"),
    "difficulty true": _phq9(*NINE[:8], 0, difficulty=True),
    "difficulty on the GAD-7": {"instrument": "gad7", "answers": NINE[:7], "difficulty": 1},
    "GAD-7 with 9 answers": {"instrument": "gad7", "answers": NINE},
    "PHQ-2 with 9 answers": {"instrument": "phq2", "answers": NINE},
    "a JSON list body": [1, 2, 3],
    "a JSON string body": "phq9",
    "a JSON null body": None,
}
BAD_RAW_BODIES = {
    "invalid JSON": '{"instrument": "phq9", "answers": [1, 1,',
    "not JSON at all": "instrument=phq9",
    "an empty body": "",
    "bytes that are not UTF-8": b"\xff\xfe\x00",
}


def _assert_refused(response, before: int) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert len(body["detail"]) > 10
    assert Assessment.objects.count() == before
    assert not RiskAlert.objects.exists()
    return body


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_it_refuses_bad_input_with_a_clear_400(people, client, body):
    before = Assessment.objects.count()

    raw = json.dumps(body)
    response = client.post(_url(people.patient), raw, content_type="application/json")

    _assert_refused(response, before)


@pytest.mark.parametrize("raw", BAD_RAW_BODIES.values(), ids=BAD_RAW_BODIES.keys())
def test_it_refuses_a_body_that_is_not_json(people, client, raw):
    before = Assessment.objects.count()

    response = client.post(_url(people.patient), raw, content_type="application/json")

    _assert_refused(response, before)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"instrument": "phq9"}, "answers"),
        (_phq9(*NINE[:8]), "9 questions; 8 answers"),
        (_phq9(*NINE, 1), "9 questions; 10 answers"),
        (_phq9(1, 1, 1, 4, 1, 1, 1, 1, 0), "Question 4"),
        ({"instrument": "phq9", "answers": [1, 1, "2", 1, 1, 1, 1, 1, 0]}, "Question 3"),
        ({"instrument": "phq9", "answers": [1, 1, None, 1, 1, 1, 1, 1, 0]}, "needs an answer"),
        ({"instrument": "phq10", "answers": NINE}, "phq10"),
        (_phq9(*NINE[:8], 0, difficulty=9), "difficulty"),
        ({"instrument": "gad7", "answers": NINE}, "GAD-7 has 7 questions"),
    ],
)
def test_it_names_the_problem(people, client, body, words):
    response = _post(client, people.patient, body)

    assert words in response.json()["detail"]


def test_it_names_every_bad_answer_at_once(people, client):
    response = _post(client, people.patient, _phq9(4, 1, -1, 1, 1, 1, 1, 1, "x"))

    problems = response.json()["problems"]
    assert [p.split(" ")[1] for p in problems] == ["1", "3", "9"]


@pytest.mark.parametrize("name", ["other_patient", "outside_patient"])
def test_it_answers_404_for_someone_elses_patient(people, client, name):
    response = _post(client, getattr(people, name), _phq9(*NINE))

    assert response.status_code == 404
    assert response.json()["detail"]
    assert not Assessment.objects.exists()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize("name", ["other_patient", "outside_patient"])
def test_it_answers_404_for_someone_elses_patient_even_with_bad_input(people, client, name):
    response = _post(client, getattr(people, name), {"instrument": "phq10"})

    assert response.status_code in (400, 404)
    assert not Assessment.objects.exists()


def test_it_lists_assessments_newest_first(people, client):
    now = timezone.now()
    made = [
        submit_assessment(
            patient=people.patient,
            instrument=code,
            answers=[1] * length,
            entered_by=people.coordinator,
            completed_at=now - timedelta(days=days),
        ).assessment
        for code, length, days in [("phq9", 9, 10), ("gad7", 7, 1), ("phq9", 9, 5)]
    ]
    submit_assessment(
        patient=people.other_patient,
        instrument="phq9",
        answers=[0] * 9,
        entered_by=people.other_coordinator,
    )

    response = client.get(_url(people.patient))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [a["id"] for a in body["items"]] == [str(made[1].pk), str(made[2].pk), str(made[0].pk)]
    assert [a["instrument"] for a in body["items"]] == ["gad7", "phq9", "phq9"]


def test_it_pages_the_list(people, client):
    now = timezone.now()
    for days in range(5):
        submit_assessment(
            patient=people.patient,
            instrument="phq2",
            answers=[0, 0],
            entered_by=people.coordinator,
            completed_at=now - timedelta(days=days),
        )

    first = client.get(_url(people.patient), {"limit": 2}).json()
    rest = client.get(_url(people.patient), {"limit": 2, "offset": 2}).json()

    assert first["count"] == rest["count"] == 5
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 2
    completed = [a["completed_at"] for a in first["items"] + rest["items"]]
    assert completed == sorted(completed, reverse=True)
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in rest["items"]}


def test_it_lists_the_alert_id_of_a_risky_assessment(people, client):
    posted = _post(client, people.patient, _phq9(0, 0, 0, 0, 0, 0, 0, 0, 2)).json()

    listed = client.get(_url(people.patient)).json()["items"]

    assert listed[0]["id"] == posted["id"]
    assert listed[0]["alert_id"] == posted["alert_id"] is not None


def test_it_lists_nothing_for_a_new_patient(people, client):
    response = client.get(_url(people.patient))

    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("query", [{"limit": "x"}, {"limit": -1}, {"offset": "a lot"}])
def test_it_refuses_bad_paging(people, client, query):
    response = client.get(_url(people.patient), query)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_it_answers_404_when_listing_someone_elses_patient(people, client):
    submit_assessment(
        patient=people.other_patient,
        instrument="phq9",
        answers=[0] * 9,
        entered_by=people.other_coordinator,
    )

    response = client.get(_url(people.other_patient))

    assert response.status_code == 404
    assert "items" not in response.json()


# --- Partial answers still count (a positive question 9 is never thrown away) ------------------

PARTIAL_RISK = [None, 1, 1, 1, 1, 1, 1, 1, 3]


def test_an_unfinished_phq9_with_question_9_is_kept_and_raises_the_alert(people, client):
    response = _post(client, people.patient, _phq9(*PARTIAL_RISK))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["complete"] is False
    assert body["total"] is None
    assert body["severity"] == ""
    assert body["risk"] is True
    assert body["answers"] == PARTIAL_RISK
    stored = Assessment.objects.get()
    assert (stored.complete, stored.total, stored.answers) == (False, None, PARTIAL_RISK)
    alert = RiskAlert.objects.get()
    assert body["alert_id"] == str(alert.pk)
    assert alert.assessment == stored
    assert "not finished (unanswered: 1)" in alert.detail


def test_an_answer_with_risk_carries_the_crisis_resources_and_message(people, client):
    body = _post(client, people.patient, _phq9(*PARTIAL_RISK)).json()

    crisis = body["crisis"]
    names = [r["name"] for r in crisis["crisis_resources"]]
    assert any("988" in name for name in names)
    hrefs = [c["href"] for r in crisis["crisis_resources"] for c in r["contacts"]]
    assert "tel:988" in hrefs
    assert crisis["support_message"]


def test_an_answer_without_risk_has_no_crisis_block(people, client):
    body = _post(client, people.patient, _phq9(*NINE[:8], 0)).json()

    assert body["crisis"] is None
    assert body["complete"] is True


def test_a_gap_with_question_9_at_0_is_refused(people, client):
    response = _post(client, people.patient, _phq9(None, 1, 1, 1, 1, 1, 1, 1, 0))

    body = _assert_refused(response, 0)
    assert "Question 1" in body["detail"]


def test_a_gap_with_question_9_unanswered_is_refused(people, client):
    response = _post(client, people.patient, _phq9(1, 1, 1, 1, 1, 1, 1, 1, None))

    body = _assert_refused(response, 0)
    assert "Question 9" in body["detail"]


def test_a_wrong_value_beside_a_positive_question_9_is_still_refused(people, client):
    # A wrong value is a mistake to correct, not a gap: nothing is stored, the client is told.
    response = _post(client, people.patient, _phq9(None, 7, 1, 1, 1, 1, 1, 1, 3))

    body = _assert_refused(response, 0)
    assert "Question 2" in body["detail"]


def test_a_patient_sending_their_own_unfinished_phq9_gets_the_same(people):
    client = Client()
    client.force_login(people.patient.user)

    body = _post(client, people.patient, _phq9(*PARTIAL_RISK)).json()

    assert body["source"] == "self_report"
    assert body["crisis"]["crisis_resources"]
    assert RiskAlert.objects.count() == 1


def test_the_list_shows_an_unfinished_phq9_as_unfinished(people, client):
    _post(client, people.patient, _phq9(*PARTIAL_RISK))

    (listed,) = client.get(_url(people.patient)).json()["items"]

    assert listed["complete"] is False
    assert listed["total"] is None
    assert listed["alert_id"]


def test_an_unfinished_phq9_is_not_a_score_in_the_caseload(people, client):
    _post(client, people.patient, _phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    _post(client, people.patient, _phq9(*PARTIAL_RISK))

    rows = client.get("/api/v1/caseload").json()["items"]  # the registry since issue 11

    row = next(r for r in rows if r["patient_id"] == str(people.patient.pk))
    assert [f["code"] for f in row["flags"]] == ["open_alert"]
    assert row["phq9"] == 8  # the complete one: the unfinished one is no score
