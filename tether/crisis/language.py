"""Crisis-language detection: a small shared service any free text in Tether passes through.

Two parts, both transparent:
- a reviewable list of first-person phrases (data/crisis_language.json), matched on word
  boundaries after folding case and apostrophes;
- semantic similarity: each sentence of the text is embedded (all-MiniLM-L6-v2, local) and
  compared with example crisis sentences from the same file; a sentence at or above the
  file's threshold counts.

What it is for: putting a human's eyes on the text sooner (top of the moderator's queue, a
risk alert for the care team). It never hides, delays or closes anything, and "not flagged"
never means "safe". Its measured quality is in docs/evaluation.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).parent / "data" / "crisis_language.json"
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")
_MIN_SENTENCE_CHARS = 12  # shorter fragments ("ok.", "lol") carry no signal and add noise


@dataclass(frozen=True)
class CrisisSignal:
    flagged: bool
    phrases: tuple[str, ...] = ()
    similarity: float = 0.0  # best cosine between a sentence and a crisis example
    closest_sentence: str = ""
    reasons: tuple[str, ...] = field(default=())

    @property
    def reason(self) -> str:
        """One line for the moderator and the alert: what the detector saw."""
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Lexicon:
    phrases: tuple[str, ...]
    examples: tuple[str, ...]
    threshold: float
    reviewed_on: str
    pattern: re.Pattern = field(repr=False)


def _fold(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


@cache
def lexicon(path: Path = DATA_FILE) -> Lexicon:
    raw = json.loads(path.read_text())
    phrases = tuple(sorted({_fold(p).strip() for p in raw["phrases"] if p.strip()}, key=len))
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return Lexicon(
        phrases=phrases,
        examples=tuple(raw["examples"]),
        threshold=float(raw["similarity_threshold"]),
        reviewed_on=raw["reviewed_on"],
        pattern=re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])"),
    )


@cache
def _example_vectors() -> np.ndarray:
    from tether.peers.embedding import embed_many

    return embed_many(list(lexicon().examples))


def matched_phrases(text: str) -> tuple[str, ...]:
    found = lexicon().pattern.findall(_fold(text))
    return tuple(dict.fromkeys(found))  # each once, in order of appearance


def sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENTENCE_END.split(text or "")]
    kept = [s for s in parts if len(s) >= _MIN_SENTENCE_CHARS]
    return kept or ([text.strip()] if text and text.strip() else [])


def semantic_similarity(texts: list[str]) -> list[tuple[float, str]]:
    """For each text, the best cosine between one of its sentences and a crisis example."""
    from tether.peers.embedding import embed_many

    split = [sentences(t) for t in texts]
    flat = [s for parts in split for s in parts]
    if not flat:
        return [(0.0, "") for _ in texts]
    sims = embed_many(flat) @ _example_vectors().T
    best_per_sentence = sims.max(axis=1)
    out, i = [], 0
    for parts in split:
        if not parts:
            out.append((0.0, ""))
            continue
        chunk = best_per_sentence[i : i + len(parts)]
        j = int(np.argmax(chunk))
        out.append((float(chunk[j]), parts[j]))
        i += len(parts)
    return out


def detect_many(texts: list[str], *, semantic: bool = True) -> list[CrisisSignal]:
    sims = semantic_similarity(texts) if semantic else [(0.0, "")] * len(texts)
    threshold = lexicon().threshold
    signals = []
    for text, (similarity, sentence) in zip(texts, sims, strict=True):
        phrases = matched_phrases(text)
        reasons = []
        if phrases:
            reasons.append("Crisis words: " + ", ".join(f"“{p}”" for p in phrases[:3]))
        if similarity >= threshold:
            reasons.append(f"Reads like a crisis statement (similarity {similarity:.2f})")
        signals.append(
            CrisisSignal(
                flagged=bool(reasons),
                phrases=phrases,
                similarity=similarity,
                closest_sentence=sentence,
                reasons=tuple(reasons),
            )
        )
    return signals


def detect(text: str) -> CrisisSignal:
    """Does this text possibly express suicidal thoughts, self-harm or acute crisis?"""
    return detect_many([text])[0]
