"""Validation and scoring of one completed questionnaire: pure functions, no database."""

from collections.abc import Sequence
from dataclasses import dataclass

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


def _is_whole_number(value: object) -> bool:
    # bool is an int subclass in Python; True must not pass as the answer 1.
    return isinstance(value, int) and not isinstance(value, bool)


def validate_answers(instrument: Instrument, answers: Sequence[object]) -> list[int]:
    """Return `answers` as integers, or raise AnswersInvalid naming every problem."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise AnswersInvalid([f"answers must be a list of {len(instrument.items)} numbers."])
    expected = len(instrument.items)
    if len(answers) != expected:
        raise AnswersInvalid(
            [f"{instrument.name} has {expected} questions; {len(answers)} answers were given."]
        )
    allowed = sorted(instrument.option_values)
    allowed_text = ", ".join(str(v) for v in allowed)
    problems = []
    for item, value in zip(instrument.items, answers, strict=True):
        where = f"Question {item.number} ({item.text})"
        if value is None or value == "":
            problems.append(f"{where} needs an answer.")
        elif not _is_whole_number(value) or value not in instrument.option_values:
            problems.append(f"{where}: {value!r} is not one of the options ({allowed_text}).")
    if problems:
        raise AnswersInvalid(problems)
    return [int(v) for v in answers]  # type: ignore[call-overload]


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
    return int(difficulty)  # type: ignore[call-overload]


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
