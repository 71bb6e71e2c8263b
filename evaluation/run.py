"""`make eval`: the crisis detector on the team's labelled sets, then both experiments on
TETHER_EVAL_DIR, written to eval-results.json.

    TETHER_EVAL_DIR=/path/to/eval make eval

The labelled sets (evaluation/*_set.csv, evaluation/labelled_sets.py) need no outside data
and are always measured and printed first. The folder must hold counselchat/questions.csv and
cssrs500/users.csv laid out like ../shared/eval/ (see its README and docs/evaluation.md).
When it is absent that part is skipped with a message and the run exits 0, writing nothing.
A relative path is read from the project root.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("..") / "shared" / "eval"
RESULTS_FILE = PROJECT_ROOT / "eval-results.json"


def data_dir_from_env() -> Path:
    """Return TETHER_EVAL_DIR (default ../shared/eval), relative paths from the project root."""
    path = Path(os.environ.get("TETHER_EVAL_DIR") or DEFAULT_DATA_DIR)
    return (path if path.is_absolute() else PROJECT_ROOT / path).resolve()


def missing_files(data_dir: Path) -> list[Path]:
    from evaluation.data import QUESTIONS_FILE, USERS_FILE

    return [data_dir / f for f in (QUESTIONS_FILE, USERS_FILE) if not (data_dir / f).is_file()]


def machine() -> dict:
    """Return what the figures were measured on (timings depend on it and on its load)."""
    cpu = platform.processor() or ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import numpy

    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }


def labelled_sets() -> dict:
    """Return the detector's figures on each of the team's labelled sets, as the app runs
    and by the lists alone (what stands if the classifier fails)."""
    from evaluation import labelled_sets as sets

    results = {}
    for name in sets.SETS:
        rows = sets.read_set(name)
        results[name] = {
            "learned": sets.evaluate(rows),
            "lists_only": sets.evaluate(rows, learned=False),
        }
    return results


def labelled_report(results: dict) -> str:
    from evaluation import labelled_sets as sets

    parts = ["CRISIS LANGUAGE ON THE TEAM'S LABELLED SETS (python -m evaluation.labelled_sets)"]
    for name, result in results.items():
        lists = result["lists_only"]
        parts.append(
            sets.report(result["learned"], title=f"{name} ({sets.SETS[name].name})")
            + f"\nlists alone: crisis recall {sets.fmt(lists['crisis_recall'])}, false alarms "
            f"{sets.fmt(lists['hard_negative_false_alarms'])} / "
            f"{sets.fmt(lists['ordinary_false_alarms'])}"
        )
    return "\n\n".join(parts)


def run(
    data_dir: Path, out_path: Path, log: Callable[[str], None], labelled: dict | None = None
) -> dict:
    """Run both experiments, write the results to `out_path` and return them."""
    from evaluation import crisis_detection, labelled_sets, peer_matching
    from evaluation.data import QUESTIONS_FILE, USERS_FILE, read_questions, read_users
    from tether.lib.embedding import embed_many, encoder

    started = time.perf_counter()
    info = machine()
    encoder()  # load the weights now, so that embedding speed is not charged with it
    log(
        f"Evaluating on {data_dir} ({info['cpu']}, {info['cpus']} CPUs, "
        f"load {info['load_average_at_start']})"
    )
    matching = peer_matching.evaluate(read_questions(data_dir / QUESTIONS_FILE), embed_many, log)
    crisis = crisis_detection.evaluate(read_users(data_dir / USERS_FILE), log)
    runtime = time.perf_counter() - started
    texts, seconds = matching["embedding"]["texts"], matching["embedding"]["seconds"]
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_dir": str(data_dir),
        "machine": {
            **info,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()]
            if hasattr(os, "getloadavg")
            else None,
        },
        "runtime_seconds": runtime,
        "embedding": {  # peer matching only: the crisis detector embeds nothing
            "model": "all-MiniLM-L6-v2 (NumPy, tether.lib.embedding)",
            "texts": texts,
            "seconds": seconds,
            "per_second": texts / seconds if seconds else None,
        },
        "matching": matching,
        "crisis": crisis,
        "labelled_sets": {
            name: {mode: labelled_sets.summary(r) for mode, r in result.items()}
            for name, result in (labelled or {}).items()
        },
    }
    out_path.write_text(json.dumps(results, indent=2) + "\n")
    return results


def report(results: dict) -> str:
    from evaluation.tables import crisis_report, matching_report

    emb, det = results["embedding"], results["crisis"]["detection"]
    return "\n\n".join(
        [
            matching_report(results["matching"]),
            crisis_report(results["crisis"]),
            f"Runtime {results['runtime_seconds']:.0f} s; {emb['texts']:,} texts embedded for "
            f"matching in {emb['seconds']:.0f} s ({emb['per_second']:.1f} per second); "
            f"{det['posts']:,} posts read by the crisis detector in {det['seconds']:.0f} s "
            f"({det['ms_per_post']:.1f} ms a post) on "
            f"{results['machine']['cpu']} x{results['machine']['cpus']} "
            f"(load average {results['machine']['load_average_at_start']} at start).",
        ]
    )


def main(data_dir: Path | None = None, out_path: Path = RESULTS_FILE) -> int:
    from evaluation.crisis_detection import classifier_facts

    data_dir = data_dir or data_dir_from_env()
    classifier_facts()  # load the classifier with the facts that describe it
    labelled = labelled_sets()
    print(labelled_report(labelled), end="\n\n", flush=True)
    missing = missing_files(data_dir)
    if missing:
        print(
            f"make eval: outside-data part skipped - no evaluation data at {data_dir} "
            f"(missing {', '.join(str(p) for p in missing)}). Set TETHER_EVAL_DIR to a folder "
            "laid out like ../shared/eval/ (see docs/evaluation.md). Nothing was written."
        )
        return 0

    def log(line: str) -> None:
        print(line, flush=True)

    results = run(data_dir, out_path, log, labelled)
    print()
    print(report(results))
    print(f"\nWrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
