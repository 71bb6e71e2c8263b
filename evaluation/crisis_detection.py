"""The crisis experiment: every C-SSRS post through the app's detector, scored per user.

A user is flagged when any of their posts is. "In crisis" means labelled Ideation, Behavior
or Attempt; the false-alarm rate is read on Supportive users (people who post to help
others); Indicator users' flag rate is reported for context only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evaluation.data import User
from evaluation.metrics import flags_per_user, user_rates
from tether.crisis import language, language_model

IN_CRISIS = ("Ideation", "Behavior", "Attempt")
SUPPORTIVE = "Supportive"
INDICATOR = "Indicator"
BATCH_POSTS = 250
# Figures of the detector before issue 10 (phrase list or similarity >= 0.62), measured
# 2026-11-26 with this harness; kept so that every run prints the comparison.
BEFORE = {"recall": 0.686, "false_alarm_rate": 0.444, "posts_flagged_per_user": 1.51}


@dataclass(frozen=True)
class PostSignals:
    """What the detector said about every post, flattened; `user[i]` wrote post i."""

    text: list[str]
    user: list[int]
    tier: list[str]  # crisis / concern / none, as the app reads the post
    reasons: list[tuple[str, ...]]
    similarity: list[float]

    @property
    def flagged(self) -> list[bool]:
        return [t == language.CRISIS for t in self.tier]


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
    tier, reasons, similarity = [], [], []
    embedded = 0
    log(f"crisis: {len(texts):,} posts from {len(users)} users")
    started = time.perf_counter()
    for start in range(0, len(texts), batch_posts):
        batch = texts[start : start + batch_posts]
        signals = language.detect_many(batch)
        tier += [s.tier for s in signals]
        reasons += [s.reasons for s in signals]
        similarity += [s.similarity for s in signals]
        embedded += sum(
            len(language_model.gated_sentences(t))
            for t, s in zip(batch, signals, strict=True)
            if s.semantic == "checked"
        )
        done = start + len(batch)
        elapsed = time.perf_counter() - started
        log(
            f"  {done:>6,} / {len(texts):,} posts ({done / len(texts):4.0%}), "
            f"{elapsed:6.0f} s, {done / elapsed:5.1f} posts/s"
        )
    seconds = time.perf_counter() - started
    signals = PostSignals(texts, owner, tier, reasons, similarity)
    return signals, {"texts": embedded, "seconds": seconds}


def _summary(labels: Sequence[str], signals: PostSignals, post_flagged: Sequence[bool]) -> dict:
    counts = flags_per_user(signals.user, post_flagged, len(labels))
    summary = user_rates(labels, counts, positive=IN_CRISIS, negative=SUPPORTIVE, context=INDICATOR)
    summary["posts_flagged_share"] = (
        summary["posts_flagged_total"] / len(post_flagged) if post_flagged else None
    )
    return summary


def reason_review(labels: Sequence[str], signals: PostSignals) -> list[dict]:
    """For every kind of reason on a crisis post ("Crisis words", "Plan"...): the users it
    reached by label. Context for the list's reviewer, not used to tune anything."""
    crisis = set(IN_CRISIS)
    reached: dict[str, set[int]] = {}
    posts: dict[str, int] = {}
    for i, (tier, reasons) in enumerate(zip(signals.tier, signals.reasons, strict=True)):
        if tier != language.CRISIS:
            continue
        for reason in reasons:
            kind = reason.split(":")[0]
            reached.setdefault(kind, set()).add(signals.user[i])
            posts[kind] = posts.get(kind, 0) + 1
    rows = [
        {
            "reason": kind,
            "posts": posts[kind],
            "users_in_crisis": sum(1 for u in users if labels[u] in crisis),
            "users_supportive": sum(1 for u in users if labels[u] == SUPPORTIVE),
            "users_indicator": sum(1 for u in users if labels[u] == INDICATOR),
        }
        for kind, users in reached.items()
    ]
    rows.sort(key=lambda r: (-r["users_in_crisis"], r["users_supportive"], r["reason"]))
    return rows


def evaluate(users: Sequence[User], log: Callable[[str], None]) -> dict:
    """Run the whole crisis experiment and return its results."""
    labels = [canonical_label(u.label) for u in users]
    lex = language.lexicon()
    signals, timing = detect_posts(users, log)
    crisis = _summary(labels, signals, signals.flagged)
    seen = [t != language.NONE for t in signals.tier]
    model_concern = [
        t == language.CONCERN and any(r.startswith("Reads like") for r in rs)
        for t, rs in zip(signals.tier, signals.reasons, strict=True)
    ]
    by_label: dict[str, int] = {}
    for label in labels:
        by_label[label] = by_label.get(label, 0) + 1
    return {
        "recall": crisis["recall"],
        "false_alarm_rate": crisis["false_alarm_rate"],
        "posts_flagged_per_user": crisis["posts_flagged_per_user"],
        "before_issue_10": BEFORE,
        "definitions": {
            "in_crisis": list(IN_CRISIS),
            "false_alarms_on": SUPPORTIVE,
            "context": INDICATOR,
            "user_flagged": "any of the user's posts is read as crisis",
            "user_seen": "any of the user's posts is read as crisis or concern",
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
            "crisis_patterns": len(lex.crisis),
            "concern_patterns": len(lex.concern),
            "examples": len(lex.examples),
            "similarity_threshold": lex.threshold,
            "reviewed_on": lex.reviewed_on,
        },
        "detectors": {
            "crisis": crisis,
            "crisis_or_concern": _summary(labels, signals, seen),
            "concern_from_model": _summary(labels, signals, model_concern),
        },
        "reasons": reason_review(labels, signals),
        "embedding": timing,
    }
