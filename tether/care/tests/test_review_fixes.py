"""Issue 10, item 9: the smaller fixes of the clinical review, each at its boundary."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tether.assessments.prompts import needs_prompt_contact
from tether.care.targets import (
    Flag,
    Score,
    episode_scores,
    episode_status,
    progress,
)

START = date(2026, 1, 5)


def day(n: int) -> date:
    return START + timedelta(days=n)


def at(n: int, hour: int) -> Score:
    return datetime(2026, 1, 5, hour, tzinfo=UTC) + timedelta(days=n)


# (a) Order by the full timestamp.


def test_of_two_scores_on_one_day_the_later_is_the_latest_whatever_the_input_order():
    morning = Score(on=day(30), total=3, at=at(30, 9))
    evening = Score(on=day(30), total=22, at=at(30, 21))
    baseline = Score(on=day(0), total=16, at=at(0, 10))
    for scores in ([baseline, evening, morning], [morning, baseline, evening]):
        course = progress(scores)
        assert course.latest.total == 22
        assert not course.remission


# (c) Severe scores without question 9.


@pytest.mark.parametrize(
    ("instrument", "total", "item9", "expected"),
    [
        ("phq9", 19, 0, False),
        ("phq9", 20, 0, True),
        ("phq9", 24, None, True),
        ("phq9", 24, 1, False),  # question 9 above 0 is a risk alert: the crisis panel shows
        ("gad7", 14, None, False),
        ("gad7", 15, None, True),
        ("mspss", 80, None, False),
        ("phq9", None, 0, False),
    ],
)
def test_a_severe_score_asks_the_patient_to_contact_their_team(instrument, total, item9, expected):
    assert needs_prompt_contact(instrument, total, item9) is expected


def test_a_severe_latest_score_flags_the_registry_but_is_not_an_alert():
    result = episode_status(
        started_on=START, today=day(20), phq9=[Score(on=day(0), total=16), Score(day(14), 24)]
    )
    assert result.flags[0] == Flag.SEVERE_SCORE
    assert Flag.OPEN_ALERT not in result.flags
    calm = episode_status(started_on=START, today=day(20), gad7=[Score(day(0), 14)])
    assert Flag.SEVERE_SCORE not in calm.flags


# (e) Remission with less than a 50% drop.


def test_remission_with_a_small_drop_is_not_called_not_improving():
    result = episode_status(
        started_on=START, today=day(60), phq9=[Score(day(0), 7), Score(day(56), 4)]
    )
    assert result.phq9.remission and not result.phq9.response
    assert not result.not_improving
    assert Flag.NOT_IMPROVING not in result.flags
    stuck = episode_status(
        started_on=START, today=day(60), phq9=[Score(day(0), 7), Score(day(56), 5)]
    )
    assert stuck.not_improving


# (f) An intake score up to 14 days before the start is the baseline.


@pytest.mark.parametrize(("before", "baseline"), [(14, 18), (1, 18), (15, 12)])
def test_an_intake_score_up_to_14_days_before_the_start_is_the_baseline(before, baseline):
    scores = [Score(day(-before), 18), Score(day(10), 12)]
    result = episode_status(started_on=START, today=day(20), phq9=scores)
    assert result.phq9.baseline.total == baseline


def test_the_latest_intake_score_counts_and_a_first_day_score_wins():
    scores = [Score(day(-10), 20), Score(day(-3), 18), Score(day(10), 9)]
    assert [s.total for s in episode_scores(scores, started_on=START, today=day(20))] == [18, 9]
    first_day = [*scores, Score(day(0), 16)]
    assert [s.total for s in episode_scores(first_day, started_on=START, today=day(20))] == [
        16,
        9,
    ]
