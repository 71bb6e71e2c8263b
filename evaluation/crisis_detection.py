"""The crisis experiment: every C-SSRS post through the app's detector, scored per user.

A user is flagged when any of their posts is. "In crisis" means labelled Ideation, Behavior
or Attempt; the false-alarm rate is read on Supportive users (people who post to help
others); Indicator users' flag rate is reported for context only.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluation.data import User
from evaluation.metrics import flags_per_user, user_rates
from tether.crisis import language

IN_CRISIS = ("Ideation", "Behavior", "Attempt")
SUPPORTIVE = "Supportive"
INDICATOR = "Indicator"
SWEEP_THRESHOLDS = (0.50, 0.55, 0.60, 0.65, 0.70, 0.75)
BATCH_POSTS = 250


@dataclass(frozen=True)
class PostSignals:
    """What the detector said about every post, flattened; `user[i]` wrote post i."""

    text: list[str]
    user: list[int]
    flagged: list[bool]  # the shipped detector: phrases or similarity >= threshold
    phrase_flagged: list[bool]  # detect_many(..., semantic=False)
    phrases: list[tuple[str, ...]]
    similarity: list[float]


def canonical_label(label: str) -> str:
    """Return the protocol's spelling of a label, whatever its case; other labels as given."""
    known = {name.casefold(): name for name in (*IN_CRISIS, SUPPORTIVE, INDICATOR)}
    return known.get(label.strip().casefold(), label.strip())


def detect_posts(
    users: Sequence[User], log: Callable[[str], None], batch_posts: int = BATCH_POSTS
) -> tuple[PostSignals, dict]:
    """Run the app's detector over every post in batches; return signals and timing."""
    texts = [post for u in users for post in u.posts]
    owner = [i for i, u in enumerate(users) for _ in u.posts]
    flagged, phrase_flagged, phrases, similarity = [], [], [], []
    sentences = sum(len(language.sentences(t)) for t in texts) + len(language.lexicon().examples)
    log(f"crisis: {len(texts):,} posts ({sentences:,} sentences to embed) from {len(users)} users")
    started = time.perf_counter()
    for start in range(0, len(texts), batch_posts):
        batch = texts[start : start + batch_posts]
        full = language.detect_many(batch)
        lexical = language.detect_many(batch, semantic=False)
        flagged += [s.flagged for s in full]
        phrase_flagged += [s.flagged for s in lexical]
        phrases += [s.phrases for s in full]
        similarity += [s.similarity for s in full]
        done = start + len(batch)
        elapsed = time.perf_counter() - started
        log(
            f"  {done:>6,} / {len(texts):,} posts ({done / len(texts):4.0%}), "
            f"{elapsed:6.0f} s, {done / elapsed:5.1f} posts/s"
        )
    seconds = time.perf_counter() - started
    signals = PostSignals(texts, owner, flagged, phrase_flagged, phrases, similarity)
    return signals, {"texts": sentences, "seconds": seconds}


def _summary(labels: Sequence[str], signals: PostSignals, post_flagged: Sequence[bool]) -> dict:
    counts = flags_per_user(signals.user, post_flagged, len(labels))
    summary = user_rates(labels, counts, positive=IN_CRISIS, negative=SUPPORTIVE, context=INDICATOR)
    summary["posts_flagged_share"] = (
        summary["posts_flagged_total"] / len(post_flagged) if post_flagged else None
    )
    return summary


def _brief(summary: dict) -> dict:
    return {
        "recall": summary["recall"],
        "false_alarm_rate": summary["false_alarm_rate"],
        "indicator_flag_rate": summary["indicator_flag_rate"],
        "posts_flagged_per_user": summary["posts_flagged_per_user"],
        "posts_flagged_total": summary["posts_flagged_total"],
    }


def threshold_sweep(labels: Sequence[str], signals: PostSignals, shipped: float) -> dict:
    """Recall and false alarms of the semantic component at other thresholds."""
    rows = []
    for threshold in sorted({*SWEEP_THRESHOLDS, shipped}):
        semantic = [s >= threshold for s in signals.similarity]
        combined = [p or s for p, s in zip(signals.phrase_flagged, semantic, strict=True)]
        rows.append(
            {
                "threshold": threshold,
                "shipped": threshold == shipped,
                "semantic_only": _brief(_summary(labels, signals, semantic)),
                "combined": _brief(_summary(labels, signals, combined)),
            }
        )
    return {
        "note": (
            "Context only, NOT used to tune the shipped threshold: this set is a hard test "
            "(labels per user, altered text, helpers as negatives), not training data."
        ),
        "rows": rows,
    }


def phrases_without(removed: set[str]) -> language.Lexicon:
    """Return the shipped lexicon with some phrases taken out (read through the app's own
    loader, so matching rules stay the app's)."""
    # The app's loader and folding (private there) are reused so that matching rules cannot
    # drift between the app and this measurement.
    raw = json.loads(language.DATA_FILE.read_text())
    raw["phrases"] = [p for p in raw["phrases"] if language._fold(p).strip() not in removed]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crisis_language.json"
        path.write_text(json.dumps(raw))
        return language.lexicon.__wrapped__(path)


def phrase_review(labels: Sequence[str], signals: PostSignals, threshold: float) -> list[dict]:
    """For every phrase that matched: which users it reached, and the effect of removing it.

    Removing a phrase can let a shorter one it contained match instead ("planning to kill
    myself" -> "kill myself"), so the posts it matched are re-read with a lexicon without it.
    """
    crisis = set(IN_CRISIS)
    found = sorted({p for ps in signals.phrases for p in ps})
    rows = []
    for phrase in found:
        posts = [i for i, ps in enumerate(signals.phrases) if phrase in ps]
        reached = {signals.user[i] for i in posts}
        reduced = phrases_without({phrase})
        flagged = list(signals.flagged)
        for i in posts:
            still = bool(reduced.pattern.findall(language._fold(signals.text[i])))
            flagged[i] = still or signals.similarity[i] >= threshold
        effect = _summary(labels, signals, flagged)
        rows.append(
            {
                "phrase": phrase,
                "posts": len(posts),
                "users_in_crisis": sum(1 for u in reached if labels[u] in crisis),
                "users_supportive": sum(1 for u in reached if labels[u] == SUPPORTIVE),
                "users_indicator": sum(1 for u in reached if labels[u] == INDICATOR),
                "if_removed": {
                    "recall": effect["recall"],
                    "false_alarm_rate": effect["false_alarm_rate"],
                    "posts_flagged_total": effect["posts_flagged_total"],
                },
            }
        )
    rows.sort(key=lambda r: (-r["users_in_crisis"], r["users_supportive"], r["phrase"]))
    return rows


def evaluate(users: Sequence[User], log: Callable[[str], None]) -> dict:
    """Run the whole crisis experiment and return its results."""
    labels = [canonical_label(u.label) for u in users]
    threshold = language.lexicon().threshold
    signals, timing = detect_posts(users, log)
    semantic = [s >= threshold for s in signals.similarity]
    combined = _summary(labels, signals, signals.flagged)
    by_label: dict[str, int] = {}
    for label in labels:
        by_label[label] = by_label.get(label, 0) + 1
    return {
        "recall": combined["recall"],
        "false_alarm_rate": combined["false_alarm_rate"],
        "posts_flagged_per_user": combined["posts_flagged_per_user"],
        "definitions": {
            "in_crisis": list(IN_CRISIS),
            "false_alarms_on": SUPPORTIVE,
            "context": INDICATOR,
            "user_flagged": "any of the user's posts is flagged",
        },
        "n": {
            "users": len(users),
            "posts": len(signals.text),
            "users_by_label": dict(sorted(by_label.items())),
            "users_in_crisis": sum(1 for label in labels if label in IN_CRISIS),
            "rows_parsed_by_fallback": sum(1 for u in users if u.parsed_by_fallback),
            "posts_in_fallback_rows": sum(len(u.posts) for u in users if u.parsed_by_fallback),
            "truncated_last_posts_kept": sum(1 for u in users if u.truncated_post),
        },
        "lexicon": {
            "phrases": len(language.lexicon().phrases),
            "examples": len(language.lexicon().examples),
            "similarity_threshold": threshold,
            "reviewed_on": language.lexicon().reviewed_on,
        },
        # The app's flag should be exactly "a phrase, or similarity >= threshold"; if the
        # detector ever gains another rule, the component figures below stop adding up.
        "combined_is_phrase_or_semantic": all(
            f == (p or s)
            for f, p, s in zip(signals.flagged, signals.phrase_flagged, semantic, strict=True)
        ),
        "detectors": {
            "combined": combined,
            "phrase_only": _summary(labels, signals, signals.phrase_flagged),
            "semantic_only": _summary(labels, signals, semantic),
        },
        "threshold_sweep": threshold_sweep(labels, signals, threshold),
        "phrases": phrase_review(labels, signals, threshold),
        "embedding": timing,
    }
