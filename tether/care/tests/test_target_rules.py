"""Each named rule episode_status applies, alone, at its boundaries (the whole-episode
behaviour is in test_targets.py)."""

from datetime import date, timedelta

import pytest

from tether.care.targets import (
    DEFAULTS,
    Progress,
    Score,
    Thresholds,
    first_contact_due_by,
    has_severe_latest_score,
    is_contact_overdue,
    is_not_improving,
    is_reassessment_due,
    is_reassessment_overdue,
    is_relapsing,
    is_severe,
    latest_score_on,
    needs_plan_change,
    progress,
    reassessment_due_on,
    treatment_targets,
)

START = date(2026, 1, 5)


def day(n: int) -> date:
    return START + timedelta(days=n)


def course(*totals: int, every: int = 14) -> Progress:
    """One instrument's progress from scores taken every `every` days from the start."""
    return progress([Score(on=day(i * every), total=total) for i, total in enumerate(totals)])


NONE = course()


# --- Treatment targets ------------------------------------------------------------------------


def test_a_baseline_of_ten_or_more_is_a_target_nine_is_not():
    ten, nine = course(10), course(9)
    assert treatment_targets(ten, nine) == (ten,)
    assert treatment_targets(nine, ten) == (ten,)


def test_when_no_baseline_reaches_ten_every_measured_instrument_is_a_target():
    low_phq, low_gad = course(7), course(9)
    assert treatment_targets(low_phq, low_gad) == (low_phq, low_gad)
    assert treatment_targets(low_phq, NONE) == (low_phq,)


def test_no_baseline_means_no_target():
    assert treatment_targets(NONE, NONE) == ()


# --- Not improving and changing the plan --------------------------------------------------


def test_not_improving_from_day_56_not_day_55():
    flat = [course(18, 16)]
    assert not is_not_improving(flat, days_in_treatment=55)
    assert is_not_improving(flat, days_in_treatment=56)


def test_a_response_or_a_remission_is_improvement():
    assert not is_not_improving([course(18, 9)], days_in_treatment=70)  # exactly 50%
    assert is_not_improving([course(18, 10)], days_in_treatment=70)  # 44%
    assert not is_not_improving([course(7, 4)], days_in_treatment=70)  # remission, 43%


def test_only_a_baseline_at_week_eight_is_not_improving():
    assert is_not_improving([course(16)], days_in_treatment=56)


def test_one_target_behind_is_enough():
    assert is_not_improving([course(18, 4), course(15, 14)], days_in_treatment=56)
    assert not is_not_improving([], days_in_treatment=200)


def test_not_improving_follows_the_practice_threshold():
    assert is_not_improving(
        [course(18, 16)], days_in_treatment=42, t=Thresholds(not_improving_days=42)
    )


def test_change_the_plan_from_day_70_when_still_not_improving():
    assert not needs_plan_change(not_improving=True, days_in_treatment=69)
    assert needs_plan_change(not_improving=True, days_in_treatment=70)
    assert not needs_plan_change(not_improving=False, days_in_treatment=120)


# --- Reassessment ---------------------------------------------------------------------------


def test_the_latest_score_is_the_latest_of_either_instrument():
    assert latest_score_on([course(15, 12), course(12, every=30)]) == day(14)
    assert latest_score_on([course(15), course(12, 11, every=30)]) == day(30)
    assert latest_score_on([]) is None


def test_reassessment_is_due_two_weeks_after_the_latest_score_or_at_once_without_one():
    assert reassessment_due_on(started_on=START, latest_on=day(10)) == day(24)
    assert reassessment_due_on(started_on=START, latest_on=None) == START


def test_reassessment_due_from_day_14_to_day_28_after_the_latest_score():
    latest = day(3)
    assert not is_reassessment_due(latest_on=latest, today=day(3 + 13))
    assert is_reassessment_due(latest_on=latest, today=day(3 + 14))
    assert is_reassessment_due(latest_on=latest, today=day(3 + 28))
    assert not is_reassessment_due(latest_on=latest, today=day(3 + 29))  # overdue instead


def test_reassessment_overdue_after_day_28_not_on_it():
    latest = day(3)
    assert not is_reassessment_overdue(latest_on=latest, today=day(3 + 28))
    assert is_reassessment_overdue(latest_on=latest, today=day(3 + 29))


def test_without_any_score_reassessment_is_neither_due_nor_overdue():
    # The episode has no baseline: that is its own flag.
    assert not is_reassessment_due(latest_on=None, today=day(400))
    assert not is_reassessment_overdue(latest_on=None, today=day(400))


# --- Contact ------------------------------------------------------------------------------


def test_first_contact_is_due_by_four_weeks_after_the_start():
    assert first_contact_due_by(START) == day(28)
    assert first_contact_due_by(START, Thresholds(first_contact_days=14)) == day(14)


def test_with_no_contact_it_is_overdue_after_day_28():
    assert not is_contact_overdue(started_on=START, today=day(28), last_contact_on=None)
    assert is_contact_overdue(started_on=START, today=day(29), last_contact_on=None)


def test_contact_is_overdue_more_than_28_days_after_the_last():
    last = day(20)
    assert not is_contact_overdue(started_on=START, today=day(48), last_contact_on=last)
    assert is_contact_overdue(started_on=START, today=day(49), last_contact_on=last)


def test_a_contact_on_the_first_day_counts_one_the_day_before_does_not():
    # First contact due within 14 days, then every 28: which rule applies shows on day 20.
    t = Thresholds(first_contact_days=14, contact_overdue_days=28)
    assert not is_contact_overdue(started_on=START, today=day(20), last_contact_on=START, t=t)
    assert is_contact_overdue(started_on=START, today=day(20), last_contact_on=day(-1), t=t)


# --- Severe scores and relapse ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "below", "at"),
    [("phq9", 19, 20), ("gad7", 14, 15)],
)
def test_severe_from_phq9_20_and_gad7_15(instrument, below, at):
    assert not is_severe(instrument, below)
    assert is_severe(instrument, at)


def test_an_unknown_instrument_is_never_severe():
    assert not is_severe("pcl5", 80)


def test_only_the_latest_score_decides_severity():
    assert has_severe_latest_score(phq9=course(12, 20), gad7=NONE)
    assert has_severe_latest_score(phq9=NONE, gad7=course(10, 15))
    assert not has_severe_latest_score(phq9=course(24, 19), gad7=course(18, 14))
    assert not has_severe_latest_score(phq9=NONE, gad7=NONE)


def test_severity_follows_the_practice_thresholds():
    strict = Thresholds(prompt_phq9_from=15)
    assert has_severe_latest_score(phq9=course(15), gad7=NONE, t=strict)
    assert not has_severe_latest_score(phq9=course(15), gad7=NONE, t=DEFAULTS)


def test_relapsing_when_any_instrument_is_back_at_ten_after_remission():
    relapsed, steady = course(18, 4, 10), course(18, 4, 9)
    assert is_relapsing([steady, relapsed])
    assert not is_relapsing([steady])
    assert not is_relapsing([])
