"""Pure metrics for the harness: ranking accuracy and per-user flag aggregation."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def top_k_accuracy(
    rankings: Sequence[Sequence[str]], gold: Sequence[Collection[str]], k: int
) -> float | None:
    """Return the share of queries whose first `k` ranked groups include any of their topics.

    A question tagged with several topics is a hit when any of them is ranked in the top k.
    None when there are no queries (an empty split has no accuracy, not an accuracy of 0).
    """
    if len(rankings) != len(gold):
        raise ValueError("one ranking per query")
    if not gold:
        return None
    hits = sum(
        1 for ranked, topics in zip(rankings, gold, strict=True) if set(ranked[:k]) & set(topics)
    )
    return hits / len(gold)


def accuracy(rankings: Sequence[Sequence[str]], gold: Sequence[Collection[str]]) -> dict:
    """Return top-1 and top-3 accuracy and the number of queries."""
    return {
        "top1": top_k_accuracy(rankings, gold, 1),
        "top3": top_k_accuracy(rankings, gold, 3),
        "n": len(gold),
    }


def flags_per_user(
    post_user: Sequence[int], post_flagged: Sequence[bool], n_users: int
) -> list[int]:
    """Return how many of each user's posts were flagged; `post_user[i]` owns post i."""
    if len(post_user) != len(post_flagged):
        raise ValueError("one user per post")
    counts = [0] * n_users
    for user, flagged in zip(post_user, post_flagged, strict=True):
        if flagged:
            counts[user] += 1
    return counts


def share(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def user_rates(
    labels: Sequence[str],
    flagged_posts: Sequence[int],
    *,
    positive: Collection[str],
    negative: str,
    context: str,
) -> dict:
    """Summarise one detector per user: a user is flagged when any of their posts is.

    `positive` labels are the users who should be flagged (recall), `negative` the ones who
    should not (false-alarm rate), `context` one more label whose flag rate is informative.
    """
    if len(labels) != len(flagged_posts):
        raise ValueError("one count per user")
    groups = {
        "in_crisis": [c for lab, c in zip(labels, flagged_posts, strict=True) if lab in positive],
        "supportive": [c for lab, c in zip(labels, flagged_posts, strict=True) if lab == negative],
        "indicator": [c for lab, c in zip(labels, flagged_posts, strict=True) if lab == context],
    }
    by_label: dict[str, list[int]] = {}
    for lab, count in zip(labels, flagged_posts, strict=True):
        by_label.setdefault(lab, []).append(count)

    def flag_rate(counts: list[int]) -> float | None:
        return share(sum(1 for c in counts if c), len(counts))

    def per_user(counts: Sequence[int]) -> float | None:
        return share(sum(counts), len(counts))

    return {
        "recall": flag_rate(groups["in_crisis"]),
        "false_alarm_rate": flag_rate(groups["supportive"]),
        "indicator_flag_rate": flag_rate(groups["indicator"]),
        "posts_flagged_per_user": per_user(flagged_posts),
        "posts_flagged_per_user_by_group": {
            "all": per_user(flagged_posts),
            **{name: per_user(counts) for name, counts in groups.items()},
        },
        "flag_rate_by_label": {lab: flag_rate(c) for lab, c in sorted(by_label.items())},
        "users_flagged": sum(1 for c in flagged_posts if c),
        "posts_flagged_total": sum(flagged_posts),
    }
