"""The crisis experiment: every C-SSRS post through the app's detector, scored per user.

A user is flagged when any of their posts is. "In crisis" means labelled Ideation, Behavior
or Attempt; the false-alarm rate is read on Supportive users (people who post to help
others); Indicator users' flag rate is reported for context only. Every post is read twice:
as the app reads it (lists and classifier) and by the lists alone (what stands if the
classifier fails).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from evaluation.data import User
from evaluation.metrics import flags_per_user, user_rates
from tether.crisis import language

IN_CRISIS = ("Ideation", "Behavior", "Attempt")
SUPPORTIVE = "Supportive"
INDICATOR = "Indicator"
BATCH_POSTS = 250
# Figures of the detector before issue 10 (phrase list or similarity >= 0.62), measured
# 2026-11-26 with this harness; kept so that every run prints the comparison.
BEFORE = {"recall": 0.686, "false_alarm_rate": 0.444, "posts_flagged_per_user": 1.51}
# How language.py words what the classifier did (its reasons start so).
CLASSIFIER_REASONS = ("Reads like a crisis statement", "Read as ordinary speech")


@dataclass(frozen=True)
class PostSignals:
    """What the detector said about every post, flattened; `user[i]` wrote post i."""

    text: list[str]
    user: list[int]
    tier: list[str]  # crisis / concern / none, as the app reads the post
    reasons: list[tuple[str, ...]]
    lists_tier: list[str]  # the same posts read by the lists alone (learned=False)

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
    """Run the app's detector over every post in batches; return signals and timing (the
    seconds are the app's reading only; the lists-only reading is not timed)."""
    texts = [post for u in users for post in u.posts]
    owner = [i for i, u in enumerate(users) for _ in u.posts]
    tier, reasons, lists_tier = [], [], []
    failed = 0
    seconds = 0.0
    log(f"crisis: {len(texts):,} posts from {len(users)} users")
    started = time.perf_counter()
    for start in range(0, len(texts), batch_posts):
        batch = texts[start : start + batch_posts]
        timed = time.perf_counter()
        signals = language.detect_many(batch)
        seconds += time.perf_counter() - timed
        tier += [s.tier for s in signals]
        reasons += [s.reasons for s in signals]
        failed += sum(1 for s in signals if s.learned != "checked")
        lists_tier += [s.tier for s in language.detect_many(batch, learned=False)]
        done = start + len(batch)
        elapsed = time.perf_counter() - started
        log(
            f"  {done:>6,} / {len(texts):,} posts ({done / len(texts):4.0%}), "
            f"{elapsed:6.0f} s, {done / elapsed:5.1f} posts/s"
        )
    signals = PostSignals(texts, owner, tier, reasons, lists_tier)
    timing = {
        "posts": len(texts),
        "seconds": seconds,
        "ms_per_post": 1000 * seconds / len(texts) if texts else None,
        "classifier_not_checked": failed,
    }
    return signals, timing


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
            # "Plan with a timeframe: “tonight”", "Reads like a crisis statement (P = 0.91...)"
            kind = reason.split(" (")[0].split(":")[0]
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
    lists_only = [t == language.CRISIS for t in signals.lists_tier]
    # What the classifier changed: crisis where the lists said less ("Reads like a crisis
    # statement" is added only then), crisis words overruled to concern, concern it raised.
    said = [[r for r in rs if r.startswith(CLASSIFIER_REASONS)] for rs in signals.reasons]
    lifted = [
        t == language.CRISIS and any(r.startswith("Reads like") for r in rs)
        for t, rs in zip(signals.tier, said, strict=True)
    ]
    concern_raised = [
        t == language.CONCERN and any(r.startswith("Reads like") for r in rs)
        for t, rs in zip(signals.tier, said, strict=True)
    ]
    overruled = [any(r.startswith("Read as ordinary") for r in rs) for rs in said]
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
            "reviewed_on": lex.reviewed_on,
        },
        "classifier": classifier_facts(),
        "detectors": {
            "crisis": crisis,
            "crisis_or_concern": _summary(labels, signals, seen),
            "lists_only": _summary(labels, signals, lists_only),
            "crisis_lifted_by_classifier": _summary(labels, signals, lifted),
            "concern_raised_by_classifier": _summary(labels, signals, concern_raised),
            "overruled_to_concern": _summary(labels, signals, overruled),
        },
        "reasons": reason_review(labels, signals),
        "detection": timing,
    }


@cache
def classifier_facts() -> dict:
    """Return what the shipped classifier file says about itself (no weights), read once and
    at the moment the app's classifier is loaded, so the facts describe the model measured
    even if the file is refitted during a run."""
    import json

    from tether.crisis.language_classifier import MODEL_FILE, text_classifier

    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    text_classifier()
    keys = ("trained_at", "texts", "crisis_texts", "C", "crisis_threshold")
    keys += ("concern_threshold", "overrule_below", "everyday_below", "out_of_fold")
    return {k: raw.get(k) for k in keys}
