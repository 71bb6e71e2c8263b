"""The crisis detector's word-and-spelling classifier: a calibrated logistic regression on
TF-IDF words (1–3) and in-word characters (2–5), fitted by evaluation/train_text_classifier.py
on texts the Tether team wrote (data/crisis_text_model.json says which; the held-out set is
never among them). scikit-learn's own vectorizers rebuild the features from the stored
vocabulary and IDF weights, so training and the app read text the same way.

It reads a short text in a few milliseconds. Its reasons name the words that weighed
most towards crisis, so a reviewer can see why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

MODEL_FILE = Path(__file__).parent / "data" / "crisis_text_model.json"


@dataclass(frozen=True)
class TextReading:
    probability: float  # calibrated P(crisis)
    evidence: tuple[str, ...]  # the words that weighed most towards crisis


@dataclass(frozen=True)
class TextClassifier:
    words: TfidfVectorizer  # fitted
    chars: TfidfVectorizer
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    crisis_threshold: float  # P(crisis) at or above which a text is crisis
    concern_threshold: float  # ... at or above which it is at least concern
    overrule_below: float  # listed crisis words at or below this P are concern, not crisis
    ordinary_below: float  # a crisis reading of its own below this P, in words the lists
    # read as ordinary speech, is concern
    terms: tuple[str, ...]

    def read_many(self, texts: list[str]) -> list[TextReading]:
        from scipy.sparse import hstack

        x = hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()
        scores = x @ self.coef + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(-(self.platt_a * scores + self.platt_b)))
        n_words = len(self.words.vocabulary_)
        readings = []
        for row, p in zip(x, probabilities, strict=True):
            contributions = [
                (row.data[k] * self.coef[j], self.terms[j])
                for k, j in enumerate(row.indices)
                if j < n_words  # word features read as words; characters do not
            ]
            top = [t for w, t in sorted(contributions, reverse=True)[:3] if w > 0.05]
            readings.append(TextReading(probability=float(p), evidence=tuple(top)))
        return readings


def _vectorizer(part: dict[str, Any]) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=part["analyzer"],
        ngram_range=tuple(part["ngram_range"]),
        sublinear_tf=True,
        lowercase=True,
        vocabulary={term: i for i, term in enumerate(part["terms"])},
    )
    vectorizer.idf_ = np.asarray(part["idf"], dtype=np.float64)
    return vectorizer


@cache
def text_classifier(path: Path = MODEL_FILE) -> TextClassifier:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return TextClassifier(
        words=_vectorizer(raw["words"]),
        chars=_vectorizer(raw["chars"]),
        coef=np.asarray(raw["words"]["coef"] + raw["chars"]["coef"], dtype=np.float64),
        intercept=float(raw["intercept"]),
        platt_a=float(raw["platt"]["a"]),
        platt_b=float(raw["platt"]["b"]),
        crisis_threshold=float(raw["crisis_threshold"]),
        concern_threshold=float(raw["concern_threshold"]),
        overrule_below=float(raw["overrule_below"]),
        ordinary_below=float(raw["ordinary_below"]),
        terms=tuple(raw["words"]["terms"] + raw["chars"]["terms"]),
    )
