"""Reading a note about the patient as the patient's own words.

A trusted person writes "she is saving up her pills and says she will take them all this
weekend". On that route "she" is the patient, so the detector reads the note as if the
patient had written it ("i am saving up my pills and say i will take them all this weekend"),
and the same scopes (past, denial, idiom, fiction) apply as to anyone's own words.
"""

from __future__ import annotations

import re

# A note about the patient ("she says she will take them all") is read as if the patient
# wrote it. "them" stays: it is more often the pills than the patient.
_THIRD_TO_FIRST = (
    (r"\b(she|he|they)'s (been|got|had)\b", r"i've \2"),
    (r"\b(she's|he's|they're)\b", "i'm"),
    (r"\b(she|he) (is)\b|\bthey are\b", "i am"),
    (r"\b(she|he) was\b|\bthey were\b", "i was"),
    (r"\b(she|he|they)'ll\b", "i'll"),
    (r"\b(she|he|they)'d\b", "i'd"),
    (r"\b(she|he|they)\b", "i"),
    (r"\b(herself|himself|themselves|themself)\b", "myself"),
    (r"\b(her|his|their)\b", "my"),
    (r"\bhim\b", "me"),
)
_THIRD_PERSON_VERB = re.compile(
    r"\bi ((?:just |still |also |even |now |already |often )?)([a-z]+)\b"
)
_BASE_FORM = {
    "is": "am",
    "has": "have",
    "does": "do",
    "doesn't": "don't",
    "isn't": "am not",
    "hasn't": "haven't",
    "was": "was",
    "goes": "go",
    "says": "say",
    "wants": "want",
    "keeps": "keep",
    "talks": "talk",
    "plans": "plan",
    "thinks": "think",
    "feels": "feel",
    "needs": "need",
    "hopes": "hope",
    "wishes": "wish",
    "tells": "tell",
    "cuts": "cut",
    "hurts": "hurt",
    "burns": "burn",
    "takes": "take",
    "hides": "hide",
    "sleeps": "sleep",
    "writes": "write",
    "gives": "give",
    "mentions": "mention",
    "refuses": "refuse",
    "seems": "seem",
    "looks": "look",
    "texts": "text",
    "asks": "ask",
    "sounds": "sound",
    "stockpiles": "stockpile",
    "saves": "save",
    "collects": "collect",
    "hoards": "hoard",
    "won't": "won't",
    "can't": "can't",
    "scratches": "scratch",
    "searches": "search",
    "googles": "google",
    "buys": "buy",
    "owns": "own",
    "sits": "sit",
    "stands": "stand",
}


def as_first_person(folded: str) -> str:
    """Return `folded` with he/she/they and their forms read as the first person."""
    for pattern, first in _THIRD_TO_FIRST:
        folded = re.sub(pattern, first, folded)
    return _THIRD_PERSON_VERB.sub(
        lambda m: f"i {m.group(1)}{_BASE_FORM.get(m.group(2), m.group(2))}", folded
    )
