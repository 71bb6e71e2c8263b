"""The crisis detector on the team's labelled sets in evaluation/, per category.

    .venv/bin/python -m evaluation.labelled_sets                  # all three, as the app runs
    .venv/bin/python -m evaluation.labelled_sets heldout          # one set (dev, fresh, heldout)
    .venv/bin/python -m evaluation.labelled_sets heldout --lists-only   # without the classifier
    .venv/bin/python -m evaluation.labelled_sets heldout --errors       # every text read wrongly

Each set is short texts labelled crisis / concern / none by category (columns text, label,
category; dev_set.csv also has a split column, ignored here):
- dev_set.csv (336, written by the Tether team) and fresh_set.csv (384, by an author outside
  the team): the classifier is trained on both, so their figures are regression floors only;
- heldout_set.csv (320, by another outside author): never trained or tuned on; the honest one.
Rows of the `trusted_note` category are a trusted person's notes about the patient, read as
the screening service reads that route (`about_patient=True`) and reported by label.
A path to any CSV with the same columns works in place of a set's name.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = {
    "dev": HERE / "dev_set.csv",
    "fresh": HERE / "fresh_set.csv",
    "heldout": HERE / "heldout_set.csv",
}
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
HARD_NEGATIVES = (
    "past_or_recovered",
    "negated",
    "third_person_or_fiction",
    "idiom",
    "supportive_reply",
)
ORDINARY = ("ordinary_post",)
CONCERN = ("concern",)
TRUSTED_NOTE = "trusted_note"
NOTE_CRISIS, NOTE_NONE = f"{TRUSTED_NOTE}/crisis", f"{TRUSTED_NOTE}/none"
Detector = Callable[..., list]


@dataclass(frozen=True)
class Row:
    text: str
    label: str  # crisis / concern / none
    category: str


def read_set(name_or_path: str | Path) -> list[Row]:
    """Return the rows of a named set ("dev", "fresh", "heldout") or of any CSV path."""
    path = SETS.get(str(name_or_path)) or Path(name_or_path)
    with path.open(newline="", encoding="utf-8") as f:
        return [Row(r["text"], r["label"], r["category"]) for r in csv.DictReader(f)]


def _share(hits: int, n: int) -> float | None:
    return hits / n if n else None


def group(row: Row) -> str:
    """Return the row's reporting group: its category, trusted notes split by label."""
    return f"{TRUSTED_NOTE}/{row.label}" if row.category == TRUSTED_NOTE else row.category


def evaluate(
    rows: Sequence[Row], *, learned: bool = True, detect_many: Detector | None = None
) -> dict:
    """Return per-category tier counts and rates, the pooled headline figures and the rows
    read wrongly (a crisis text not read as crisis, a non-crisis text read as crisis, a
    concern text read as none)."""
    if detect_many is None:
        from tether.crisis.language import detect_many
    notes = [i for i, r in enumerate(rows) if r.category == TRUSTED_NOTE]
    posts = [i for i, r in enumerate(rows) if r.category != TRUSTED_NOTE]
    signals: list = [None] * len(rows)
    for indices, about_patient in ((posts, False), (notes, True)):
        if indices:
            read = detect_many(
                [rows[i].text for i in indices], learned=learned, about_patient=about_patient
            )
            for i, signal in zip(indices, read, strict=True):
                signals[i] = signal
    per: dict[str, dict] = {}
    errors = []
    for row, signal in zip(rows, signals, strict=True):
        name = group(row)
        c = per.setdefault(name, {"n": 0, "crisis": 0, "concern": 0, "none": 0})
        c["n"] += 1
        c[signal.tier] += 1
        wrong = (row.label == "crisis") != (signal.tier == "crisis") or (
            row.label == "concern" and signal.tier == "none"
        )
        if wrong:
            errors.append(
                {
                    "group": name,
                    "label": row.label,
                    "tier": signal.tier,
                    "probability": signal.probability,
                    "text": row.text,
                    "why": signal.reason,
                }
            )
    for c in per.values():
        c["crisis_rate"] = _share(c["crisis"], c["n"])
        c["concern_rate"] = _share(c["concern"], c["n"])
        c["crisis_or_concern_rate"] = _share(c["crisis"] + c["concern"], c["n"])

    def pooled(groups: Sequence[str], key: str = "crisis") -> float | None:
        n = sum(per[g]["n"] for g in groups if g in per)
        hits = sum(per[g][k] for g in groups if g in per for k in key.split("+"))
        return _share(hits, n)

    return {
        "n": len(rows),
        "learned": learned,
        "crisis_recall": pooled(CRISIS_CATEGORIES),
        "crisis_or_concern_recall": pooled(CRISIS_CATEGORIES, "crisis+concern"),
        "hard_negative_false_alarms": pooled(HARD_NEGATIVES),
        "hard_negative_concern": pooled(HARD_NEGATIVES, "concern"),
        "ordinary_false_alarms": pooled(ORDINARY),
        "ordinary_concern": pooled(ORDINARY, "concern"),
        "concern_seen": pooled(CONCERN, "crisis+concern"),
        "trusted_note_recall": pooled((NOTE_CRISIS,)),
        "trusted_note_false_alarms": pooled((NOTE_NONE,)),
        "categories": per,
        "errors": errors,
    }


def _rows_in_order(per: dict) -> list[tuple[str, str, str]]:
    """Return (group, figure's name, rate key) for every group present, in reading order."""
    order = [
        *((g, "recall", "crisis_rate") for g in CRISIS_CATEGORIES),
        *((g, "false alarms", "crisis_rate") for g in (*HARD_NEGATIVES, *ORDINARY)),
        *((g, "seen", "crisis_or_concern_rate") for g in CONCERN),
        (NOTE_CRISIS, "recall", "crisis_rate"),
        (NOTE_NONE, "false alarms", "crisis_rate"),
    ]
    known = {g for g, _, _ in order}
    order += [(g, "crisis rate", "crisis_rate") for g in sorted(per) if g not in known]
    return [o for o in order if o[0] in per]


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def report(result: dict, title: str = "") -> str:
    """Return a Markdown table per category and one line of headline figures."""
    lines = [title] if title else []
    lines += [
        "| category | n | crisis | concern | none | figure | concern rate |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, figure, key in _rows_in_order(result["categories"]):
        c = result["categories"][name]
        lines.append(
            f"| {name} | {c['n']} | {c['crisis']} | {c['concern']} | {c['none']} | "
            f"{figure} {c[key]:.2f} | {c['concern_rate']:.2f} |"
        )
    lines += [
        "",
        f"crisis recall {fmt(result['crisis_recall'])} (crisis or concern "
        f"{fmt(result['crisis_or_concern_recall'])}) · false alarms: hard negatives "
        f"{fmt(result['hard_negative_false_alarms'])}, ordinary "
        f"{fmt(result['ordinary_false_alarms'])} · concern seen {fmt(result['concern_seen'])}"
        f" · trusted notes: recall {fmt(result['trusted_note_recall'])}, false alarms "
        f"{fmt(result['trusted_note_false_alarms'])} · n = {result['n']}"
        + ("" if result["learned"] else " · lists only"),
    ]
    return "\n".join(lines)


def summary(result: dict) -> dict:
    """Return `result` without the texts (for eval-results.json, which holds no text)."""
    return {k: v for k, v in result.items() if k != "errors"} | {"errors": len(result["errors"])}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="dev, fresh, heldout or a CSV path (default all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--learned", dest="learned", action="store_true", default=True)
    mode.add_argument("--lists-only", dest="learned", action="store_false")
    parser.add_argument("--errors", action="store_true", help="print every text read wrongly")
    args = parser.parse_args(argv)
    for name in args.sets or list(SETS):
        result = evaluate(read_set(name), learned=args.learned)
        print(report(result, title=f"## {name}"))
        if args.errors:
            for e in result["errors"]:
                print(
                    f"  [{e['group']}] {e['label']} -> {e['tier']} "
                    f"(P = {e['probability']:.2f}): {e['text']}  ({e['why']})"
                )
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
