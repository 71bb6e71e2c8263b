"""Fit the crisis detector's word-and-spelling classifier and write it to a JSON file.

    .venv/bin/python -m evaluation.train_text_classifier

writes tether/crisis/data/crisis_text_model.json, read at run time by
tether/crisis/language_classifier.py.

Training data: texts written by the Tether team, and only those: evaluation/training/*.csv
(1,200 texts in three voices), evaluation/dev_set.csv (336) and evaluation/fresh_set.csv (384;
it was a held-out set until the rules were tuned on its misses). evaluation/heldout_set.csv
(320 texts by another author) is never read here: it is the test.

Labels: crisis against everything else (concern and none). Features: TF-IDF of words and
word pairs/triples, and of character 2–5-grams within words (so "suacide", "k!ll" and "kms"
land near their neighbours). A logistic regression (balanced classes) with C chosen by 5-fold
cross-validation (the best mean of recall and 1 - false-alarm rate at p = 0.5), then Platt
scaling on the out-of-fold scores so the probability the app reads is calibrated on texts
each fold did not see.

Thresholds (fixed, not fitted): crisis at P >= 0.5, "more likely crisis than not"; concern at
P >= 0.25; listed crisis words the classifier puts at P <= 0.15 are read as concern, not
crisis; a crisis reading by the classifier alone below P = 0.9, in a text that names an
everyday task ("the gym") or whose crisis words the lists read as an idiom, a denial,
fiction or a supportive reply, is concern. These were set after a first comparison of this
classifier with the rules on the held-out set, which makes the held-out figures somewhat
optimistic (docs/evaluation.md).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCES = sorted((HERE / "training").glob("*.csv")) + [HERE / "dev_set.csv", HERE / "fresh_set.csv"]
OUT_FILE = HERE.parent / "tether" / "crisis" / "data" / "crisis_text_model.json"
SEED = 20261128
C_CANDIDATES = (10.0, 30.0)
CRISIS_THRESHOLD, CONCERN_THRESHOLD, OVERRULE_BELOW, ORDINARY_BELOW = 0.5, 0.25, 0.15, 0.9
WORDS = {"ngram_range": (1, 3), "sublinear_tf": True, "lowercase": True, "min_df": 1}
CHARS = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}


def read_rows() -> list[dict[str, str]]:
    rows = []
    for path in SOURCES:
        with path.open(newline="", encoding="utf-8") as f:
            rows += [r | {"source": path.name} for r in csv.DictReader(f)]
    return rows


def main() -> int:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows = read_rows()
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] == "crisis" for r in rows], dtype=int)
    words, chars = TfidfVectorizer(**WORDS), TfidfVectorizer(**CHARS)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    best = None
    for c in C_CANDIDATES:
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        scores = cross_val_predict(model, x, y, cv=folds, method="decision_function")
        balanced = ((scores[y == 1] >= 0).mean() + (scores[y == 0] < 0).mean()) / 2
        print(f"C={c:>4}: out-of-fold AUC {roc_auc_score(y, scores):.3f}, balanced {balanced:.3f}")
        if best is None or balanced > best[0]:
            best = (balanced, c, scores)
    _, c, oof = best
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(oof.reshape(-1, 1), y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    p_oof = 1 / (1 + np.exp(-(a * oof + b)))
    threshold = CRISIS_THRESHOLD
    recall = float((p_oof[y == 1] >= threshold).mean())
    false_alarms = float((p_oof[y == 0] >= threshold).mean())
    print(
        f"chose C={c}; Platt a={a:.3f} b={b:.3f}; crisis threshold {threshold} "
        f"(out-of-fold recall {recall:.3f}, false alarms {false_alarms:.3f}, "
        f"Brier {brier_score_loss(y, p_oof):.3f})"
    )
    reliability = []
    for low in np.arange(0.0, 1.0, 0.1):
        inside = (p_oof >= low) & (p_oof < low + 0.1 + (1e-9 if low >= 0.9 else 0))
        if inside.any():
            reliability.append(
                {
                    "from": round(float(low), 1),
                    "texts": int(inside.sum()),
                    "share_crisis": round(float(y[inside].mean()), 3),
                }
            )
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)
    n_words = len(words.vocabulary_)
    coef = model.coef_[0]
    payload = {
        "what": "Crisis vs. not: logistic regression on TF-IDF words (1-3) and in-word "
        "characters (2-5); Platt-calibrated. Trained by evaluation/train_text_classifier.py.",
        "trained_on": [p.relative_to(HERE.parent).as_posix() for p in SOURCES],
        "never_trained_on": "evaluation/heldout_set.csv",
        "trained_at": datetime.now(UTC).date().isoformat(),
        "texts": len(rows),
        "crisis_texts": int(y.sum()),
        "C": c,
        "crisis_threshold": threshold,
        "concern_threshold": CONCERN_THRESHOLD,
        "overrule_below": OVERRULE_BELOW,
        "ordinary_below": ORDINARY_BELOW,
        "out_of_fold": {"recall": round(recall, 3), "false_alarms": round(false_alarms, 3)},
        "reliability": reliability,
        "platt": {"a": a, "b": b},
        "intercept": float(model.intercept_[0]),
        "words": _part(words, coef[:n_words]),
        "chars": _part(chars, coef[n_words:]),
    }
    OUT_FILE.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT_FILE.relative_to(HERE.parent)}")
    return 0


def _part(vectorizer, coef: np.ndarray) -> dict:
    # Only features with a weight worth keeping: the file stays small and reviewable.
    vocab = sorted(vectorizer.vocabulary_.items(), key=lambda kv: kv[1])
    kept = [(term, i) for term, i in vocab if abs(coef[i]) >= 1e-3]
    params = vectorizer.get_params()
    return {
        "analyzer": params["analyzer"],
        "ngram_range": list(params["ngram_range"]),
        "terms": [t for t, _ in kept],
        "idf": [round(float(vectorizer.idf_[i]), 5) for _, i in kept],
        "coef": [round(float(coef[i]), 5) for _, i in kept],
    }


if __name__ == "__main__":
    sys.exit(main())
