"""The crisis detector's reviewable lists, read from data/crisis_language.json.

One dated file holds everything the detector knows: patterns by kind, the scopes that turn
them down (negation, past time, someone else, fiction, idioms, denials, supportive replies),
the spellings it normalises and the words it corrects with rapidfuzz. `lexicon()` compiles it
once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "crisis_language.json"


@dataclass(frozen=True)
class Cue:
    kind: str
    reason: str
    pattern: re.Pattern = field(repr=False)
    # The pattern's literal pieces (3+ letters): any text it matches contains one of them,
    # so a text holding none is skipped without running the regular expression (speed).
    fragments: tuple[str, ...] = ()

    @property
    def anchored(self) -> bool:
        """Whether the pattern holds ^ or $: it can match a clause but not the whole text."""
        return "^" in self.pattern.pattern or "$" in self.pattern.pattern

    def may_match(self, text: str) -> bool:
        return self.pattern.pattern[0] == "^" or any(f in text for f in self.fragments)


@dataclass(frozen=True)
class Lexicon:
    reviewed_on: str
    crisis: tuple[Cue, ...]
    concern: tuple[Cue, ...]
    spelling: dict[str, str]
    spelling_phrases: dict[str, str]
    fuzzy_words: tuple[str, ...]
    fuzzy_min_length: int
    fuzzy_cutoff: float
    scopes: dict[str, re.Pattern]

    @property
    def phrases(self) -> tuple[str, ...]:
        """Every crisis pattern, as written in the file (for counts and reviews)."""
        return tuple(c.pattern.pattern for c in self.crisis)


def _fold(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _words(alternation: str) -> re.Pattern:
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


def _cues(groups: list[dict]) -> tuple[Cue, ...]:
    return tuple(
        Cue(g["kind"], g["reason"], re.compile(p), _fragments(p))
        for g in groups
        for p in g["patterns"]
    )


def _fragments(pattern: str) -> tuple[str, ...]:
    # Escapes (\b, \w, \d) go first so that their letters are not taken for words.
    return tuple(set(re.findall(r"[a-z']{3,}", re.sub(r"\\[a-zA-Z]", " ", pattern))))


@cache
def lexicon(path: Path = DATA_FILE) -> Lexicon:
    raw = json.loads(path.read_text())
    return Lexicon(
        reviewed_on=raw["reviewed_on"],
        crisis=_cues(raw["crisis"]),
        concern=_cues(raw["concern"]),
        spelling=dict(raw["spelling"]),
        spelling_phrases=dict(raw["spelling_phrases"]),
        fuzzy_words=tuple(raw["fuzzy"]["words"]),
        fuzzy_min_length=int(raw["fuzzy"]["min_length"]),
        fuzzy_cutoff=float(raw["fuzzy"]["score_cutoff"]),
        scopes={
            "third": _words(raw["third_person_subjects"]),
            "first": _words(raw["first_person"]),
            "second": _words(raw["second_person"]),
            "person": _words(
                "|".join((raw["third_person_subjects"], raw["first_person"], raw["second_person"]))
            ),
            "dropped_subject": re.compile(raw["dropped_subject"]),
            "negator": _words(raw["negators"]),
            "denial": _any(raw["denial"]),
            "past": _any(raw["past"]),
            "recent": _any(raw["recent"]),
            "recovery": _any(raw["recovery"]),
            "fiction": re.compile(raw["fiction"]),
            "reported": re.compile(raw["reported_speech"]),
            "idiom": _any(raw["idioms"]),
            "supportive": re.compile(raw["supportive"]),
            "timeframe": re.compile(raw["timeframe"]),
            "topic": re.compile(raw["topic_words"]),
            "generic_lead": re.compile(raw["generic_lead"]),
            "everyday": re.compile(raw["everyday_context"]),
            "filler": re.compile(rf"(?<![\w'])(?:{raw['fillers']})(?![\w'])"),
        },
    )
