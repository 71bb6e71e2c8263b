"""Time peer matching against 10,000 groups and 1,000,000 member profiles, beside FAISS's own
raw query time on the same indexes in the same run.

Run with `make bench` (after benchmarks/registry.py and benchmarks/sweeps.py). In one process
this script:

1. loads the real model (all-MiniLM-L6-v2 in NumPy, tether/lib/embedding.py) and times
   `embed()` on 50 varied patient descriptions written below, after warm-up calls;
2. for each scale (1,000 groups / 100,000 profiles, then 10,000 / 1,000,000) makes synthetic
   vectors with a fixed seed and times `matching.build_index` on them, the call
   `services.practice_index` makes, with its memory;
3. times `matching.rank()` on 200 new-patient queries, with the patient's identity tags (as
   `suggest_groups` calls it) and without, interleaved with FAISS's raw searches on the same
   indexes: `group_index.search(q, CANDIDATE_GROUPS)` and `member_index.search(q,
   CANDIDATE_MEMBERS)`; then embed + rank end to end for the 50 real descriptions;
4. checks the approximate (IVF) member index against an exact search of the same profiles
   (`faiss.knn`, what `IndexFlatIP` does): recall@CANDIDATE_MEMBERS of the raw search, and
   whether rank() suggests the same top 5 groups;
5. at the larger scale: recall and time for other `nprobe` values, the cost of decoding the
   stored vectors the way practice_index does (no database), and the per-request timings
   again with NumPy's and FAISS's thread pools held to one thread (needs threadpoolctl).

Why synthetic vectors: embedding a million real descriptions would take hours on 2 cores and
would not change how long the index takes to search, which depends on the number and shape of
the vectors, not on their words. They are shaped like real ones: 384-dim unit float32 rows,
clustered (group descriptions scattered around the real embeddings of the 50 descriptions,
members scattered around their group's), Zipf-like group sizes with every group having at
least one member, and identity tags of skewed popularity. Recall on real profiles will differ.
"""

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching_report import EXACT_RAW_QUERIES, QUERIES, report  # noqa: E402
from matching_world import (  # noqa: E402  (beside this script)
    DESCRIPTIONS,
    MEMBER_SPREAD,
    TAG_IDS,
    noisy,
    some_tags,
    synthesize,
)
from pagebench import p95  # noqa: E402  (beside this script)

SCALES = ((1_000, 100_000), (10_000, 1_000_000))  # (groups, shared member profiles)
SEED = 20261120
WARMUP = 5
NPROBES = (8, 16, 32, 64, 128)

_started = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _started:5.0f} s] {message}", flush=True)


def timed(fn) -> float:
    """Call fn(); return milliseconds."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Reset VmHWM (Linux 4.0+), so the next reading is the peak of what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def index_mb(index) -> float:
    """FAISS storage plus the arrays MatchIndex keeps (tags' frozensets not counted)."""
    import faiss

    from tether.lib.embedding import DIMENSIONS

    total = index.group_index.ntotal * DIMENSIONS * 4 + index.centroids.nbytes
    total += index.member_group.nbytes
    member = index.member_index
    if isinstance(member, faiss.IndexIVFFlat):
        # Codes plus a 64-bit id per vector, plus the coarse quantizer's centroids.
        total += member.ntotal * (member.code_size + 8) + member.nlist * DIMENSIONS * 4
    elif member is not None:
        total += member.ntotal * DIMENSIONS * 4
    return total / 2**20


def describe(index) -> str:
    import faiss

    member = index.member_index
    if isinstance(member, faiss.IndexIVFFlat):
        return f"IVF {member.nlist} lists, nprobe {member.nprobe}"
    return type(member).__name__


def time_embed() -> tuple[np.ndarray, list[float]]:
    """Embed each description after warm-up calls. Return (vectors, milliseconds each)."""
    from tether.lib.embedding import embed

    for text in DESCRIPTIONS[:WARMUP]:
        embed(text)
    vectors, samples = [], []
    for text in DESCRIPTIONS:
        started = time.perf_counter()
        vectors.append(embed(text))
        samples.append((time.perf_counter() - started) * 1000)
    return np.array(vectors, dtype=np.float32), samples


def time_requests(index, queries, query_tags, real_tags) -> dict[str, list[float]]:
    """Milliseconds per query of rank() and of FAISS's raw searches, interleaved so both see
    the same machine; then embed + rank for the real descriptions."""
    from tether.lib.embedding import embed
    from tether.peers import matching

    n_groups, n_members = index.size
    k_groups = min(matching.CANDIDATE_GROUPS, n_groups)
    k_members = min(matching.CANDIDATE_MEMBERS, n_members)
    for q, tags in zip(queries[:WARMUP], query_tags, strict=False):
        matching.rank(index, q, tags)
    timings: dict[str, list[float]] = {
        "rank_tags": [],
        "rank_plain": [],
        "raw_groups": [],
        "raw_members": [],
        "raw_both": [],
    }
    for q, tags in zip(queries, query_tags, strict=True):
        q1 = q.reshape(1, -1)
        raw_groups = timed(lambda q1=q1: index.group_index.search(q1, k_groups))
        raw_members = timed(lambda q1=q1: index.member_index.search(q1, k_members))
        timings["raw_groups"].append(raw_groups)
        timings["raw_members"].append(raw_members)
        timings["raw_both"].append(raw_groups + raw_members)
        timings["rank_tags"].append(timed(lambda q=q, tags=tags: matching.rank(index, q, tags)))
        timings["rank_plain"].append(timed(lambda q=q: matching.rank(index, q)))
    timings["end_to_end"] = [
        timed(lambda text=text, tags=tags: matching.rank(index, embed(text), tags))
        for text, tags in zip(DESCRIPTIONS, real_tags, strict=True)
    ]
    return timings


def measure_scale(
    rng: np.random.Generator, n_groups: int, n_members: int, topics: np.ndarray, last: bool
) -> dict:
    """Build the index for one scale and measure it; the last scale gets the extras."""
    import faiss

    from tether.peers import matching

    out: dict = {}
    say(f"{n_groups:,} groups / {n_members:,} profiles: making synthetic vectors")
    practice, sizes = synthesize(rng, n_groups, n_members, topics)
    out["sizes"] = (int(sizes.min()), int(np.median(sizes)), int(sizes.max()))
    out["tag_share"] = max(
        sum(t in tags for tags in practice.group_tags) / n_groups for t in TAG_IDS
    )

    say(f"{n_groups:,} / {n_members:,}: build_index")
    before = rss_mb()
    peak_known = reset_peak_rss()
    started = time.perf_counter()
    index = matching.build_index(
        group_ids=list(range(n_groups)),
        group_vectors=practice.group_vectors,
        group_tags=practice.group_tags,
        member_group=practice.member_group,
        member_vectors=practice.member_vectors,
    )
    out["build_s"] = time.perf_counter() - started
    out["retained_mb"] = rss_mb() - before
    out["peak_mb"] = rss_mb("VmHWM") - before if peak_known else float("nan")
    out["index_mb"] = index_mb(index)
    out["kind"] = describe(index)
    say(f"built in {out['build_s']:.1f} s ({out['kind']})")

    # New patients: a description near an existing member's group, their own words (so not
    # in the index), one tag of that group's and up to two more of any.
    rows = rng.integers(n_members, size=QUERIES)
    groups = practice.member_group[rows]
    queries = noisy(rng, practice.group_vectors[groups], MEMBER_SPREAD)
    query_tags = [
        frozenset({int(rng.choice(sorted(practice.group_tags[g])))})
        | some_tags(rng, int(rng.integers(0, 3)))
        for g in groups
    ]
    real_tags = [some_tags(rng, int(rng.integers(1, 4))) for _ in DESCRIPTIONS]
    out["tag_candidates"] = statistics.median(
        sum(bool(tags & g) for g in practice.group_tags) for tags in query_tags
    )

    say(f"timing rank() and raw FAISS on {QUERIES} queries, then embed + rank on 50 real ones")
    out["timings"] = time_requests(index, queries, query_tags, real_tags)
    k_members = min(matching.CANDIDATE_MEMBERS, n_members)

    say("exact search over the same profiles: recall and top-5 agreement")
    both = np.concatenate([queries, topics])  # topics: the 50 descriptions' own embeddings
    exact_sims, truth = faiss.knn(
        both, practice.member_vectors, k_members, metric=faiss.METRIC_INNER_PRODUCT
    )
    _, found = index.member_index.search(both, k_members)
    recall = [len(set(t) & set(f)) / k_members for t, f in zip(truth, found, strict=True)]
    out["recall_synthetic"] = recall[:QUERIES]
    out["recall_real"] = recall[QUERIES:]
    out["exact_raw"] = [
        timed(
            lambda q=q: faiss.knn(
                q.reshape(1, -1),
                practice.member_vectors,
                k_members,
                metric=faiss.METRIC_INNER_PRODUCT,
            )
        )
        for q in queries[:EXACT_RAW_QUERIES]
    ]
    exact_index = dataclasses.replace(
        index, member_index=Answered(both, exact_sims, truth.astype(np.int64))
    )
    same_set, same_first = 0, 0
    for q, tags in zip(both, query_tags + real_tags, strict=True):
        approx = [s.group_id for s in matching.rank(index, q, tags)]
        exact = [s.group_id for s in matching.rank(exact_index, q, tags)]
        same_set += set(approx) == set(exact)
        same_first += approx[0] == exact[0]
    out["same_top5"] = same_set / len(both)
    out["same_top1"] = same_first / len(both)

    if last:
        say("nprobe sweep on the member index")
        out["nprobe"] = nprobe_sweep(index.member_index, both, truth, k_members)
        say("decoding stored vectors the way practice_index does")
        out["decode_s"] = decode_seconds(practice.member_vectors)
        out["one_thread"] = one_thread(index, queries, query_tags, real_tags)
    return out


def one_thread(index, queries, query_tags, real_tags) -> dict[str, list[float]] | None:
    """The per-request timings again with NumPy's and FAISS's thread pools at one thread, as
    in a web worker that shares its cores with other workers. None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    say("per-request timings again with one thread")
    with threadpool_limits(limits=1):
        timings = time_requests(index, queries, query_tags, real_tags)
        timings["embed"] = time_embed()[1]
    return timings


class Answered:
    """Stands in for the member index in rank(): answers each query with its exact top
    neighbours, computed beforehand in one batch (250 single exact searches of a million
    profiles would take minutes)."""

    def __init__(self, queries: np.ndarray, sims: np.ndarray, rows: np.ndarray) -> None:
        self.queries, self.sims, self.rows = queries, sims, rows

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        i = int(np.argmax(self.queries @ q[0]))  # the same unit vector, up to rounding
        return self.sims[i : i + 1, :k], self.rows[i : i + 1, :k]


def nprobe_sweep(member_index, queries, truth, k) -> list[tuple[int, float, float, float, float]]:
    """(nprobe, recall synthetic, recall real, median ms, p95 ms) per nprobe, the times over
    the synthetic queries; leaves nprobe as it was."""
    if not hasattr(member_index, "nprobe"):  # an exact index: nothing to sweep
        return []
    original = member_index.nprobe
    rows = []
    try:
        for nprobe in NPROBES:
            member_index.nprobe = nprobe
            _, found = member_index.search(queries, k)
            recall = [len(set(t) & set(f)) / k for t, f in zip(truth, found, strict=True)]
            ms = [
                timed(lambda q=q: member_index.search(q.reshape(1, -1), k))
                for q in queries[:QUERIES]
            ]
            synthetic, real = statistics.mean(recall[:QUERIES]), statistics.mean(recall[QUERIES:])
            rows.append((nprobe, synthetic, real, statistics.median(ms), p95(ms)))
    finally:
        member_index.nprobe = original
    return rows


def decode_seconds(member_vectors: np.ndarray) -> float:
    """Seconds to turn stored blobs into the array build_index takes, as practice_index does
    (vector_from_bytes per row, then np.array); the database read itself is not included."""
    from tether.peers.models import vector_from_bytes

    blobs = [row.tobytes() for row in member_vectors]
    started = time.perf_counter()
    decoded = np.array([vector_from_bytes(b) for b in blobs], np.float32)
    seconds = time.perf_counter() - started
    assert decoded.shape == member_vectors.shape
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--small-only", action="store_true", help="only 1,000 groups / 100,000 profiles"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()  # no database is used: only the model helpers need Django's app registry
    from tether.peers import matching  # first: it quietens FAISS's loader messages

    faiss = matching.faiss

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs ({cpu}), FAISS {faiss.__version__} with "
        f"{faiss.omp_get_max_threads()} threads, NumPy {np.__version__}; load average {load}"
    )
    print(
        f"Vectors are SYNTHETIC (seed {SEED}): embedding a million real descriptions would "
        "take hours\non 2 cores and would not change the index's timing; embed() is timed on "
        "real text."
    )

    say("loading the model and timing embed() on 50 descriptions")
    from tether.lib.embedding import embed

    load_ms = timed(lambda: embed("warming up"))
    topics, embedding = time_embed()
    rng = np.random.default_rng(SEED)
    scales = SCALES[:1] if args.small_only else SCALES
    results = []
    for n_groups, n_members in scales:
        last = (n_groups, n_members) == scales[-1]
        results.append((n_groups, n_members, measure_scale(rng, n_groups, n_members, topics, last)))
    report(embedding, load_ms, results)
    print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
