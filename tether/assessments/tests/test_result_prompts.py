"""What the result page asks of the patient beyond the score: a severe score without a risk
answer asks them to contact their care team (no alert); a risk answer does not (the crisis
panel and the screener come first instead)."""

import html

import pytest

from tether.crisis.models import RiskAlert

TAKE_PHQ9 = "/me/check-in/phq9/"
TAKE_GAD7 = "/me/check-in/gad7/"
PROMPT = "Please contact your care team"


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


def _result(client, url: str, answers: list[int]) -> str:
    data = {f"item_{n}": str(v) for n, v in enumerate(answers, start=1)}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_it_asks_to_contact_the_team_after_a_severe_phq9_without_a_risk_answer(patient_client):
    page = _result(patient_client, TAKE_PHQ9, [3, 3, 3, 3, 2, 2, 2, 2, 0])  # 20

    assert PROMPT in page
    assert RiskAlert.objects.count() == 0


def test_it_does_not_ask_below_the_severe_band(patient_client):
    page = _result(patient_client, TAKE_PHQ9, [3, 3, 3, 3, 2, 2, 2, 1, 0])  # 19

    assert PROMPT not in page


def test_it_asks_after_a_severe_gad7(patient_client):
    page = _result(patient_client, TAKE_GAD7, [3, 3, 3, 2, 2, 1, 1])  # 15

    assert PROMPT in page
    assert RiskAlert.objects.count() == 0


def test_a_risk_answer_brings_the_crisis_panel_and_screener_instead(patient_client):
    page = _result(patient_client, TAKE_PHQ9, [3, 3, 3, 3, 2, 2, 2, 2, 1])  # 21, item 9

    assert PROMPT not in page
    assert "Answer six short questions" in page
    assert RiskAlert.objects.count() == 1


def test_the_help_page_offers_the_screener_while_an_alert_is_open(patient_client):
    before = html.unescape(patient_client.get("/help/").content.decode())
    assert "Answer six short questions" not in before

    patient_client.post("/me/not-safe/")
    after = html.unescape(patient_client.get("/help/").content.decode())

    assert "Answer six short questions" in after
