"""Treat-to-target rules at their boundaries (CLINICAL.md: IMPACT / Collaborative Care)."""

from datetime import date, timedelta

import pytest

from tether.care.targets import (
    DEFAULTS,
    Flag,
    Score,
    Thresholds,
    episode_status,
    need_rank,
    progress,
)

START = date(2026, 1, 5)


def day(n: int) -> date:
    return START + timedelta(days=n)


def s(n: int, total: int) -> Score:
    return Score(on=day(n), total=total)


def status(today: int, phq9=(), gad7=(), **kwargs):
    return episode_status(started_on=START, today=day(today), phq9=phq9, gad7=gad7, **kwargs)


# --- Response and remission -------------------------------------------------------------


def test_exactly_fifty_percent_is_a_response():
    assert progress([s(0, 20), s(28, 10)]).response
    assert not progress([s(0, 20), s(28, 11)]).response
    assert progress([s(0, 15), s(28, 7)]).response  # 53%
    assert not progress([s(0, 15), s(28, 8)]).response  # 46.7%


def test_change_is_in_points_and_percent_of_baseline():
    p = progress([s(0, 20), s(14, 16), s(28, 12)])
    assert (p.change_points, p.change_percent) == (8, 40.0)
    worse = progress([s(0, 10), s(28, 13)])
    assert (worse.change_points, worse.change_percent) == (-3, -30.0)


def test_remission_is_below_five_four_yes_five_no():
    assert progress([s(0, 16), s(56, 4)]).remission
    assert not progress([s(0, 16), s(56, 5)]).remission


def test_a_single_assessment_is_a_baseline_with_no_response_or_remission():
    p = progress([s(0, 3)])
    assert p.baseline == p.latest and p.follow_ups == 0
    assert (p.change_points, p.response, p.remission) == (0, False, False)


def test_no_scores_means_no_baseline():
    p = progress([])
    assert not p.has_baseline and p.change_percent is None
    assert Flag.NO_BASELINE in status(10).flags


def test_a_baseline_of_zero_has_no_percentage_and_no_response():
    p = progress([s(0, 0), s(14, 0)])
    assert p.change_percent is None and not p.response


def test_relapse_is_ten_or_more_after_remission():
    assert progress([s(0, 18), s(28, 4), s(56, 10)]).relapse
    assert not progress([s(0, 18), s(28, 4), s(56, 9)]).relapse
    assert not progress([s(0, 18), s(28, 6), s(56, 12)]).relapse  # never remitted
    assert not progress([s(0, 18), s(28, 4), s(42, 12), s(56, 4)]).relapse  # remitted again


# --- Not improving at week 8, change the plan at weeks 10-12 ----------------------------


def test_not_improving_starts_at_week_eight_to_the_day():
    scores = [s(0, 18), s(28, 14), s(49, 12)]
    assert not status(55, scores).not_improving
    on_the_day = status(56, scores)
    assert on_the_day.not_improving and Flag.NOT_IMPROVING in on_the_day.flags


def test_a_responder_at_week_eight_is_not_flagged():
    assert not status(56, [s(0, 18), s(42, 9)]).not_improving


def test_still_not_improving_at_week_ten_means_change_the_plan():
    scores = [s(0, 18), s(28, 14), s(56, 13)]
    assert Flag.CHANGE_PLAN not in status(69, scores).flags
    at_ten = status(70, scores)
    assert at_ten.change_plan and Flag.CHANGE_PLAN in at_ten.flags
    assert Flag.NOT_IMPROVING not in at_ten.flags  # the stronger flag replaces it


def test_only_the_baseline_at_week_eight_is_not_improving_and_overdue():
    result = status(56, [s(0, 16)])
    assert result.not_improving and result.reassessment_overdue


def test_targets_are_instruments_with_a_baseline_of_ten_or_more():
    # PHQ-9 responds; GAD-7 started at 6 (not a target) and did not move: not flagged.
    result = status(60, phq9=[s(0, 18), s(42, 8)], gad7=[s(0, 6), s(42, 6)])
    assert not result.not_improving
    # GAD-7 is the target and did not respond: flagged.
    result = status(60, phq9=[s(0, 6), s(42, 6)], gad7=[s(0, 15), s(42, 12)])
    assert result.not_improving


def test_scores_long_before_the_episode_are_not_its_baseline():
    result = status(30, [s(-15, 22), s(1, 12), s(28, 6)])
    assert result.phq9.baseline.total == 12 and result.phq9.response


# --- Reassessment and contact -------------------------------------------------------------


def test_reassessment_is_due_from_two_weeks_and_overdue_after_four():
    scores = [s(0, 15)]
    assert not status(13, scores).reassessment_due
    assert status(14, scores).reassessment_due
    assert not status(28, scores).reassessment_overdue
    overdue = status(29, scores)
    assert overdue.reassessment_overdue and not overdue.reassessment_due
    assert Flag.REASSESSMENT_OVERDUE in overdue.flags


def test_first_follow_up_contact_within_four_weeks():
    assert not status(28, [s(0, 15)]).contact_overdue
    assert status(29, [s(0, 15)]).contact_overdue
    assert not status(29, [s(0, 15)], last_contact_on=day(20)).contact_overdue
    assert status(49, [s(0, 15)], last_contact_on=day(20)).contact_overdue
    # A contact before the episode does not count as its first follow-up.
    assert status(29, [s(0, 15)], last_contact_on=day(-3)).contact_overdue


# --- Order of need ---------------------------------------------------------------------------


def test_flags_come_in_order_of_need():
    result = status(
        75, [s(0, 18), s(20, 17)], open_alert=True, missed_session=True, last_contact_on=day(20)
    )
    assert result.flags[:2] == (Flag.OPEN_ALERT, Flag.CHANGE_PLAN)
    assert result.flags.index(Flag.REASSESSMENT_OVERDUE) < result.flags.index(Flag.CONTACT_OVERDUE)
    assert result.flags.index(Flag.CONTACT_OVERDUE) < result.flags.index(Flag.MISSED_SESSION)
    assert need_rank(result.flags) == 0
    assert need_rank(()) > need_rank((Flag.REASSESSMENT_DUE,))


@pytest.mark.parametrize("weeks", [6, 8])
def test_thresholds_are_practice_settings(weeks):
    custom = Thresholds(not_improving_days=weeks * 7, change_plan_days=weeks * 7 + 14)
    scores = [s(0, 18), s(28, 14)]
    result = episode_status(started_on=START, today=day(6 * 7), phq9=scores, thresholds=custom)
    assert result.not_improving is (weeks == 6)
    assert DEFAULTS.not_improving_days == 56
