"""Rank peer groups by how close their experience is to a patient's own words.

A group's experience is its "who it is for" description plus the descriptions of members who
agreed to share theirs for matching. Two signals, both cosine similarities between unit
vectors from embedding.py:

- the group's centroid: the mean of its description and its members' descriptions;
- its closest members: the mean of the `MEMBER_K` most similar member descriptions (padded
  with the centroid score when a group has fewer), found through a FAISS index.

plus the share of the patient's identity tags the group carries. Group size and activity are
not inputs: nothing here knows how many posts a group has, and a group with three members is
scored on the same scale as one with three thousand. docs/matching.md explains the weights
and `make eval` measures them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse

# FAISS logs each CPU-feature library it tries at INFO; only its failures matter here.
logging.getLogger("faiss.loader").setLevel(logging.WARNING)
import faiss  # noqa: E402

from tether.lib.embedding import DIMENSIONS  # noqa: E402

MEMBER_K = 3  # closest members averaged per group
MEMBER_WEIGHT = 0.5  # share of the semantic score that comes from the closest members
TAG_WEIGHT = 0.15  # a perfect tag overlap adds this much to a 0..1 semantic score
CANDIDATE_GROUPS = 50  # groups taken from the centroid index before re-scoring
CANDIDATE_MEMBERS = 200  # members taken from the member index before re-scoring
# Above this many member profiles an approximate (IVF) index replaces the exact one.
EXACT_MEMBER_LIMIT = 50_000
_SUM_CHUNK = 100_000  # member profiles summed into centroids at a time


@dataclass(frozen=True)
class GroupScore:
    group_id: object
    score: float
    centroid: float  # similarity to the group's centroid, -1..1
    members: float  # mean similarity of its closest members (or the centroid when none)
    shared_tags: frozenset[int]
    member_evidence: int  # how many of its members were among the closest found


@dataclass
class MatchIndex:
    """An in-memory index of one practice's groups and shared member profiles."""

    group_ids: list[object]
    centroids: np.ndarray  # (groups, 384), unit rows
    group_tags: list[frozenset[int]]
    member_group: np.ndarray  # (members,), row in group_ids of each member profile
    group_index: faiss.Index = field(repr=False)
    member_index: faiss.Index | None = field(repr=False)
    # Derived: the rows of the groups carrying each tag, and the row of each group id.
    tag_rows: dict[int, np.ndarray] = field(init=False, repr=False)
    row_of: dict[object, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rows: dict[int, list[int]] = defaultdict(list)
        for g, tags in enumerate(self.group_tags):
            for tag in tags:
                rows[tag].append(g)
        self.tag_rows = {tag: np.array(r, dtype=np.int64) for tag, r in rows.items()}
        self.row_of = {group_id: g for g, group_id in enumerate(self.group_ids)}

    @property
    def size(self) -> tuple[int, int]:
        return len(self.group_ids), len(self.member_group)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


def build_index(
    *,
    group_ids: Sequence[object],
    group_vectors: np.ndarray,
    group_tags: Sequence[frozenset[int]],
    member_group: np.ndarray,
    member_vectors: np.ndarray,
    exact_member_limit: int = EXACT_MEMBER_LIMIT,
) -> MatchIndex:
    """Build the index. `group_vectors` are the groups' own descriptions; `member_group[i]` is
    the row in `group_ids` of the member whose description is `member_vectors[i]`."""
    n_groups = len(group_ids)
    group_vectors = np.asarray(group_vectors, dtype=np.float32).reshape(n_groups, DIMENSIONS)
    member_vectors = np.asarray(member_vectors, dtype=np.float32).reshape(-1, DIMENSIONS)
    member_group = np.asarray(member_group, dtype=np.int64)
    # Centroid = mean of the description and every shared member description.
    sums = group_vectors.astype(np.float64)
    # A one-hot sparse product per chunk: the same sums as np.add.at, which is unbuffered and
    # took 29 s for a million profiles (this: under 3 s), 100,000 rows at a time in float64.
    for start in range(0, len(member_group), _SUM_CHUNK):
        rows = member_group[start : start + _SUM_CHUNK]
        one_hot = scipy.sparse.csr_array(
            (np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_groups, len(rows))
        )
        sums += one_hot @ member_vectors[start : start + _SUM_CHUNK].astype(np.float64)
    centroids = _unit(sums)
    group_index = faiss.IndexFlatIP(DIMENSIONS)
    if n_groups:
        group_index.add(centroids)
    member_index: faiss.Index | None = None
    n_members = len(member_group)
    if n_members:
        if n_members <= exact_member_limit:
            member_index = faiss.IndexFlatIP(DIMENSIONS)
        else:
            # √n lists with 32 probed: recall@200 1.000 at a million profiles, where 4·√n
            # lists gave 0.960 and 7 times the training and assignment time
            # (docs/matching-benchmark.md).
            nlist = int(np.sqrt(n_members))
            quantizer = faiss.IndexFlatIP(DIMENSIONS)
            lists = faiss.IndexIVFFlat(quantizer, DIMENSIONS, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = member_vectors[rng.choice(n_members, min(n_members, nlist * 40), False)]
            lists.train(sample)
            lists.nprobe = 32
            member_index = lists
        member_index.add(member_vectors)
    return MatchIndex(
        group_ids=list(group_ids),
        centroids=centroids,
        group_tags=list(group_tags),
        member_group=member_group,
        group_index=group_index,
        member_index=member_index,
    )


def rank(
    index: MatchIndex,
    query: np.ndarray,
    tags: frozenset[int] = frozenset(),
    *,
    limit: int = 5,
    exclude: frozenset[object] = frozenset(),
    member_weight: float = MEMBER_WEIGHT,
    member_k: int = MEMBER_K,
    tag_weight: float = TAG_WEIGHT,
) -> list[GroupScore]:
    """The best `limit` groups for a patient's description vector and tags, best first."""
    n_groups = len(index.group_ids)
    if not n_groups:
        return []
    q = _unit(np.asarray(query, dtype=np.float32).reshape(1, DIMENSIONS))
    candidate = np.zeros(n_groups, dtype=bool)
    _, top = index.group_index.search(q, min(CANDIDATE_GROUPS, n_groups))
    candidate[top[0][top[0] >= 0]] = True
    found_sum = np.zeros(n_groups)  # sum and count of each group's closest members found
    found_count = np.zeros(n_groups, dtype=np.int64)
    if index.member_index is not None and member_weight > 0:
        sims, rows = index.member_index.search(q, min(CANDIDATE_MEMBERS, len(index.member_group)))
        kept = rows[0] >= 0
        groups = index.member_group[rows[0][kept]]
        sims = sims[0][kept].astype(np.float64)
        # Results come best first; keep each group's first member_k of them.
        by_group = np.argsort(groups, kind="stable")
        sorted_groups = groups[by_group]
        place = np.arange(len(groups)) - np.searchsorted(sorted_groups, sorted_groups)
        best = by_group[place < member_k]
        np.add.at(found_sum, groups[best], sims[best])
        np.add.at(found_count, groups[best], 1)
        candidate[groups] = True
    # Groups carrying the patient's tags are candidates even when their words differ.
    shared_count = np.zeros(n_groups, dtype=np.int64)
    for tag in tags:
        if tag in index.tag_rows:
            shared_count[index.tag_rows[tag]] += 1
    candidate |= shared_count > 0
    candidate[[index.row_of[g] for g in exclude if g in index.row_of]] = False
    rows = np.flatnonzero(candidate)
    centroid = index.centroids[rows].astype(np.float64) @ q[0].astype(np.float64)
    # A group with fewer close members than k is padded with its centroid score, so a small
    # group is not penalised for being small.
    members = (found_sum[rows] + centroid * (member_k - found_count[rows])) / member_k
    tag_share = shared_count[rows] / len(tags) if tags else np.zeros(len(rows))
    scores = (1 - member_weight) * centroid + member_weight * members + tag_weight * tag_share
    # Only the best `limit` (and any tied with the last of them) become GroupScores.
    if len(rows) > limit:
        keep = np.flatnonzero(scores >= np.partition(scores, -limit)[-limit])
    else:
        keep = np.arange(len(rows))
    best_scores = [
        GroupScore(
            group_id=index.group_ids[rows[i]],
            score=float(scores[i]),
            centroid=float(centroid[i]),
            members=float(members[i]),
            shared_tags=frozenset(index.group_tags[rows[i]] & tags),
            member_evidence=int(found_count[rows[i]]),
        )
        for i in keep
    ]
    best_scores.sort(key=lambda s: (-s.score, str(s.group_id)))
    return best_scores[:limit]


def closeness(score: GroupScore) -> str:
    """Plain words for how close a match is (cosine of MiniLM vectors; see docs/matching.md)."""
    semantic = max(score.centroid, score.members)
    if semantic >= 0.6:
        return "Very close to what you described"
    if semantic >= 0.4:
        return "Close to what you described"
    if semantic >= 0.25:
        return "Some of what you described"
    return "Not much like what you described"
