"""The Columbia screener's pure rules: skip logic, validation and triage at every branch."""

import itertools

import pytest

from tether.crisis import triage
from tether.crisis.models import RiskAlert
from tether.crisis.triage import ScreenInvalid, asked, triage_for, validate_screen

NO_THOUGHTS = {"wish_dead": False, "thoughts": False, "behavior": False}


def _screen(**answers: bool) -> dict[str, bool]:
    """A valid answer set: the defaults are "no", follow-ups only where they are asked."""
    base: dict[str, bool] = dict(NO_THOUGHTS)
    if answers.get("thoughts"):
        base |= {"method": False, "intent": False, "plan": False}
    if answers.get("behavior"):
        base |= {"behavior_recent": False}
    return base | answers


def test_the_levels_are_the_alert_triage_values():
    assert {triage.LOW, triage.MODERATE, triage.HIGH} == set(RiskAlert.Triage.values)


def test_the_questions_follow_clinical_md_in_order():
    assert [q.number for q in triage.QUESTIONS] == ["1", "2", "3", "4", "5", "6", "6b"]
    assert "go to sleep and not wake up" in triage.BY_KEY["wish_dead"].text
    assert "thoughts about killing yourself" in triage.BY_KEY["thoughts"].text
    assert "how you might do this" in triage.BY_KEY["method"].text
    assert "intention of acting" in triage.BY_KEY["intent"].text
    assert "intend to carry out this plan" in triage.BY_KEY["plan"].text
    assert "to end your life" in triage.BY_KEY["behavior"].text
    assert "past 3 months" in triage.BY_KEY["behavior_recent"].text
    assert triage.STEM == "In the past month:"


# --- Skip logic ------------------------------------------------------------------------------


def test_without_thoughts_the_screener_goes_straight_to_question_6():
    keys = [q.key for q in asked({"wish_dead": True, "thoughts": False})]

    assert keys == ["wish_dead", "thoughts", "behavior"]


def test_a_yes_to_question_2_asks_3_to_5():
    keys = [q.key for q in asked({"thoughts": True})]

    assert keys == ["wish_dead", "thoughts", "method", "intent", "plan", "behavior"]


def test_a_yes_to_question_6_asks_whether_it_was_within_3_months():
    assert "behavior_recent" in [q.key for q in asked({"behavior": True})]
    assert "behavior_recent" not in [q.key for q in asked({"behavior": False})]


# --- Triage: every branch --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        (_screen(), "low"),  # all no: still low, never "no risk"
        (_screen(wish_dead=True), "low"),
        (_screen(thoughts=True), "low"),
        (_screen(wish_dead=True, thoughts=True), "low"),
        (_screen(thoughts=True, method=True), "moderate"),
        (_screen(behavior=True, behavior_recent=False), "moderate"),
        (_screen(wish_dead=True, behavior=True, behavior_recent=False), "moderate"),
        (_screen(thoughts=True, intent=True), "high"),
        (_screen(thoughts=True, plan=True), "high"),
        (_screen(thoughts=True, method=True, intent=True, plan=True), "high"),
        (_screen(behavior=True, behavior_recent=True), "high"),
        (_screen(wish_dead=True, thoughts=False, behavior=True, behavior_recent=True), "high"),
        (_screen(thoughts=True, method=True, behavior=True, behavior_recent=False), "moderate"),
        (_screen(thoughts=True, method=True, behavior=True, behavior_recent=True), "high"),
    ],
)
def test_triage(answers, level):
    assert triage_for(validate_screen(answers)) == level


def test_every_valid_answer_set_gets_the_columbia_level():
    """Exhaustive: every path through the skip logic, checked against the rule as written."""
    for wish, thoughts, behavior in itertools.product((False, True), repeat=3):
        follow = itertools.product((False, True), repeat=3) if thoughts else [None]
        recents = (False, True) if behavior else [None]
        for steps, recent in itertools.product(follow, recents):
            answers = {"wish_dead": wish, "thoughts": thoughts, "behavior": behavior}
            if steps is not None:
                answers |= dict(zip(("method", "intent", "plan"), steps, strict=True))
            if recent is not None:
                answers["behavior_recent"] = recent
            checked = validate_screen(answers)
            if answers.get("intent") or answers.get("plan") or (behavior and recent):
                expected = "high"
            elif answers.get("method") or behavior:
                expected = "moderate"
            else:
                expected = "low"
            assert triage_for(checked) == expected, answers


def test_positive_means_any_yes():
    assert not triage.is_positive(validate_screen(_screen()))
    assert triage.is_positive(validate_screen(_screen(wish_dead=True)))
    assert triage.is_positive(validate_screen(_screen(behavior=True)))


def test_the_summary_names_each_answer_by_its_number():
    line = triage.summary(validate_screen(_screen(thoughts=True, method=True)))

    assert line == "1 no, 2 yes, 3 yes, 4 no, 5 no, 6 no"


# --- Validation ------------------------------------------------------------------------------


def test_a_skipped_question_may_be_sent_as_null():
    answers = NO_THOUGHTS | {"method": None, "intent": None, "plan": None, "behavior_recent": None}

    assert validate_screen(answers) == NO_THOUGHTS


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({}, "Please answer question 1."),
        ({"wish_dead": True, "thoughts": True, "behavior": False}, "Please answer question 3."),
        ({"wish_dead": True, "thoughts": True, "behavior": False}, "Please answer question 5."),
        (NO_THOUGHTS | {"behavior": True}, "Please answer question 6b."),
        (NO_THOUGHTS | {"method": True}, "Question 3 is asked only after a yes to question 2"),
        (NO_THOUGHTS | {"plan": False}, "Question 5 is asked only after a yes to question 2"),
        (
            NO_THOUGHTS | {"behavior_recent": True},
            "Question 6b is asked only after a yes to question 6",
        ),
        (NO_THOUGHTS | {"wish_dead": "yes"}, "Question 1: answer true (yes) or false (no)."),
        (NO_THOUGHTS | {"thoughts": 1}, "Question 2: answer true (yes) or false (no)."),
        (NO_THOUGHTS | {"mood": True}, "'mood' is not a question of this screener"),
    ],
)
def test_it_names_what_is_wrong(answers, problem):
    with pytest.raises(ScreenInvalid) as raised:
        validate_screen(answers)

    assert any(problem in p for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize("answers", [None, [True, False], "yes", 3])
def test_answers_must_be_an_object(answers):
    with pytest.raises(ScreenInvalid, match="answers must be an object"):
        validate_screen(answers)


def test_it_names_every_problem_in_question_order():
    with pytest.raises(ScreenInvalid) as raised:
        validate_screen({"thoughts": True, "behavior_recent": True})

    assert raised.value.problems == [
        "Please answer question 1.",
        "Please answer question 3.",
        "Please answer question 4.",
        "Please answer question 5.",
        "Please answer question 6.",
        "Question 6b is asked only after a yes to question 6; leave it out (or null).",
    ]
