"""The questionnaire pages, through Django's test client."""

import html
import re

import pytest

from tether.assessments.instruments import GAD7, PHQ9
from tether.assessments.models import Assessment
from tether.crisis.models import RiskAlert

TAKE_PHQ9 = "/me/check-in/phq9/"


def _valid(**overrides: str) -> dict[str, str]:
    data = {f"item_{n}": "1" for n in range(1, 9)} | {"item_9": "0"}
    data.update(overrides)
    return data


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


def test_it_shows_every_phq9_question_with_its_options(patient_client):
    response = patient_client.get(TAKE_PHQ9)

    assert response.status_code == 200
    page = _text(response)
    assert PHQ9.stem in page
    for item in PHQ9.items:
        assert item.text in page
    for n in range(1, 10):
        assert f'id="q{n}"' in page
        for value in range(4):
            assert f'name="item_{n}" value="{value}"' in page
    assert 'name="item_10"' not in page
    for option in PHQ9.options:
        assert option.label in page
    assert PHQ9.difficulty.text in page


def test_it_shows_the_seven_gad7_questions_without_a_difficulty_question(patient_client):
    response = patient_client.get("/me/check-in/gad7/")

    assert response.status_code == 200
    page = _text(response)
    for item in GAD7.items:
        assert item.text in page
    assert 'name="item_7"' in page
    assert 'name="item_8"' not in page
    assert 'name="difficulty"' not in page


def test_an_unknown_questionnaire_is_not_found(patient_client):
    assert patient_client.get("/me/check-in/unknown/").status_code == 404
    assert patient_client.post("/me/check-in/unknown/", _valid()).status_code == 404
    assert Assessment.objects.count() == 0


def test_a_missing_answer_is_named_and_nothing_is_stored(patient_client):
    data = _valid(item_1="2")
    del data["item_3"]

    response = patient_client.post(TAKE_PHQ9, data)

    assert response.status_code == 400
    page = _text(response)
    assert "Please answer question 3" in page
    assert "Please answer question 1." not in page
    # The answers already given are kept, so the patient does not start again.
    assert re.search(r'name="item_1" value="2"[^>]*checked', page)
    assert Assessment.objects.count() == 0


def test_an_answer_that_is_not_an_option_is_named(patient_client):
    response = patient_client.post(TAKE_PHQ9, _valid(item_2="4"))

    assert response.status_code == 400
    page = _text(response)
    assert "Question 2: “4” is not one of the answers" in page
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("bad", ["two", "1.5", "-1", " ", "<b>1</b>"])
def test_a_non_numeric_answer_is_refused(patient_client, bad):
    response = patient_client.post(TAKE_PHQ9, _valid(item_5=bad))

    assert response.status_code == 400
    assert "Question 5" in _text(response) or "Please answer question 5" in _text(response)
    assert "<b>1</b>" not in response.content.decode()  # echoed input is escaped
    assert Assessment.objects.count() == 0


def test_a_bad_difficulty_answer_is_refused(patient_client):
    response = patient_client.post(TAKE_PHQ9, _valid(difficulty="7"))

    assert response.status_code == 400
    assert "The difficulty question" in _text(response)
    assert Assessment.objects.count() == 0


def test_a_valid_answer_set_is_stored_and_shows_the_result(patient_client, people):
    response = patient_client.post(TAKE_PHQ9, _valid(difficulty="2"))

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/results/{assessment.pk}/"
    assert assessment.patient == people.patient
    assert assessment.answers == [1] * 8 + [0]
    assert assessment.total == 8
    assert assessment.severity == "mild"
    assert assessment.difficulty == 2
    assert assessment.source == Assessment.Source.SELF_REPORT
    assert assessment.entered_by == people.patient.user
    assert RiskAlert.objects.count() == 0

    result = patient_client.get(response["Location"])
    assert result.status_code == 200
    page = _text(result)
    assert "<strong>8</strong> out of 27" in page
    assert "mild" in page
    # Without risk the crisis lines stay in their usual place, after the page content.
    assert page.index("<main") < page.index('id="crisis-resources"')


def test_the_difficulty_question_is_optional(patient_client):
    response = patient_client.post(TAKE_PHQ9, _valid())

    assert response.status_code == 302
    assert Assessment.objects.get().difficulty is None


def test_an_item_9_answer_shows_crisis_resources_first_and_raises_an_alert(patient_client, people):
    response = patient_client.post(TAKE_PHQ9, _valid(item_9="1"), follow=True)

    assert response.status_code == 200
    assessment = Assessment.objects.get()
    assert response.redirect_chain == [(f"/me/results/{assessment.pk}/", 302)]
    alert = RiskAlert.objects.get()
    assert alert.assessment == assessment
    assert alert.patient == people.patient
    assert alert.status == RiskAlert.Status.OPEN

    page = response.content.decode()
    assert page.count('id="crisis-resources"') == 1
    assert page.index('id="crisis-resources"') < page.index("<main")
    assert "988" in page
    # The admin was paged (no one on call in this practice): the page says so, and when to
    # call the crisis line if nobody is in touch.
    assert "let your care team know" in html.unescape(page)
    assert "If you haven't heard from us in 5 minutes" in html.unescape(page)


def test_a_patient_cannot_see_another_patients_result(client, people):
    client.force_login(people.other_patient.user)
    client.post(TAKE_PHQ9, _valid())
    other_result = Assessment.objects.get()

    client.force_login(people.patient.user)

    assert client.get(f"/me/results/{other_result.pk}/").status_code == 404


def test_staff_cannot_use_the_patient_questionnaire_page(client, people):
    client.force_login(people.coordinator)

    assert client.get(TAKE_PHQ9).status_code == 404
    assert client.post(TAKE_PHQ9, _valid()).status_code == 404
    assert Assessment.objects.count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    response = client.get(TAKE_PHQ9)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- Staff entering answers during a call ---------------------------------------------------


def _enter_url(patient, code="phq9") -> str:
    return f"/staff/patients/{patient.pk}/enter/{code}/"


def test_staff_see_the_entry_form(client, people):
    client.force_login(people.coordinator)

    response = client.get(_enter_url(people.patient))

    assert response.status_code == 200
    page = _text(response)
    assert "Enter PHQ-9 for Alex Rivera" in page
    for item in PHQ9.items:
        assert item.text in page


def test_staff_entry_is_stored_as_staff_entered(client, people):
    client.force_login(people.coordinator)

    response = client.post(_enter_url(people.patient), _valid())

    assert response.status_code == 302
    assert response["Location"] == f"/staff/patients/{people.patient.pk}/"
    assessment = Assessment.objects.get()
    assert assessment.patient == people.patient
    assert assessment.source == Assessment.Source.STAFF_ENTERED
    assert assessment.entered_by == people.coordinator


def test_staff_entry_with_an_item_9_answer_raises_an_alert(client, people):
    client.force_login(people.clinician)

    response = client.post(_enter_url(people.patient), _valid(item_9="2"), follow=True)

    alert = RiskAlert.objects.get()
    assert alert.raised_by == people.clinician
    assert alert.assessment == Assessment.objects.get()
    assert "A risk alert was raised for the care team." in _text(response)


def test_staff_entry_with_a_missing_answer_is_refused(client, people):
    client.force_login(people.coordinator)
    data = _valid()
    del data["item_9"]

    response = client.post(_enter_url(people.patient), data)

    assert response.status_code == 400
    assert "Please answer question 9" in _text(response)
    assert Assessment.objects.count() == 0


def test_another_practices_coordinator_cannot_enter_answers(client, people):
    client.force_login(people.outside_coordinator)

    assert client.get(_enter_url(people.patient)).status_code == 404
    assert client.post(_enter_url(people.patient), _valid(item_9="1")).status_code == 404
    assert Assessment.objects.count() == 0
    assert RiskAlert.objects.count() == 0


@pytest.mark.parametrize("who", ["other_coordinator", "peer"])
def test_staff_off_the_care_team_cannot_enter_answers(client, people, who):
    client.force_login(getattr(people, who))

    assert client.post(_enter_url(people.patient), _valid()).status_code == 404
    assert Assessment.objects.count() == 0


def test_a_patient_cannot_use_the_staff_entry_page(client, people):
    client.force_login(people.patient.user)

    assert client.post(_enter_url(people.patient), _valid()).status_code == 404
    assert Assessment.objects.count() == 0


def test_staff_entry_for_an_unknown_questionnaire_is_not_found(client, people):
    client.force_login(people.coordinator)

    assert client.get(_enter_url(people.patient, "unknown")).status_code == 404
