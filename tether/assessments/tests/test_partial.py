"""Partial answers still count: a PHQ-9 with question 9 above 0 is kept unfinished and raises
the alert, on the web as through the service; it never counts as a score anywhere."""

import html
import re

import pytest

from tether.assessments.instruments import PHQ9
from tether.assessments.models import Assessment
from tether.assessments.scoring import incomplete_with_risk
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert

TAKE_PHQ9 = "/me/check-in/phq9/"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _answers(**given: str) -> dict[str, str]:
    return {f"item_{n}": "1" for n in range(1, 10)} | given


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


# --- The pure rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "kept"),
    [
        ([None, 1, 1, 1, 1, 1, 1, 1, 3], True),
        ([None] * 8 + [1], True),
        (["", 0, 0, 0, 0, 0, 0, 0, 2], True),
        ([1] * 9, False),  # complete: scored as usual, not "incomplete"
        ([None, 1, 1, 1, 1, 1, 1, 1, 0], False),  # a gap, question 9 at 0
        ([1, 1, 1, 1, 1, 1, 1, 1, None], False),  # question 9 itself unanswered
        ([None, 4, 1, 1, 1, 1, 1, 1, 3], False),  # a wrong value is not a gap
        ([None, 1, 1, 1, 1, 1, 1, 3], False),  # eight answers: no way to know which is 9
    ],
)
def test_incomplete_with_risk(answers, kept):
    assert (incomplete_with_risk(PHQ9, answers) is not None) is kept


def test_the_gad7_has_no_risk_question_so_a_gap_is_never_kept():
    from tether.assessments.instruments import GAD7

    assert incomplete_with_risk(GAD7, [None, 3, 3, 3, 3, 3, 3]) is None


# --- On the web -------------------------------------------------------------------------------


def test_question_9_with_question_1_blank_is_kept_and_raises_one_alert(patient_client, people):
    data = _answers(item_9="3")
    del data["item_1"]

    response = patient_client.post(TAKE_PHQ9, data, follow=True)

    assert response.status_code == 200
    assessment = Assessment.objects.get()
    assert assessment.complete is False
    assert assessment.answers == [None, 1, 1, 1, 1, 1, 1, 1, 3]
    assert assessment.total is None
    assert assessment.severity == ""
    assert assessment.risk is True
    alert = RiskAlert.objects.get()
    assert alert.assessment == assessment
    assert alert.reason == RiskAlert.Reason.PHQ9_ITEM9
    page = response.content.decode()
    # Crisis resources first, then the screener, then the kind request to finish.
    assert page.index('id="crisis-resources"') < page.index('id="screener-offer"')
    assert page.index('id="screener-offer"') < page.index('id="unfinished"')
    text = _text(response)
    assert "You left 1 question unanswered (number 1)" in text
    assert "Your score" not in text
    assert f"{TAKE_PHQ9}?finish={assessment.pk}" in text


def test_the_finish_link_opens_the_form_with_the_answers_given(patient_client, people):
    data = _answers(item_9="2", item_4="3")
    del data["item_1"], data["item_5"]
    patient_client.post(TAKE_PHQ9, data)
    unfinished = Assessment.objects.get()

    page = patient_client.get(f"{TAKE_PHQ9}?finish={unfinished.pk}").content.decode()

    assert re.search(r'name="item_4" value="3"[^>]*checked', page)
    assert re.search(r'name="item_9" value="2"[^>]*checked', page)
    assert not re.search(r'name="item_1" value="\d"[^>]*checked', page)
    assert not re.search(r'name="item_5" value="\d"[^>]*checked', page)


@pytest.mark.parametrize("finish", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_finish_id_opens_a_blank_form(patient_client, finish):
    response = patient_client.get(f"{TAKE_PHQ9}?finish={finish}")

    assert response.status_code == 200
    assert not re.search(r"<input[^>]*checked", response.content.decode())


def test_another_patients_unfinished_answers_are_never_filled_in(client, people):
    theirs = submit_assessment(
        patient=people.other_patient,
        instrument="phq9",
        answers=[None, 3, 3, 3, 3, 3, 3, 3, 3],
        entered_by=people.other_patient.user,
    ).assessment
    client.force_login(people.patient.user)

    page = client.get(f"{TAKE_PHQ9}?finish={theirs.pk}").content.decode()

    assert not re.search(r"<input[^>]*checked", page)


def test_a_gap_with_question_9_at_0_is_refused_and_nothing_is_stored(patient_client):
    data = _answers(item_9="0")
    del data["item_1"], data["item_6"]

    response = patient_client.post(TAKE_PHQ9, data)

    assert response.status_code == 400
    text = _text(response)
    assert "Please answer question 1." in text
    assert "Please answer question 6." in text
    assert not Assessment.objects.exists()
    assert not RiskAlert.objects.exists()


def test_question_9_unanswered_with_a_gap_is_refused(patient_client):
    data = _answers()
    del data["item_9"], data["item_2"]

    response = patient_client.post(TAKE_PHQ9, data)

    assert response.status_code == 400
    assert "Please answer question 9." in _text(response)
    assert not Assessment.objects.exists()


def test_staff_entering_an_unfinished_phq9_are_told_it_has_no_score(client, people):
    client.force_login(people.clinician)
    data = _answers(item_9="1")
    del data["item_3"]

    response = client.post(f"/staff/patients/{people.patient.pk}/enter/phq9/", data, follow=True)

    text = _text(response)
    assert "Saved as unfinished (unanswered: 3)" in text
    assert "A risk alert was raised for the care team." in text
    assert Assessment.objects.get().complete is False


# --- Never a score ------------------------------------------------------------------------------


def test_an_unfinished_phq9_is_not_in_the_registry_scores_or_the_charts(client, people):
    submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[2, 2, 2, 1, 1, 1, 1, 1, 0],
        entered_by=people.coordinator,
    )
    submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[None, 3, 3, 3, 3, 3, 3, 3, 3],
        entered_by=people.patient.user,
    )
    client.force_login(people.coordinator)

    caseload = _text(client.get("/staff/caseload/", follow=True))  # the registry
    patient_page = _text(client.get(f"/staff/patients/{people.patient.pk}/"))

    assert '11 <span class="sev">Moderate</span>' in caseload
    assert "None" not in caseload
    # One point on the PHQ-9 chart: the complete one.
    assert patient_page.count("<circle") == 1
    assert Assessment.objects.scored().count() == 1


def test_the_patients_progress_page_shows_only_the_complete_score(client, people):
    submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[2, 2, 2, 1, 1, 1, 1, 1, 0],
        entered_by=people.patient.user,
    )
    submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[None, 3, 3, 3, 3, 3, 3, 3, 3],
        entered_by=people.patient.user,
    )
    client.force_login(people.patient.user)

    page = _text(client.get("/me/progress/"))

    assert page.count("<circle") == 1
    assert "None" not in page
