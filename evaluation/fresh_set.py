"""The crisis detector on the independent fresh set (evaluation/fresh_set.csv).

    .venv/bin/python -m evaluation.fresh_set               # as the app runs (with the model)
    .venv/bin/python -m evaluation.fresh_set --lists-only  # without the semantic signal
    .venv/bin/python -m evaluation.fresh_set --errors      # print every text read wrongly

The set is 384 short texts (forum posts, intake answers, trusted people's check-in notes)
written by an author outside the detector's team, who saw neither the detector, its lists,
the development set nor its tests. Columns: text, label (crisis / concern / none), category.
The `trusted_note` rows are notes written about the patient in the third person and are read
as the screening service reads that route: `about_patient=True`. No row of it was used to
train or calibrate anything (docs/evaluation.md says which figures were read before the rules
were changed).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from evaluation.dev_set import CONCERN, HARD_NEGATIVES, ORDINARY, Row, _share
from tether.crisis import language

FRESH_SET = Path(__file__).resolve().parent / "fresh_set.csv"
CRISIS_CATEGORIES = (
    "plan_timeframe",
    "means",
    "goodbye_giving_away",
    "self_harm",
    "passive_wish",
    "slang_misspelling",
    "direct_ideation",
    "implicit",
)
TRUSTED_NOTE = "trusted_note"
Detector = Callable[..., list]
# What tests/test_evaluation.py holds the detector to on this set: what it achieved after its
# misses were read (docs/evaluation.md), so these are regression floors, not held-out claims.
FLOORS = {
    "crisis_recall": 0.89,
    "hard_negative_false_alarms": 0.02,
    "ordinary_false_alarms": 0.05,
    "trusted_note_recall": 0.90,
    "trusted_note_false_alarms": 0.0,
}
# Without the model (it failed, or semantic=False) the lists alone still reach these.
LISTS_ONLY_FLOORS = {"crisis_recall": 0.82, "hard_negative_false_alarms": 0.0}


def read_fresh_set(path: Path = FRESH_SET) -> list[Row]:
    with path.open(newline="") as f:
        return [Row(r["text"], r["label"], r["category"], "fresh") for r in csv.DictReader(f)]


def evaluate(
    rows: Sequence[Row], *, semantic: bool = True, detect_many: Detector | None = None
) -> dict:
    """Return per-category figures and the headline rates; trusted notes are split by label
    ("trusted_note/crisis", "trusted_note/none") and read with about_patient=True."""
    detect_many = detect_many or language.detect_many
    notes = [r for r in rows if r.category == TRUSTED_NOTE]
    posts = [r for r in rows if r.category != TRUSTED_NOTE]
    signals = dict(
        zip(
            [id(r) for r in posts],
            detect_many([r.text for r in posts], semantic=semantic),
            strict=True,
        )
    )
    if notes:
        try:
            read_notes = detect_many([r.text for r in notes], semantic=semantic, about_patient=True)
        except TypeError:  # a detector without the option (the one before it existed)
            read_notes = detect_many([r.text for r in notes], semantic=semantic)
        signals.update(zip([id(r) for r in notes], read_notes, strict=True))
    per: dict[str, dict] = {}
    errors = []
    for row in rows:
        signal = signals[id(row)]
        name = f"{TRUSTED_NOTE}/{row.label}" if row.category == TRUSTED_NOTE else row.category
        c = per.setdefault(name, {"n": 0, "crisis": 0, "concern": 0, "none": 0})
        c["n"] += 1
        c[signal.tier] += 1
        if (row.label == "crisis") != (signal.tier == "crisis") or (
            row.label == "concern" and signal.tier == "none"
        ):
            errors.append((name, row.label, signal.tier, row.text, signal.reason))
    for c in per.values():
        c["crisis_rate"] = _share(c["crisis"], c["n"])
        c["crisis_or_concern_rate"] = _share(c["crisis"] + c["concern"], c["n"])

    def pooled(categories: Sequence[str], key: str = "crisis") -> float | None:
        n = sum(per[k]["n"] for k in categories if k in per)
        return _share(sum(per[k][key] for k in categories if k in per), n)

    return {
        "n": len(rows),
        "crisis_recall": pooled(CRISIS_CATEGORIES),
        "hard_negative_false_alarms": pooled(HARD_NEGATIVES),
        "ordinary_false_alarms": pooled(ORDINARY),
        "concern_seen": _share(
            sum(per[k]["crisis"] + per[k]["concern"] for k in CONCERN if k in per),
            sum(per[k]["n"] for k in CONCERN if k in per),
        ),
        "trusted_note_recall": pooled((f"{TRUSTED_NOTE}/crisis",)),
        "trusted_note_false_alarms": pooled((f"{TRUSTED_NOTE}/none",)),
        "categories": per,
        "errors": errors,
    }


def report(result: dict) -> str:
    lines = ["| category | n | crisis | concern | none | figure |", "|---|---|---|---|---|---|"]
    for group, label, key in (
        (CRISIS_CATEGORIES, "recall", "crisis_rate"),
        (HARD_NEGATIVES, "false alarms", "crisis_rate"),
        (ORDINARY, "false alarms", "crisis_rate"),
        (CONCERN, "seen (crisis or concern)", "crisis_or_concern_rate"),
        ((f"{TRUSTED_NOTE}/crisis",), "recall", "crisis_rate"),
        ((f"{TRUSTED_NOTE}/none",), "false alarms", "crisis_rate"),
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
        f" · trusted notes: recall {result['trusted_note_recall']:.3f}, false alarms "
        f"{result['trusted_note_false_alarms']:.3f} (n = {result['n']})",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists-only", action="store_true")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    result = evaluate(read_fresh_set(), semantic=not args.lists_only)
    print(report(result))
    if args.errors:
        for name, label, tier, text, why in result["errors"]:
            print(f"  [{name}] {label} -> {tier}: {text}  ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
