"""The tables benchmarks/matching.py prints: per-request timings at each scale beside FAISS's
raw searches, memory, recall of the approximate index and the nprobe sweep."""

import statistics

from pagebench import p95

QUERIES = 200  # synthetic new patients ranked at each scale (matching.py imports it from here)
EXACT_RAW_QUERIES = 20  # single exact searches timed (each reads every profile)


def cells(samples: list[float]) -> str:
    return f"{statistics.median(samples):>14.2f}{p95(samples):>12.2f}"


def report(embedding: list[float], load_ms: float, results: list[tuple[int, int, dict]]) -> None:
    from tether.peers.matching import CANDIDATE_GROUPS, CANDIDATE_MEMBERS

    print(
        f"\nembed() one description, real model, warm: median {statistics.median(embedding):.1f} "
        f"ms, p95 {p95(embedding):.1f} ms over {len(embedding)} descriptions "
        f"(first call, loading the model: {load_ms:.0f} ms)"
    )
    print(f"\n{QUERIES} queries per scale; milliseconds, median and p95")
    print(f"{'groups / profiles':<44}" + "".join(f"{f'{g:,} / {m:,}':>26}" for g, m, _ in results))
    rows = [
        ("rank(), with the patient's tags (as app)", "rank_tags"),
        ("rank(), no tags", "rank_plain"),
        (f"raw FAISS: group_index.search(q, {CANDIDATE_GROUPS})", "raw_groups"),
        (f"raw FAISS: member_index.search(q, {CANDIDATE_MEMBERS})", "raw_members"),
        ("raw FAISS: both searches", "raw_both"),
        ("embed + rank, 50 real descriptions", "end_to_end"),
    ]
    for label, key in rows:
        print(f"{label:<44}" + "".join(cells(r["timings"][key]) for _, _, r in results))
    for label, key in (("rank() with tags", "rank_tags"), ("rank() no tags", "rank_plain")):
        ratios = (
            statistics.median(r["timings"][key]) / statistics.median(r["timings"]["raw_both"])
            for _, _, r in results
        )
        print(f"{label + ' ÷ raw both (medians)':<44}" + "".join(f"{x:>25.1f}x" for x in ratios))
    label = f"exact search of all profiles ({EXACT_RAW_QUERIES} q)"
    print(f"{label:<44}" + "".join(cells(r["exact_raw"]) for _, _, r in results))

    k = CANDIDATE_MEMBERS
    facts = [
        ("member index", lambda r: r["kind"]),
        ("group sizes min / median / max", lambda r: "{} / {} / {:,}".format(*r["sizes"])),
        ("commonest tag on this share of groups", lambda r: f"{r['tag_share']:.0%}"),
        ("groups sharing a tag with a query (median)", lambda r: f"{r['tag_candidates']:,.0f}"),
        ("build_index", lambda r: f"{r['build_s']:.1f} s"),
        ("index size, computed", lambda r: f"{r['index_mb']:,.0f} MB"),
        (
            "RSS kept after build / peak during build",
            lambda r: f"{r['retained_mb']:,.0f} / {r['peak_mb']:,.0f} MB",
        ),
        (f"recall@{k} vs exact, synthetic: mean (min)", lambda r: recall(r["recall_synthetic"])),
        (f"recall@{k} vs exact, real descriptions", lambda r: recall(r["recall_real"])),
        (
            "same top-5 groups as exact / same first",
            lambda r: f"{r['same_top5']:.0%} / {r['same_top1']:.0%}",
        ),
    ]
    print()
    for label, fact in facts:
        print(f"{label:<44}" + "".join(f"{fact(r):>26}" for _, _, r in results))

    g, m, last = results[-1]
    print(f"\nmember index at {g:,} / {m:,}: recall and raw search time by nprobe")
    print(f"{'nprobe':>8}{'recall: synthetic':>19}{'real':>7}{'median ms':>11}{'p95 ms':>9}")
    for nprobe, synthetic, real, median, high in last["nprobe"]:
        print(f"{nprobe:>8}{synthetic:>19.3f}{real:>7.3f}{median:>11.2f}{high:>9.2f}")
    print(
        f"\ndecoding {m:,} stored vectors as practice_index does (no database read): "
        f"{last['decode_s']:.1f} s"
    )
    single = last["one_thread"]
    if single is None:
        print("\n(threadpoolctl is not installed: the one-thread comparison is skipped)")
    else:
        print(f"\nper-request work at {g:,} / {m:,}, default threads vs one thread; ms")
        print(f"{'':<44}{'default':>14}{'p95':>12}{'1 thread':>14}{'p95':>12}")
        print(f"{'embed() one description':<44}{cells(embedding)}{cells(single['embed'])}")
        for label, key in (
            ("rank(), with the patient's tags", "rank_tags"),
            ("raw FAISS: both searches", "raw_both"),
            ("embed + rank, 50 real descriptions", "end_to_end"),
        ):
            print(f"{label:<44}{cells(last['timings'][key])}{cells(single[key])}")

    if len(results) > 1:
        (g0, m0, small), (g1, m1, big) = results[0], results[-1]

        def growth(key: str) -> float:
            return statistics.median(big["timings"][key]) / statistics.median(small["timings"][key])

        print(
            f"\nfrom {g0:,} / {m0:,} to {g1:,} / {m1:,}: rank() with tags "
            f"{growth('rank_tags'):.1f}x, raw FAISS {growth('raw_both'):.1f}x, "
            f"build_index {big['build_s'] / small['build_s']:.1f}x"
        )


def recall(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ({min(values):.3f})"
