"""The matching experiment: CounselChat topics as peer groups, questions as patients.

Each topic is a group. Its own description is the topic name made readable; its members'
descriptions are the train questions carrying it. Every val and test question is matched,
and a hit is any of its topics. Tether's matcher (the app's `build_index` and `rank`, default
constants, no tags) is compared with two baselines in the same run.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from evaluation.data import Question
from evaluation.metrics import accuracy
from tether.peers import matching

EVAL_SPLITS = ("val", "test")
TOP = 3  # the deepest rank any metric reads
SWEEP_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
SWEEP_KS = (1, 3, 5)

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Groups:
    names: list[str]  # topics, sorted
    members: dict[str, list[int]]  # topic -> indices into the train questions


def readable_topic(topic: str) -> str:
    """Return a topic slug as words: "family-conflict" -> "family conflict"."""
    return " ".join(topic.replace("-", " ").replace("_", " ").split())


def make_groups(questions: Sequence[Question], train: Sequence[Question]) -> Groups:
    """Every topic seen in any split is a group; its members are the train questions."""
    names = sorted({t for q in questions for t in q.topics})
    members: dict[str, list[int]] = {name: [] for name in names}
    for i, q in enumerate(train):
        for t in q.topics:
            members[t].append(i)
    return Groups(names=names, members=members)


def largest_group_ranking(groups: Groups) -> list[str]:
    """Return groups by number of train members, largest first (ties by name)."""
    return sorted(groups.names, key=lambda name: (-len(groups.members[name]), name))


def tfidf_rankings(
    groups: Groups, train: Sequence[Question], queries: Sequence[Question]
) -> list[list[str]]:
    """Rank groups by cosine between a query's TF-IDF vector and the centroid of the group's
    members' TF-IDF vectors (1-2-grams, sublinear tf, fitted on train only). A group with no
    train members is represented by its readable name."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    train_matrix = vectorizer.fit_transform([q.text for q in train])
    rows = []
    for name in groups.names:
        idx = groups.members[name]
        if idx:
            rows.append(np.asarray(train_matrix[idx].mean(axis=0)).ravel())
        else:
            rows.append(vectorizer.transform([readable_topic(name)]).toarray().ravel())
    centroids = _unit_rows(np.vstack(rows))
    query_matrix = vectorizer.transform([q.text for q in queries]).toarray()
    sims = _unit_rows(query_matrix) @ centroids.T
    return [_ranked(groups.names, row) for row in sims]


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.clip(norms, 1e-12, None)


def _ranked(names: Sequence[str], scores: np.ndarray) -> list[str]:
    order = sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))
    return [names[i] for i in order[:TOP]]


def tether_index(
    groups: Groups, name_vectors: np.ndarray, train_vectors: np.ndarray
) -> matching.MatchIndex:
    """Build the app's index: one member profile per (train question, topic) pair."""
    row = {name: g for g, name in enumerate(groups.names)}
    member_group, member_rows = [], []
    for name in groups.names:
        for i in groups.members[name]:
            member_group.append(row[name])
            member_rows.append(i)
    return matching.build_index(
        group_ids=groups.names,
        group_vectors=name_vectors,
        group_tags=[frozenset()] * len(groups.names),
        member_group=np.asarray(member_group, dtype=np.int64),
        member_vectors=train_vectors[member_rows],
    )


def tether_rankings(
    index: matching.MatchIndex,
    query_vectors: np.ndarray,
    *,
    member_weight: float = matching.MEMBER_WEIGHT,
    member_k: int = matching.MEMBER_K,
) -> list[list[str]]:
    """Rank groups for each query with the app's `rank` (no tags)."""
    return [
        [
            str(s.group_id)
            for s in matching.rank(
                index, q, limit=TOP, member_weight=member_weight, member_k=member_k
            )
        ]
        for q in query_vectors
    ]


def _by_split(rankings: list[list[str]], queries: Sequence[Question]) -> dict:
    gold = [q.topics for q in queries]
    result = accuracy(rankings, gold)
    for split in EVAL_SPLITS:
        idx = [i for i, q in enumerate(queries) if q.split == split]
        result[split] = accuracy([rankings[i] for i in idx], [gold[i] for i in idx])
    return result


def confusions(
    rankings: list[list[str]], queries: Sequence[Question], limit: int = 10
) -> list[dict]:
    """Return the most common top-1 misses as (one of the question's topics, ranked first)."""
    counts: Counter[tuple[str, str]] = Counter()
    for ranked, q in zip(rankings, queries, strict=True):
        if ranked and ranked[0] not in q.topics:
            counts[(min(q.topics), ranked[0])] += 1
    return [
        {"topic": topic, "ranked_first": first, "count": n}
        for (topic, first), n in counts.most_common(limit)
    ]


def sweep(
    index: matching.MatchIndex, query_vectors: np.ndarray, queries: Sequence[Question]
) -> dict:
    """Try every (member_weight, member_k) in the grid; choose on val only, report test."""
    grid = []
    for weight in SWEEP_WEIGHTS:
        for k in SWEEP_KS:
            rankings = tether_rankings(index, query_vectors, member_weight=weight, member_k=k)
            result = _by_split(rankings, queries)
            grid.append(
                {
                    "member_weight": weight,
                    "member_k": k,
                    "val": result["val"],
                    "test": result["test"],
                }
            )
    defaults = [row for row in grid if _is_default(row)]
    return {
        "note": (
            "Secondary. Settings are chosen on the val split only; the test figures of the "
            "chosen setting are the honest estimate. The app default is not changed here."
        ),
        "selection_rule": (
            "highest val top-1, then highest val top-3, then the app default, then the "
            "smaller member_weight and member_k"
        ),
        "grid": grid,
        "chosen_on_val": choose_on_val(grid),
        "app_default": defaults[0] if defaults else None,
    }


def choose_on_val(grid: Sequence[dict]) -> dict | None:
    """Return the grid row the selection rule picks, looking at val figures only."""
    rows = [r for r in grid if r["val"]["top1"] is not None]
    if not rows:
        return None

    def key(row: dict) -> tuple:
        return (
            -row["val"]["top1"],
            -row["val"]["top3"],
            not _is_default(row),
            row["member_weight"],
            row["member_k"],
        )

    return min(rows, key=key)


def _is_default(row: dict) -> bool:
    return row["member_weight"] == matching.MEMBER_WEIGHT and row["member_k"] == matching.MEMBER_K


def evaluate(questions: Sequence[Question], embed: Embed, log: Callable[[str], None]) -> dict:
    """Run the whole matching experiment and return its results."""
    train = [q for q in questions if q.split == "train"]
    queries = [q for q in questions if q.split in EVAL_SPLITS]
    groups = make_groups(questions, train)
    gold = [q.topics for q in queries]

    log(
        f"matching: embedding {len(train) + len(queries)} questions "
        f"and {len(groups.names)} group names"
    )
    started = time.perf_counter()
    name_vectors = embed([readable_topic(n) for n in groups.names])
    train_vectors = embed([q.text for q in train])
    query_vectors = embed([q.text for q in queries])
    embed_seconds = time.perf_counter() - started
    embedded = len(groups.names) + len(train) + len(queries)

    index = tether_index(groups, name_vectors, train_vectors)
    tether = tether_rankings(index, query_vectors)
    largest = [largest_group_ranking(groups)[:TOP]] * len(queries)
    tfidf = tfidf_rankings(groups, train, queries)
    return {
        "n": {
            "groups": len(groups.names),
            "groups_without_train_members": sum(1 for n in groups.names if not groups.members[n]),
            "train": len(train),
            **{split: sum(1 for q in queries if q.split == split) for split in EVAL_SPLITS},
            "queries": len(queries),
            "queries_with_several_topics": sum(1 for topics in gold if len(topics) > 1),
        },
        "settings": {
            "tether": {
                "member_weight": matching.MEMBER_WEIGHT,
                "member_k": matching.MEMBER_K,
                "tags": "none",
                "group_description": "the topic name made readable",
                "members": "train questions (title + text) carrying the topic",
            },
            "largest_group": "groups by number of train members, the same order for everyone",
            "tfidf": {
                "ngram_range": [1, 2],
                "sublinear_tf": True,
                "fit_on": "train",
                "group": "centroid of its members' TF-IDF vectors",
                "similarity": "cosine",
            },
        },
        "tether": _by_split(tether, queries),
        "largest_group": _by_split(largest, queries),
        "tfidf": _by_split(tfidf, queries),
        "tether_confusions": confusions(tether, queries),
        "sweep": sweep(index, query_vectors, queries),
        "embedding": {"texts": embedded, "seconds": embed_seconds},
    }
