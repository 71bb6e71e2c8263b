"""Print the results as plain-text tables (the same figures as eval-results.json)."""

from __future__ import annotations

from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return a left-aligned first column and right-aligned figures, padded to fit."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def matching_report(m: dict) -> str:
    n = m["n"]
    out = [
        f"PEER MATCHING  ({n['groups']} groups, {n['train']} train questions; "
        f"{n['queries']} matched: val {n['val']}, test {n['test']}; "
        f"{n['queries_with_several_topics']} with several topics)",
        "",
    ]
    methods = [
        ("Tether (build_index + rank, app defaults)", m["tether"]),
        ("Largest group first", m["largest_group"]),
        ("TF-IDF centroid (1-2-grams, sublinear tf)", m["tfidf"]),
    ]
    out.append(
        table(
            ["method", "top-1", "top-3", "val top-1", "val top-3", "test top-1", "test top-3"],
            [
                [
                    name,
                    r["top1"],
                    r["top3"],
                    r["val"]["top1"],
                    r["val"]["top3"],
                    r["test"]["top1"],
                    r["test"]["top3"],
                ]
                for name, r in methods
            ],
        )
    )
    if m["tether_confusions"]:
        out += ["", "Tether's most common top-1 misses (a topic of the question -> ranked first):"]
        out.append(
            table(
                ["topic", "ranked first", "questions"],
                [[c["topic"], c["ranked_first"], c["count"]] for c in m["tether_confusions"]],
            )
        )
    sweep = m["sweep"]
    out += [
        "",
        "SECONDARY - member_weight x member_k sweep, chosen on VAL only, reported on TEST",
        f"(selection rule: {sweep['selection_rule']})",
    ]
    chosen, default = sweep["chosen_on_val"], sweep["app_default"]
    out.append(
        table(
            [
                "member_weight",
                "member_k",
                "val top-1",
                "val top-3",
                "test top-1",
                "test top-3",
                "default",
                "chosen",
            ],
            [
                [
                    r["member_weight"],
                    r["member_k"],
                    r["val"]["top1"],
                    r["val"]["top3"],
                    r["test"]["top1"],
                    r["test"]["top3"],
                    r == default,
                    r == chosen,
                ]
                for r in sweep["grid"]
            ],
        )
    )
    return "\n".join(out)


def crisis_report(c: dict) -> str:
    n = c["n"]
    lex, model = c["lexicon"], c["classifier"]
    labels = ", ".join(f"{k} {v}" for k, v in n["users_by_label"].items())
    out = [
        f"CRISIS LANGUAGE ON C-SSRS-500  ({n['users']} users: {labels}; {n['posts']:,} posts; "
        f"{n['rows_parsed_by_fallback']} rows parsed by the fallback)",
        f"(lexicon reviewed {lex['reviewed_on']}: {lex['crisis_patterns']} crisis and "
        f"{lex['concern_patterns']} concern patterns; classifier trained {model['trained_at']} "
        f"on {model['texts']} texts, crisis at P >= {model['crisis_threshold']}, concern at "
        f">= {model['concern_threshold']}, lists overruled at <= {model['overrule_below']}; "
        "a user is flagged when any post is)",
        "",
    ]
    rows = []
    before = c["before_issue_10"]
    rows.append(
        [
            "before issue 10 (flagged)",
            before["recall"],
            before["false_alarm_rate"],
            None,
            before["posts_flagged_per_user"],
            None,
            None,
            None,
            None,
        ]
    )
    for name, key in (
        ("crisis tier (alert)", "crisis"),
        ("crisis or concern", "crisis_or_concern"),
        ("lists alone: crisis tier", "lists_only"),
        ("crisis lifted by the classifier", "crisis_lifted_by_classifier"),
        ("concern raised by the classifier", "concern_raised_by_classifier"),
        ("crisis words overruled to concern", "overruled_to_concern"),
    ):
        d = c["detectors"][key]
        per = d["posts_flagged_per_user_by_group"]
        rows.append(
            [
                name,
                d["recall"],
                d["false_alarm_rate"],
                d["indicator_flag_rate"],
                per["all"],
                per["in_crisis"],
                per["supportive"],
                d["posts_flagged_total"],
                d["posts_flagged_share"],
            ]
        )
    out.append(
        table(
            [
                "detector",
                "recall",
                "false alarms",
                "Indicator",
                "posts/user",
                "in crisis",
                "Supportive",
                "posts flagged",
                "share",
            ],
            rows,
        )
    )
    out += ["", "Flag rate by label (share of users with at least one flagged post):"]
    labels_seen = list(c["detectors"]["crisis"]["flag_rate_by_label"])
    out.append(
        table(
            ["detector", *labels_seen],
            [
                [key, *(c["detectors"][key]["flag_rate_by_label"][lab] for lab in labels_seen)]
                for key in ("crisis", "crisis_or_concern")
            ],
        )
    )
    if c["reasons"]:
        out += ["", "Reasons on crisis posts (users reached):"]
        out.append(
            table(
                ["reason", "posts", "in crisis", "Supportive", "Indicator"],
                [
                    [
                        r["reason"],
                        r["posts"],
                        r["users_in_crisis"],
                        r["users_supportive"],
                        r["users_indicator"],
                    ]
                    for r in c["reasons"]
                ],
            )
        )
    return "\n".join(out)
