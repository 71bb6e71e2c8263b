"""The crisis detector on Tether's own development set (evaluation/dev_set.csv).

    .venv/bin/python -m evaluation.dev_set                 # both halves, with the model
    .venv/bin/python -m evaluation.dev_set --split dev     # the half used while writing rules
    .venv/bin/python -m evaluation.dev_set --lists-only    # without the semantic signal
    .venv/bin/python -m evaluation.dev_set --errors        # print every text read wrongly

The set is 336 short texts written by the Tether team in the voice of a peer-support forum or
an intake box, 24 per category, labelled crisis / concern / none. Rows alternate between the
"dev" half (looked at while the rules were written) and the "heldout" half (read only once,
at the end; docs/evaluation.md). It is not patients' text and not a clinical validation.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tether.crisis import language

DEV_SET = Path(__file__).resolve().parent / "dev_set.csv"
CRISIS_CATEGORIES = (
    "plan_timeframe",
    "means",
    "goodbye_giving_away",
    "self_harm",
    "passive_wish",
    "slang_misspelling",
    "direct_ideation",
)
HARD_NEGATIVES = (
    "past_or_recovered",
    "negated",
    "third_person_or_fiction",
    "idiom",
    "supportive_reply",
)
ORDINARY = ("ordinary_post",)
CONCERN = ("concern",)
# The floors tests/test_evaluation.py holds the detector to (issue 10).
FLOORS = {"crisis_recall": 0.90, "hard_negative_false_alarms": 0.10, "ordinary_false_alarms": 0.05}


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    category: str
    split: str


def read_dev_set(path: Path = DEV_SET, split: str | None = None) -> list[Row]:
    with path.open(newline="") as f:
        rows = [Row(r["text"], r["label"], r["category"], r["split"]) for r in csv.DictReader(f)]
    return [r for r in rows if split in (None, r.split)]


def _share(hits: int, n: int) -> float | None:
    return hits / n if n else None


def evaluate(rows: Sequence[Row], *, semantic: bool = True) -> dict:
    """Return per-category figures and the headline rates for `rows`."""
    signals = language.detect_many([r.text for r in rows], semantic=semantic)
    per: dict[str, dict] = {}
    for row, signal in zip(rows, signals, strict=True):
        c = per.setdefault(row.category, {"n": 0, "crisis": 0, "concern": 0, "none": 0})
        c["n"] += 1
        c[signal.tier] += 1
        c.setdefault("labels", {}).setdefault(row.label, 0)
        c["labels"][row.label] += 1
    for c in per.values():
        c["crisis_rate"] = _share(c["crisis"], c["n"])
        c["crisis_or_concern_rate"] = _share(c["crisis"] + c["concern"], c["n"])

    def pooled(categories: Sequence[str], key: str) -> float | None:
        n = sum(per[k]["n"] for k in categories if k in per)
        return _share(sum(per[k][key] for k in categories if k in per), n)

    tiers_right = sum(1 for r, s in zip(rows, signals, strict=True) if r.label == s.tier)
    return {
        "n": len(rows),
        "crisis_recall": pooled(CRISIS_CATEGORIES, "crisis"),
        "hard_negative_false_alarms": pooled(HARD_NEGATIVES, "crisis"),
        "ordinary_false_alarms": pooled(ORDINARY, "crisis"),
        "concern_seen": _share(
            sum(per[k]["crisis"] + per[k]["concern"] for k in CONCERN if k in per),
            sum(per[k]["n"] for k in CONCERN if k in per),
        ),
        "tier_agreement": _share(tiers_right, len(rows)),
        "categories": per,
        "errors": [
            {
                "text": r.text,
                "category": r.category,
                "label": r.label,
                "tier": s.tier,
                "why": s.reason,
            }
            for r, s in zip(rows, signals, strict=True)
            if (r.label == "crisis") != (s.tier == "crisis") or (r.label != s.tier)
        ],
    }


def report(result: dict) -> str:
    lines = [
        "| category | n | crisis | concern | none | rate |",
        "|---|---|---|---|---|---|",
    ]
    for group, label, key in (
        (CRISIS_CATEGORIES, "recall (crisis)", "crisis_rate"),
        (HARD_NEGATIVES, "false alarms (crisis)", "crisis_rate"),
        (ORDINARY, "false alarms (crisis)", "crisis_rate"),
        (CONCERN, "seen (crisis or concern)", "crisis_or_concern_rate"),
    ):
        for name in group:
            c = result["categories"].get(name)
            if c:
                lines.append(
                    f"| {name} | {c['n']} | {c['crisis']} | {c['concern']} | {c['none']} | "
                    f"{label} {c[key]:.2f} |"
                )
    lines += [
        "",
        f"crisis recall {result['crisis_recall']:.3f} · false alarms on hard negatives "
        f"{result['hard_negative_false_alarms']:.3f} · on ordinary posts "
        f"{result['ordinary_false_alarms']:.3f} · concern texts seen {result['concern_seen']:.3f}"
        f" · tier agreement {result['tier_agreement']:.3f} (n = {result['n']})",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout"))
    parser.add_argument("--lists-only", action="store_true")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    result = evaluate(read_dev_set(split=args.split), semantic=not args.lists_only)
    print(report(result))
    if args.errors:
        for e in result["errors"]:
            print(f"  [{e['category']}] {e['label']} -> {e['tier']}: {e['text']}  ({e['why']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
