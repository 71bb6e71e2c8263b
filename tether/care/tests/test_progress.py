"""/me/progress/: the patient's own scores and, in kind words, what they say."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.assessments.services import submit_assessment
from tether.care.services import start_episode

URL = "/me/progress/"
ALARMING = ("not improving", "failure", "fail", "risk", "flag", "change the plan")


def _answers(instrument: str, total: int) -> list[int]:
    n = 9 if instrument == "phq9" else 7
    free = n - 1 if instrument == "phq9" else n  # PHQ-9 question 9 stays 0
    answers = [total // free + (1 if i < total % free else 0) for i in range(free)]
    return answers + [0] * (n - free)


def _score(patient, instrument: str, total: int, days_ago: int) -> None:
    submit_assessment(
        patient=patient,
        instrument=instrument,
        answers=_answers(instrument, total),
        entered_by=patient.user,
        completed_at=timezone.now() - timedelta(days=days_ago, hours=1),
        send_intake_summary=False,
    )


def _episode(people, *, started_days_ago: int = 60) -> None:
    start_episode(
        patient=people.patient,
        started_on=timezone.localdate() - timedelta(days=started_days_ago),
        by=people.coordinator,
    )


def _page(people) -> str:
    client = Client()
    client.force_login(people.patient.user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _assert_kind(html: str) -> None:
    assert "988" in html  # crisis resources stay on every patient page
    lowered = html.lower()
    for word in ALARMING:
        assert word not in lowered, word


@pytest.mark.parametrize(
    ("phq9", "expected"),
    [
        ((16, 8), "dropped by half since you started — that's what we call a response"),
        ((16, 4), "under 5 — that's what we call remission"),
        ((16, 13), "come down 3 points since you started"),
        ((16, 15), "come down 1 point since you started"),
        ((12, 12), "hasn't come down yet. That's common early on"),
        ((12, 14), "gone up since you started, from 12 to 14"),
        ((16, 24), "please let your care team know how you're doing"),
    ],
)
def test_it_says_what_the_scores_mean(people, phq9, expected):
    _episode(people)
    _score(people.patient, "phq9", phq9[0], 55)
    _score(people.patient, "phq9", phq9[1], 2)

    html = _page(people)

    assert expected.replace("'", "&#x27;") in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    _assert_kind(html)


def test_it_ignores_scores_before_the_episode(people):
    _score(people.patient, "phq9", 24, 120)
    _episode(people, started_days_ago=60)
    _score(people.patient, "phq9", 16, 55)
    _score(people.patient, "phq9", 13, 2)

    html = _page(people)

    assert "come down 3 points" in html
    assert "You started at 16; your latest score is 13." in html


def test_it_shows_the_first_score_as_a_starting_point(people):
    _episode(people)
    _score(people.patient, "gad7", 12, 10)

    html = _page(people)

    assert "This is your starting point." in html
    _assert_kind(html)


def test_it_explains_kindly_when_there_are_no_scores(people):
    html = _page(people)

    assert "There's nothing to show here yet" in html
    assert "/me/check-in/phq9/" in html
    _assert_kind(html)


def test_it_shows_scores_without_an_episode(people):
    _score(people.patient, "phq9", 14, 20)

    html = _page(people)

    assert "When you and your care team start a course of care together" in html
    assert "since you started" not in html
    _assert_kind(html)


def test_it_is_only_for_patients(people):
    client = Client()
    client.force_login(people.coordinator)

    assert client.get(URL).status_code == 404


def test_it_asks_strangers_to_sign_in(db):
    response = Client().get(URL)

    assert response.status_code == 302
