"""The Columbia screener (C-SSRS, screen version, past month) and its triage: pure rules, no
database.

Questions and triage are from ../shared/CLINICAL.md. The Columbia Lighthouse Project lets
health care providers put the Columbia Protocol into an electronic record at no cost; the
wording below stays close to the screen version, in plain words.

Skip logic: questions 3-5 are asked only after a yes to question 2 (otherwise straight to
question 6); "within the past 3 months?" only after a yes to question 6.

Triage:
- high: yes to 4 or 5, or behaviour (6) within the past 3 months;
- moderate: yes to 3, or behaviour more than 3 months ago;
- low: yes to 1 or 2 only, and also when every answer is no.

All "no" gives "low", never "no risk": the screen follows a risk signal (PHQ-9 question 9
or "I'm not safe"), and a 0 never means safe. The screener only orders the humans' work; it
never closes an alert (crisis.screener).
"""

from collections.abc import Mapping
from dataclasses import dataclass

LOW, MODERATE, HIGH = "low", "moderate", "high"  # RiskAlert.Triage values
RANK = {LOW: 1, MODERATE: 2, HIGH: 3}

STEM = "In the past month:"


@dataclass(frozen=True)
class ScreenQuestion:
    key: str
    number: str  # as shown: "1" … "6", and "6b" for the follow-up
    text: str
    hint: str = ""
    # Asked only when the answer to this question is yes; None: always asked.
    asked_after: str | None = None


QUESTIONS: tuple[ScreenQuestion, ...] = (
    ScreenQuestion(
        "wish_dead",
        "1",
        "Have you wished you were dead or wished you could go to sleep and not wake up?",
    ),
    ScreenQuestion("thoughts", "2", "Have you actually had any thoughts about killing yourself?"),
    ScreenQuestion(
        "method", "3", "Have you thought about how you might do this?", asked_after="thoughts"
    ),
    ScreenQuestion(
        "intent",
        "4",
        "Have you had these thoughts and had some intention of acting on them?",
        hint="As opposed to having the thoughts but knowing you definitely would not act on them.",
        asked_after="thoughts",
    ),
    ScreenQuestion(
        "plan",
        "5",
        "Have you started to work out, or worked out, the details of how to kill yourself, "
        "and do you intend to carry out this plan?",
        asked_after="thoughts",
    ),
    ScreenQuestion(
        "behavior",
        "6",
        "Have you ever done anything, started to do anything, or prepared to do anything to "
        "end your life?",
        hint="For example: collected pills, got a gun, gave away valuables, wrote a will or a "
        "note, took out pills but didn't swallow any, held a gun but changed your mind, cut "
        "yourself, or tried to hang yourself.",
    ),
    ScreenQuestion(
        "behavior_recent", "6b", "Was this within the past 3 months?", asked_after="behavior"
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}


class ScreenInvalid(ValueError):
    """The answers cannot be recorded. `problems` names each one in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def asked(answers: Mapping[str, bool | None]) -> list[ScreenQuestion]:
    """Return the questions the skip logic asks, given the answers so far, in order."""
    return [q for q in QUESTIONS if q.asked_after is None or answers.get(q.asked_after) is True]


def validate_screen(answers: object) -> dict[str, bool]:
    """Return the answers (question key -> True/False, skipped questions absent), or raise
    ScreenInvalid naming every problem: an answer that is not true or false, a question the
    skip logic asks left unanswered, one it skips answered, or an unknown key. A skipped
    question may be given as null."""
    if not isinstance(answers, Mapping):
        raise ScreenInvalid(["answers must be an object of question keys and true or false."])
    problems = [
        f"{key!r} is not a question of this screener (use {', '.join(BY_KEY)})."
        for key in answers
        if key not in BY_KEY
    ]
    given = {key: value for key, value in answers.items() if key in BY_KEY and value is not None}
    for key, value in given.items():
        if not isinstance(value, bool):
            problems.append(f"Question {BY_KEY[key].number}: answer true (yes) or false (no).")
    if problems:
        raise ScreenInvalid(problems)
    wanted = asked(given)
    order = {q.key: index for index, q in enumerate(QUESTIONS)}
    found: list[tuple[int, str]] = []
    for q in wanted:
        if q.key not in given:
            found.append((order[q.key], f"Please answer question {q.number}."))
    for key in given.keys() - {q.key for q in wanted}:
        q = BY_KEY[key]
        after = BY_KEY[q.asked_after].number if q.asked_after else ""
        found.append(
            (
                order[key],
                f"Question {q.number} is asked only after a yes to question {after}; "
                "leave it out (or null).",
            )
        )
    if found:
        raise ScreenInvalid([text for _, text in sorted(found)])
    return {q.key: given[q.key] for q in wanted}


def triage_for(answers: Mapping[str, bool]) -> str:
    """Return "high", "moderate" or "low" for validated screener answers."""
    behavior = answers.get("behavior") is True
    recent = answers.get("behavior_recent") is True
    if answers.get("intent") or answers.get("plan") or (behavior and recent):
        return HIGH
    if answers.get("method") or behavior:
        return MODERATE
    return LOW


def is_positive(answers: Mapping[str, bool]) -> bool:
    """Return whether any question was answered yes."""
    return any(answers.values())


def summary(answers: Mapping[str, bool]) -> str:
    """Return the answers in one line for the alert's history, e.g. "1 yes, 2 no, 6 no"."""
    return ", ".join(
        f"{BY_KEY[key].number} {'yes' if value else 'no'}" for key, value in answers.items()
    )
