"""Fit the crisis detector's learned component and write its coefficients to a JSON file.

    .venv/bin/python -m evaluation.train_crisis_model

writes tether/crisis/data/crisis_language_model.json.

Trained ONLY on evaluation/dev_set.csv (336 short texts written by the Tether team; labels
crisis vs. not crisis: concern and none together). evaluation/fresh_set.csv is never read
here. The features are the MiniLM sentence embeddings the app already computes
(tether.peers.embedding.embed_many). A logistic regression (scikit-learn, dev extras only)
with its regularisation chosen by 5-fold cross-validation; then Platt scaling fitted on the
out-of-fold scores, so the probability the app reads is calibrated on texts each fold did
not see. The app reads the JSON with NumPy alone (tether/crisis/language_model.py).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from evaluation.dev_set import read_dev_set

OUT = Path(__file__).resolve().parent.parent / "tether" / "crisis" / "data"
OUT_FILE = OUT / "crisis_language_model.json"
SEED = 20261128
# Chosen from the cross-validated reliability table on the development set, before the model
# was run on any other text: at P >= 0.8 about 94% of texts were crisis; 0.5 is "as likely as
# not", enough for a human to look (concern, no alert).
LIFT_THRESHOLD = 0.8
CONCERN_THRESHOLD = 0.5


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from tether.peers.embedding import embed_many

    rows = read_dev_set()
    x = embed_many([r.text for r in rows])
    y = np.array([r.label == "crisis" for r in rows], dtype=int)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    best = None
    for c in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0):
        scores = cross_val_predict(
            LogisticRegression(C=c, max_iter=2000), x, y, cv=folds, method="decision_function"
        )
        auc = roc_auc_score(y, scores)
        if best is None or auc > best[0]:
            best = (auc, c, scores)
    auc, c, oof = best
    # Platt scaling on the out-of-fold scores: p = 1 / (1 + exp(-(a * score + b))).
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(oof.reshape(-1, 1), y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    p_oof = 1 / (1 + np.exp(-(a * oof + b)))
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    bins = []
    for lo in np.arange(0, 1, 0.2):
        mask = (p_oof >= lo) & (p_oof < lo + 0.2 + (1e-9 if lo >= 0.8 else 0))
        if mask.any():
            bins.append(
                {
                    "bin": f"{lo:.1f}-{lo + 0.2:.1f}",
                    "n": int(mask.sum()),
                    "mean_predicted": round(float(p_oof[mask].mean()), 3),
                    "share_crisis": round(float(y[mask].mean()), 3),
                }
            )
    out = {
        "what": "Logistic regression on all-MiniLM-L6-v2 sentence embeddings: crisis vs not.",
        "trained_on": "evaluation/dev_set.csv only (336 texts written by the Tether team); "
        "evaluation/fresh_set.csv was kept out of training and calibration.",
        "trained_by": "evaluation/train_crisis_model.py",
        "trained_on_date": datetime.now(tz=UTC).date().isoformat(),
        "regularisation_C": c,
        "cross_validated": {
            "folds": 5,
            "auc": round(float(auc), 4),
            "brier": round(float(brier_score_loss(y, p_oof)), 4),
            "reliability": bins,
        },
        "platt": {"a": a, "b": b},
        "lift_threshold": LIFT_THRESHOLD,
        "concern_threshold": CONCERN_THRESHOLD,
        "intercept": float(model.intercept_[0]),
        "coef": [round(float(v), 6) for v in model.coef_[0]],
    }
    OUT_FILE.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "coef"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
