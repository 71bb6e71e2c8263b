"""Validation and scoring of one completed questionnaire: pure functions, no database."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from tether.assessments.instruments import Band, Instrument


class AnswersInvalid(ValueError):
    """The answers cannot be scored. `problems` names each one in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Score:
    total: int
    band: Band
    risk_reasons: tuple[str, ...]

    @property
    def risk(self) -> bool:
        return bool(self.risk_reasons)


def _is_whole_number(value: object) -> TypeGuard[int]:
    # bool is an int subclass in Python; True must not pass as the answer 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _read(
    instrument: Instrument, answers: Sequence[object]
) -> tuple[list[int | None], list[tuple[bool, str]]]:
    """Return each answer as an integer (None when unanswered) and the problems in item
    order, each marked True when it is only a missing answer."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise AnswersInvalid([f"answers must be a list of {len(instrument.items)} numbers."])
    expected = len(instrument.items)
    if len(answers) != expected:
        raise AnswersInvalid(
            [f"{instrument.name} has {expected} questions; {len(answers)} answers were given."]
        )
    allowed_text = ", ".join(str(v) for v in sorted(instrument.option_values))
    values: list[int | None] = []
    problems: list[tuple[bool, str]] = []
    for item, value in zip(instrument.items, answers, strict=True):
        where = f"Question {item.number} ({item.text})"
        if value is None or value == "":
            values.append(None)
            problems.append((True, f"{where} needs an answer."))
        elif not _is_whole_number(value) or value not in instrument.option_values:
            values.append(None)
            problems.append(
                (False, f"{where}: {value!r} is not one of the options ({allowed_text}).")
            )
        else:
            values.append(int(value))
    return values, problems


def validate_answers(instrument: Instrument, answers: Sequence[object]) -> list[int]:
    """Return `answers` as integers, or raise AnswersInvalid naming every problem."""
    values, problems = _read(instrument, answers)
    if problems:
        raise AnswersInvalid([text for _, text in problems])
    return [v for v in values if v is not None]


@dataclass(frozen=True)
class Incomplete:
    """Answers with gaps that still carry a risk answer: kept and acted on, never scored."""

    answers: list[int | None]  # None where the question was left unanswered
    risk_reasons: tuple[str, ...]


def incomplete_with_risk(instrument: Instrument, answers: Sequence[object]) -> Incomplete | None:
    """Return the answers of a submission that leaves questions unanswered but answers a
    risk question above its threshold (PHQ-9 question 9 above 0): such a submission is kept
    and raises the alert, whatever is missing. Return None for anything else: complete
    answers, gaps without a risk answer, or any answer that is not one of the options (a
    wrong value is a mistake to correct, not a gap)."""
    try:
        values, problems = _read(instrument, answers)
    except AnswersInvalid:
        return None
    if not problems or not all(missing for missing, _ in problems):
        return None
    reasons = tuple(
        rule.reason
        for rule in instrument.risk_rules
        if (given := values[rule.item_index]) is not None and given > rule.above
    )
    if not reasons:
        return None
    return Incomplete(answers=values, risk_reasons=reasons)


def validate_difficulty(instrument: Instrument, difficulty: object) -> int | None:
    """Return the unscored difficulty answer, None when not given, or raise AnswersInvalid."""
    if difficulty is None or difficulty == "":
        return None
    if instrument.difficulty is None:
        raise AnswersInvalid([f"{instrument.name} has no difficulty question."])
    values = {o.value for o in instrument.difficulty.options}
    if not _is_whole_number(difficulty) or difficulty not in values:
        allowed = ", ".join(str(v) for v in sorted(values))
        raise AnswersInvalid(
            [f"The difficulty question: {difficulty!r} is not one of the options ({allowed})."]
        )
    return int(difficulty)


def subscale_means(instrument: Instrument, answers: Sequence[int]) -> dict[str, float]:
    """Return each subscale's mean answer, e.g. {"family": 5.25}; {} without subscales."""
    return {
        sub.code: round(sum(answers[n - 1] for n in sub.item_numbers) / len(sub.item_numbers), 2)
        for sub in instrument.subscales
    }


def score(instrument: Instrument, answers: Sequence[int]) -> Score:
    """Return the total, severity band and risk reasons for validated `answers`."""
    total = sum(answers)
    reasons = tuple(
        rule.reason for rule in instrument.risk_rules if answers[rule.item_index] > rule.above
    )
    return Score(total=total, band=instrument.band_for(total), risk_reasons=reasons)
