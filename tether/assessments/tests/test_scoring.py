"""Validation, severity bands and the item-9 risk rule: pure functions, no database."""

import pytest

from tether.assessments.instruments import GAD2, GAD7, PHQ2, PHQ9, Instrument
from tether.assessments.scoring import AnswersInvalid, score, validate_answers, validate_difficulty


def _answers_totalling(
    instrument: Instrument, total: int, *, spare_last: bool = False
) -> list[int]:
    """Return valid answers that add up to `total`, filling items from the first.

    With `spare_last`, the last item stays 0 (used to keep PHQ-9 item 9 out of the way)."""
    answers = [0] * len(instrument.items)
    fillable = len(answers) - 1 if spare_last else len(answers)
    remaining = total
    for index in range(fillable):
        answers[index] = min(3, remaining)
        remaining -= answers[index]
    assert remaining == 0, f"cannot reach {total}"
    return answers


# Expected band names from CLINICAL.md, one entry per band: (low, high, name).
PHQ9_BANDS = [
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately severe"),
    (20, 27, "severe"),
]
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]
SCREEN_BANDS = [(0, 2, "negative"), (3, 6, "positive")]


def _expected(bands: list[tuple[int, int, str]], total: int) -> str:
    return next(name for low, high, name in bands if low <= total <= high)


def _cases(instrument: Instrument, bands: list[tuple[int, int, str]]):
    return [
        pytest.param(instrument, total, _expected(bands, total), id=f"{instrument.code}-{total}")
        for total in range(bands[-1][1] + 1)
    ]


ALL_TOTALS = (
    _cases(PHQ9, PHQ9_BANDS)
    + _cases(GAD7, GAD7_BANDS)
    + _cases(PHQ2, SCREEN_BANDS)
    + _cases(GAD2, SCREEN_BANDS)
)


@pytest.mark.parametrize(("instrument", "total", "band"), ALL_TOTALS)
def test_it_puts_every_total_in_its_band(instrument, total, band):
    assert instrument.band_for(total).name == band


@pytest.mark.parametrize(("instrument", "total", "band"), ALL_TOTALS)
def test_it_scores_answers_into_the_right_band(instrument, total, band):
    # Keep PHQ-9 item 9 at 0 where the total allows, so the total alone decides the band.
    spare_last = instrument is PHQ9 and total <= 24
    answers = _answers_totalling(instrument, total, spare_last=spare_last)

    result = score(instrument, validate_answers(instrument, answers))

    assert result.total == total
    assert result.band.name == band


@pytest.mark.parametrize(("instrument", "maximum"), [(PHQ9, 27), (GAD7, 21), (PHQ2, 6), (GAD2, 6)])
def test_it_knows_each_maximum_total(instrument, maximum):
    assert instrument.max_total == maximum


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, PHQ2, GAD2], ids=lambda i: i.code)
@pytest.mark.parametrize("offset", [-1, 1])
def test_it_refuses_a_band_for_a_total_outside_the_range(instrument, offset):
    total = -1 if offset < 0 else instrument.max_total + 1
    with pytest.raises(ValueError, match=instrument.name):
        instrument.band_for(total)


# --- Item 9 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_it_flags_risk_for_any_item_9_answer_above_0_on_a_minimal_total(item9):
    answers = [0] * 8 + [item9]

    result = score(PHQ9, validate_answers(PHQ9, answers))

    assert result.total == item9
    assert result.band.name == "minimal"
    assert result.risk is True
    assert len(result.risk_reasons) == 1
    assert "question 9" in result.risk_reasons[0]


def test_it_flags_risk_whatever_the_total():
    result = score(PHQ9, [3] * 9)
    assert result.total == 27
    assert result.band.name == "severe"
    assert result.risk is True


def test_it_does_not_flag_risk_when_item_9_is_0_even_with_the_highest_other_answers():
    result = score(PHQ9, [3] * 8 + [0])
    assert result.total == 24
    assert result.band.name == "severe"
    assert result.risk is False
    assert result.risk_reasons == ()


@pytest.mark.parametrize("position", range(8))
def test_it_flags_no_risk_from_items_other_than_9(position):
    answers = [0] * 9
    answers[position] = 3
    assert score(PHQ9, answers).risk is False


@pytest.mark.parametrize("instrument", [GAD7, PHQ2, GAD2], ids=lambda i: i.code)
def test_it_flags_no_risk_on_instruments_without_item_9(instrument):
    result = score(instrument, [3] * len(instrument.items))
    assert result.risk is False


# --- validate_answers -----------------------------------------------------------------------


def test_it_accepts_valid_answers_and_returns_integers():
    assert validate_answers(PHQ9, [0, 1, 2, 3, 0, 1, 2, 3, 0]) == [0, 1, 2, 3, 0, 1, 2, 3, 0]
    assert validate_answers(GAD7, (3,) * 7) == [3] * 7


def _problems(instrument: Instrument, answers) -> str:
    with pytest.raises(AnswersInvalid) as caught:
        validate_answers(instrument, answers)
    assert caught.value.problems, "AnswersInvalid must name at least one problem"
    return " ".join(caught.value.problems)


def test_it_refuses_too_few_answers():
    message = _problems(PHQ9, [0] * 8)
    assert "9 questions" in message
    assert "8 answers" in message


def test_it_refuses_too_many_answers():
    message = _problems(PHQ9, [0] * 10)
    assert "9 questions" in message
    assert "10 answers" in message


def test_it_refuses_a_missing_answer_naming_the_question():
    answers: list[object] = [0] * 9
    answers[2] = None
    message = _problems(PHQ9, answers)
    assert "Question 3" in message
    assert "needs an answer" in message


def test_it_refuses_an_empty_string_as_a_missing_answer():
    answers: list[object] = [0] * 7
    answers[4] = ""
    assert "Question 5" in _problems(GAD7, answers)


@pytest.mark.parametrize(
    "bad",
    [4, -1, "2", 1.5, True, False, [1], 2.0],
    ids=["four", "negative", "string", "float", "true", "false", "list", "whole-float"],
)
def test_it_refuses_an_answer_that_is_not_an_option(bad):
    answers: list[object] = [0] * 9
    answers[2] = bad
    message = _problems(PHQ9, answers)
    assert "Question 3" in message
    assert "not one of the options" in message
    assert "Question 1 " not in message


def test_it_names_every_problem_at_once():
    answers: list[object] = [None, 4, 0, 0, 0, 0, 0, 0, "x"]
    with pytest.raises(AnswersInvalid) as caught:
        validate_answers(PHQ9, answers)
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("Question 1 ")
    assert problems[1].startswith("Question 2 ")
    assert problems[2].startswith("Question 9 ")
    # The exception's message carries them all, for logs and API errors.
    assert "Question 1 " in str(caught.value)
    assert "Question 9 " in str(caught.value)


@pytest.mark.parametrize(
    "not_a_list",
    ["000000000", b"000000000", 0, None, {i: 0 for i in range(9)}],
    ids=["str", "bytes", "int", "none", "dict"],
)
def test_it_refuses_answers_that_are_not_a_list(not_a_list):
    message = _problems(PHQ9, not_a_list)
    assert "list of 9 numbers" in message


def test_answers_invalid_is_a_value_error():
    # Callers that catch ValueError (e.g. generic input handling) still catch it.
    assert issubclass(AnswersInvalid, ValueError)


# --- validate_difficulty --------------------------------------------------------------------


@pytest.mark.parametrize("empty", [None, ""])
def test_it_accepts_no_difficulty_answer(empty):
    assert validate_difficulty(PHQ9, empty) is None


@pytest.mark.parametrize("value", [0, 1, 2, 3])
def test_it_accepts_each_difficulty_option(value):
    assert validate_difficulty(PHQ9, value) == value


@pytest.mark.parametrize("bad", [4, -1, "2", 1.5, True])
def test_it_refuses_a_difficulty_that_is_not_an_option(bad):
    with pytest.raises(AnswersInvalid, match="difficulty question"):
        validate_difficulty(PHQ9, bad)


@pytest.mark.parametrize("instrument", [GAD7, PHQ2, GAD2], ids=lambda i: i.code)
@pytest.mark.parametrize("value", [0, 2])
def test_it_refuses_a_difficulty_for_instruments_without_the_question(instrument, value):
    with pytest.raises(AnswersInvalid, match="no difficulty question"):
        validate_difficulty(instrument, value)


def test_a_gad7_without_difficulty_is_fine():
    assert validate_difficulty(GAD7, None) is None
