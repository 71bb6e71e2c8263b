"""The crisis detector's semantic part: MiniLM sentence embeddings, read two ways.

- Similarity to the crisis examples in data/crisis_language.json (as before): a sentence this
  close makes the text at least *concern*.
- A logistic regression on the same embeddings (data/crisis_language_model.json), fitted by
  evaluation/train_crisis_model.py on Tether's development set only and calibrated (Platt
  scaling on cross-validated scores). Its probability lifts a sentence to *crisis* only when
  the sentence is in the first person and nothing in it turns crisis words down: an idiom, a
  denial, the past, fiction, reported speech or a supportive reply (the model cannot read
  "never", "used to" or "she"; the lists' scopes can).

Only sentences holding a gate word (data/crisis_language.json, semantic.gate_words) are
embedded, so most ordinary posts cost no model time. The caller (language.detect_many)
catches any failure here and keeps the lists' answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from tether.crisis.language import lexicon, normalise, sentences

MODEL_FILE = Path(__file__).parent / "data" / "crisis_language_model.json"


@dataclass(frozen=True)
class Reading:
    similarity: float = 0.0  # best cosine between a gated sentence and a crisis example
    closest_sentence: str = ""
    probability: float = 0.0  # best calibrated P(crisis) among sentences the model may lift
    lifted_sentence: str = ""


NOTHING_READ = Reading()


@dataclass(frozen=True)
class Classifier:
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    lift_threshold: float  # P(crisis) at or above which a first-person sentence is crisis
    concern_threshold: float  # ... and at or above which any gated sentence is concern

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        score = vectors @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-(self.platt_a * score + self.platt_b)))


@cache
def classifier(path: Path = MODEL_FILE) -> Classifier:
    raw = json.loads(path.read_text())
    return Classifier(
        coef=np.asarray(raw["coef"], dtype=np.float32),
        intercept=float(raw["intercept"]),
        platt_a=float(raw["platt"]["a"]),
        platt_b=float(raw["platt"]["b"]),
        lift_threshold=float(raw["lift_threshold"]),
        concern_threshold=float(raw["concern_threshold"]),
    )


@cache
def _example_vectors() -> np.ndarray:
    from tether.peers.embedding import embed_many

    return embed_many(list(lexicon().examples))


def gated_sentences(text: str) -> list[str]:
    """Return the sentences of `text` worth the model's time: those with a gate word."""
    gate = lexicon().scopes["gate"]
    return [s for s in sentences(text) if gate.search(normalise(s)[0])]


def may_lift(sentence: str, *, about_patient: bool = False) -> bool:
    """Whether the model may call `sentence` a crisis: the writer speaks of themself (or, in
    a note about the patient, of the patient) and no scope turns crisis words down."""
    scopes = lexicon().scopes
    text = normalise(sentence, about_patient=about_patient)[0]
    if not (scopes["first"].search(text) or scopes["dropped_subject"].search(text)):
        return False
    if scopes["reported"].search(text) and not about_patient:
        return False
    vetoes = ("idiom", "denial", "supportive", "fiction", "recovery", "generic_lead", "everyday")
    if any(scopes[v].search(text) for v in vetoes):
        return False
    return not (scopes["past"].search(text) and not scopes["recent"].search(text))


def read_semantic(texts: list[str], *, about_patient: bool = False) -> list[Reading]:
    """Embed each text's gated sentences once and read them with both signals."""
    from tether.peers.embedding import embed_many

    split = [gated_sentences(t) for t in texts]
    flat = [s for parts in split for s in parts]
    if not flat:
        return [NOTHING_READ for _ in texts]
    vectors = embed_many(flat)
    similarity = (vectors @ _example_vectors().T).max(axis=1)
    probability = classifier().probability(vectors)
    out, i = [], 0
    for parts in split:
        if not parts:
            out.append(NOTHING_READ)
            continue
        sims, probs = similarity[i : i + len(parts)], probability[i : i + len(parts)]
        j = int(np.argmax(sims))
        liftable = [k for k, s in enumerate(parts) if may_lift(s, about_patient=about_patient)]
        k = max(liftable, key=lambda k: probs[k]) if liftable else None
        out.append(
            Reading(
                similarity=float(sims[j]),
                closest_sentence=parts[j],
                probability=float(probs[k]) if k is not None else 0.0,
                lifted_sentence=parts[k] if k is not None else "",
            )
        )
        i += len(parts)
    return out
