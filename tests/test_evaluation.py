"""The `make eval` harness's own logic, on tiny synthetic data written here (never the real set)."""

import csv
import json

import pytest

from evaluation import crisis_detection, labelled_sets, peer_matching
from evaluation.data import Question, parse_post_list, read_questions, read_users
from evaluation.metrics import accuracy, flags_per_user, top_k_accuracy, user_rates
from evaluation.run import main
from evaluation.tables import table
from tether.crisis import language


def _question(text, topics, split="train"):
    return Question(text=text, topics=frozenset(topics), split=split)


# Top-k accuracy


def test_it_counts_a_hit_when_any_of_the_topics_is_in_the_top_k():
    rankings = [["anxiety", "depression", "trauma"], ["parenting", "marriage", "intimacy"]]
    gold = [{"depression", "grief"}, {"intimacy"}]

    assert top_k_accuracy(rankings, gold, 1) == 0.0
    assert top_k_accuracy(rankings, gold, 2) == 0.5
    assert top_k_accuracy(rankings, gold, 3) == 1.0


def test_it_reads_only_the_first_k_of_a_longer_ranking():
    assert top_k_accuracy([["a", "b", "c", "d"]], [{"d"}], 3) == 0.0


def test_it_has_no_accuracy_for_an_empty_split():
    assert top_k_accuracy([], [], 1) is None
    assert accuracy([], []) == {"top1": None, "top3": None, "n": 0}


def test_it_refuses_rankings_and_topics_of_different_lengths():
    with pytest.raises(ValueError):
        top_k_accuracy([["a"]], [], 1)


# Per-user aggregation


def test_it_counts_flagged_posts_per_user():
    post_user = [0, 0, 1, 2, 2, 2]
    flagged = [True, True, False, False, True, False]

    assert flags_per_user(post_user, flagged, n_users=4) == [2, 0, 1, 0]


def test_it_flags_a_user_when_any_post_is_flagged():
    labels = ["Ideation", "Attempt", "Behavior", "Supportive", "Supportive", "Indicator"]
    flagged_posts = [3, 0, 1, 2, 0, 1]

    rates = user_rates(
        labels,
        flagged_posts,
        positive=("Ideation", "Behavior", "Attempt"),
        negative="Supportive",
        context="Indicator",
    )

    assert rates["recall"] == pytest.approx(2 / 3)
    assert rates["false_alarm_rate"] == 0.5
    assert rates["indicator_flag_rate"] == 1.0
    assert rates["posts_flagged_per_user"] == pytest.approx(7 / 6)
    assert rates["posts_flagged_per_user_by_group"]["in_crisis"] == pytest.approx(4 / 3)
    assert rates["posts_flagged_per_user_by_group"]["supportive"] == 1.0
    assert rates["flag_rate_by_label"]["Attempt"] == 0.0
    assert rates["users_flagged"] == 4
    assert rates["posts_flagged_total"] == 7


def test_it_has_no_false_alarm_rate_without_supportive_users():
    rates = user_rates(
        ["Ideation"], [1], positive=("Ideation",), negative="Supportive", context="Indicator"
    )
    assert rates["false_alarm_rate"] is None
    assert rates["recall"] == 1.0


def test_it_spells_labels_the_protocols_way():
    assert crisis_detection.canonical_label(" supportive ") == "Supportive"
    assert crisis_detection.canonical_label("IDEATION") == "Ideation"
    assert crisis_detection.canonical_label("Unknown") == "Unknown"


# The Post column


def test_it_reads_a_valid_post_list_with_literal_eval():
    cell = repr(["I'm tired.", 'She said "no".', "two\nlines"])

    posts, fallback, truncated = parse_post_list(cell)

    assert posts == ["I'm tired.", 'She said "no".', "two\nlines"]
    assert (fallback, truncated) == (False, False)


def test_it_recovers_the_posts_of_a_row_cut_off_mid_post():
    cell = "['First post.', \"It's the second\", 'Third, with \\'quotes\\'', 'The fourth was cu"

    posts, fallback, truncated = parse_post_list(cell)

    assert posts == ["First post.", "It's the second", "Third, with 'quotes'", "The fourth was cu"]
    assert fallback
    assert truncated


def test_it_drops_nothing_when_a_malformed_row_ends_between_posts():
    posts, fallback, truncated = parse_post_list("['One.', 'Two.', ")

    assert posts == ["One.", "Two."]
    assert fallback
    assert not truncated


def test_it_keeps_a_post_with_a_malformed_escape_as_written():
    posts, fallback, _ = parse_post_list("['bad \\N escape', 'fine'")

    assert posts == ["bad \\N escape", "fine"]
    assert fallback


def test_it_treats_a_cell_that_is_not_a_list_as_one_post():
    assert parse_post_list("just words, don't parse me") == (
        ["just words, don't parse me"],
        True,
        False,
    )
    assert parse_post_list("[]") == ([], False, False)
    assert parse_post_list("") == ([], True, False)


def test_it_reads_users_and_counts_rows_that_needed_the_fallback(tmp_path):
    path = tmp_path / "users.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["User", "Post", "Label"])
        writer.writerow(["a", repr(["one", "two"]), "Ideation"])
        writer.writerow(["b", "['three', 'fo", "Supportive "])

    users = read_users(path)

    assert [u.label for u in users] == ["Ideation", "Supportive"]
    assert [u.posts for u in users] == [("one", "two"), ("three", "fo")]
    assert [u.parsed_by_fallback for u in users] == [False, True]
    assert [u.truncated_post for u in users] == [False, True]


def test_it_reads_questions_with_title_and_text_and_every_topic(tmp_path):
    path = tmp_path / "questions.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["questionID", "questionTitle", "questionText", "topics", "split"])
        writer.writerow([1, "Title", "Body.", "anxiety|stress", "val"])
        writer.writerow([2, "No topic", "Skipped.", "", "train"])
        writer.writerow([3, "Only a title", "", "depression", "train"])

    questions = read_questions(path)

    assert questions == [
        _question("Title\nBody.", {"anxiety", "stress"}, "val"),
        _question("Only a title", {"depression"}),
    ]


# Matching baselines


def test_it_makes_topics_readable():
    assert peer_matching.readable_topic("family-conflict") == "family conflict"
    assert peer_matching.readable_topic("grief_and-loss") == "grief and loss"


def test_it_ranks_the_largest_group_first_for_everyone():
    train = [
        _question("a", {"depression"}),
        _question("b", {"depression", "anxiety"}),
        _question("c", {"parenting"}),
        _question("d", {"anxiety"}),
    ]
    questions = [*train, _question("e", {"trauma"}, "test")]
    groups = peer_matching.make_groups(questions, train)

    # Ties (anxiety and depression, 2 each) go by name; a topic seen only in test is a group
    # with no members.
    assert peer_matching.largest_group_ranking(groups) == [
        "anxiety",
        "depression",
        "parenting",
        "trauma",
    ]
    assert groups.members["trauma"] == []


def test_it_ranks_by_tfidf_against_the_members_centroid():
    train = [
        _question("panic attacks and racing heart", {"anxiety"}),
        _question("worry and panic every morning", {"anxiety"}),
        _question("my son will not listen to me", {"parenting"}),
    ]
    queries = [_question("racing heart panic", {"anxiety"}, "val")]
    groups = peer_matching.make_groups([*train, *queries], train)

    assert peer_matching.tfidf_rankings(groups, train, queries)[0][0] == "anxiety"


def test_it_chooses_settings_on_val_and_never_on_test():
    def row(weight, k, val_top1, test_top1):
        return {
            "member_weight": weight,
            "member_k": k,
            "val": {"top1": val_top1, "top3": 0.5, "n": 10},
            "test": {"top1": test_top1, "top3": 0.5, "n": 10},
        }

    grid = [row(0.0, 1, 0.4, 0.9), row(0.25, 3, 0.6, 0.1), row(1.0, 5, 0.6, 0.2)]

    chosen = peer_matching.choose_on_val(grid)

    assert (chosen["member_weight"], chosen["member_k"]) == (0.25, 3)


# Crisis review helpers


def test_it_counts_the_reasons_on_crisis_posts_by_label():
    signals = crisis_detection.PostSignals(
        text=["a", "b", "c", "d"],
        user=[0, 1, 2, 2],
        tier=["crisis", "crisis", "concern", "crisis"],
        reasons=[
            ("Crisis words: “kill myself”",),
            ("Crisis words: “suicidal”", "Plan with a timeframe: “tonight”"),
            ("Can't go on: “can't go on”",),
            ("Reads like a crisis statement (P = 0.91; weighed most: “end it”)",),
        ],
        lists_tier=["crisis", "none", "concern", "crisis"],
    )
    labels = ["Ideation", "Supportive", "Attempt"]

    rows = {r["reason"]: r for r in crisis_detection.reason_review(labels, signals)}

    assert rows["Crisis words"]["users_in_crisis"] == 1
    assert rows["Crisis words"]["users_supportive"] == 1
    assert rows["Reads like a crisis statement"]["posts"] == 1
    assert "Can't go on" not in rows  # concern posts raise no alert


# The team's labelled sets (evaluation/*_set.csv) and the floors issue 10 asks for

# Floors per set, as the app runs (lists and classifier). dev and fresh are in the
# classifier's training data, so theirs are regression floors; heldout_set.csv was never
# trained or tuned on, and its floors sit just under what the detector achieves there
# (docs/evaluation.md), never looser than the issue's aim (recall >= 0.90, false alarms
# <= 0.10 on hard negatives, <= 0.05 on ordinary posts).
FLOORS = {
    "dev": {
        "crisis_recall": 0.97,
        "hard_negative_false_alarms": 0.02,
        "ordinary_false_alarms": 0.0,
    },
    "fresh": {
        "crisis_recall": 0.97,
        "hard_negative_false_alarms": 0.02,
        "ordinary_false_alarms": 0.0,
        "trusted_note_recall": 0.90,
        "trusted_note_false_alarms": 0.0,
    },
    "heldout": {
        "crisis_recall": 0.92,
        "hard_negative_false_alarms": 0.08,
        "ordinary_false_alarms": 0.0,
        "trusted_note_recall": 0.80,
        "trusted_note_false_alarms": 0.10,
    },
}
# By the lists alone (the classifier failed): what still stands.
LISTS_ONLY_FLOORS = {
    "dev": {"crisis_recall": 0.95, "hard_negative_false_alarms": 0.02},
    "fresh": {"crisis_recall": 0.80, "hard_negative_false_alarms": 0.02},
    "heldout": {"crisis_recall": 0.40, "hard_negative_false_alarms": 0.08},
}
SIZES = {"dev": 336, "fresh": 384, "heldout": 320}


@pytest.fixture(scope="module")
def measured():
    """Each set read once as the app runs and once by the lists alone."""
    return {
        (name, learned): labelled_sets.evaluate(labelled_sets.read_set(name), learned=learned)
        for name in labelled_sets.SETS
        for learned in (True, False)
    }


def _holds(result, floors):
    for key, floor in floors.items():
        if key.endswith("false_alarms"):
            assert result[key] <= floor, (key, result[key])
        else:
            assert result[key] >= floor, (key, result[key])


@pytest.mark.parametrize("name", ["dev", "fresh", "heldout"])
def test_every_set_covers_every_category_with_its_labels(name):
    rows = labelled_sets.read_set(name)
    categories = {r.category for r in rows}

    assert len(rows) == SIZES[name]
    assert categories >= {
        *labelled_sets.CRISIS_CATEGORIES[:-1],  # "implicit" is not in the dev set
        *labelled_sets.HARD_NEGATIVES,
        *labelled_sets.ORDINARY,
        *labelled_sets.CONCERN,
    }
    assert min(sum(1 for r in rows if r.category == c) for c in categories) >= 20
    assert {r.label for r in rows} == {"crisis", "concern", "none"}


@pytest.mark.parametrize("name", ["dev", "fresh", "heldout"])
def test_the_detector_meets_its_floors(measured, name):
    _holds(measured[name, True], FLOORS[name])


@pytest.mark.parametrize("name", ["dev", "fresh", "heldout"])
def test_the_lists_alone_hold_their_floors_so_a_classifier_failure_stays_safe(measured, name):
    _holds(measured[name, False], LISTS_ONLY_FLOORS[name])


def test_the_held_out_floors_are_never_looser_than_the_issues_aim():
    floors = FLOORS["heldout"]

    assert floors["crisis_recall"] >= 0.90
    assert floors["hard_negative_false_alarms"] <= 0.10
    assert floors["ordinary_false_alarms"] <= 0.05


def test_it_reads_trusted_notes_about_the_patient_and_reports_them_by_label(tmp_path):
    path = tmp_path / "set.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "category"])
        writer.writerow(["a note", "crisis", "trusted_note"])
        writer.writerow(["a post", "crisis", "means"])
        writer.writerow(["a calm note", "none", "trusted_note"])
        writer.writerow(["an idiom", "none", "idiom"])
    calls = []

    def fake_detect_many(texts, *, learned, about_patient):
        calls.append((tuple(texts), learned, about_patient))
        tiers = {
            "a note": "crisis",
            "a post": "concern",
            "a calm note": "none",
            "an idiom": "crisis",
        }
        return [
            language.CrisisSignal(tier=tiers[t], reasons=(f"read {t}",), learned="checked")
            for t in texts
        ]

    result = labelled_sets.evaluate(
        labelled_sets.read_set(path), learned=False, detect_many=fake_detect_many
    )

    assert calls == [
        (("a post", "an idiom"), False, False),
        (("a note", "a calm note"), False, True),
    ]
    assert result["trusted_note_recall"] == 1.0
    assert result["trusted_note_false_alarms"] == 0.0
    assert result["crisis_recall"] == 0.0
    assert result["crisis_or_concern_recall"] == 1.0
    assert result["hard_negative_false_alarms"] == 1.0
    assert result["categories"]["means"]["concern_rate"] == 1.0
    assert [(e["group"], e["tier"]) for e in result["errors"]] == [
        ("means", "concern"),
        ("idiom", "crisis"),
    ]
    printed = labelled_sets.report(result)
    assert "| means | 1 | 0 | 1 | 0 | recall 0.00 | 1.00 |" in printed
    assert "| trusted_note/crisis | 1 | 1 | 0 | 0 | recall 1.00 | 0.00 |" in printed
    assert "errors" not in json.dumps(labelled_sets.summary(result)["categories"])


def test_the_command_prints_one_set_and_its_errors(capsys):
    assert labelled_sets.main(["dev", "--lists-only", "--errors"]) == 0

    printed = capsys.readouterr().out
    assert printed.startswith("## dev")
    assert "lists only" in printed


def test_it_pads_a_table():
    assert table(["name", "n"], [["a", 0.5], ["bb", 12]]) == (
        "name      n\n----  -----\na     0.500\nbb       12"
    )


# The whole harness


def _write_eval_folder(root):
    (root / "counselchat").mkdir(parents=True)
    (root / "cssrs500").mkdir()
    questions = [
        ("Racing heart", "Panic before every meeting at work.", "anxiety", "train"),
        ("Worry", "I cannot stop worrying about everything.", "anxiety", "train"),
        ("Empty", "Nothing feels good for months.", "depression", "train"),
        ("My son", "My teenager will not talk to me.", "parenting|family-conflict", "train"),
        ("Panic", "My chest gets tight before work.", "anxiety", "val"),
        ("Flat", "I feel empty and tired all day.", "depression", "test"),
    ]
    with (root / "counselchat" / "questions.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["questionID", "questionTitle", "questionText", "questionLink", "topics", "split"]
        )
        for i, (title, text, topics, split) in enumerate(questions):
            writer.writerow([i, title, text, "", topics, split])
    users = [
        ("u1", repr(["I want to kill myself tonight.", "Nobody would notice."]), "Ideation"),
        ("u2", repr(["You matter, please call someone."]), "Supportive"),
        ("u3", "['I tried to end my life last year.', 'I still think abo", "Attempt"),
        ("u4", repr(["Work is stressful lately."]), "Indicator"),
    ]
    with (root / "cssrs500" / "users.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["User", "Post", "Label"])
        writer.writerows(users)


@pytest.fixture
def tiny_sets(tmp_path, monkeypatch):
    """Stand one small labelled set in for the team's three (their figures are tested above)."""
    path = tmp_path / "tiny_set.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "category"])
        writer.writerow(["I want to kill myself tonight.", "crisis", "direct_ideation"])
        writer.writerow(["Off to the market with my sister.", "none", "ordinary_post"])
    monkeypatch.setattr(labelled_sets, "SETS", {"tiny": path})


def test_it_runs_end_to_end_on_a_folder_laid_out_like_the_real_one(tmp_path, capsys, tiny_sets):
    data, out = tmp_path / "eval", tmp_path / "eval-results.json"
    _write_eval_folder(data)

    assert main(data_dir=data, out_path=out) == 0

    results = json.loads(out.read_text())
    for method in ("tether", "largest_group", "tfidf"):
        assert set(results["matching"][method]) >= {"top1", "top3", "val", "test"}
    assert results["matching"]["n"]["groups"] == 4
    assert results["matching"]["n"]["queries"] == 2
    assert len(results["matching"]["sweep"]["grid"]) == 15
    crisis = results["crisis"]
    assert set(crisis) >= {"recall", "false_alarm_rate", "posts_flagged_per_user"}
    assert set(crisis["detectors"]) == {
        "crisis",
        "crisis_or_concern",
        "lists_only",
        "crisis_lifted_by_classifier",
        "concern_raised_by_classifier",
        "overruled_to_concern",
    }
    assert crisis["detection"]["posts"] == 6
    assert crisis["detection"]["classifier_not_checked"] == 0
    assert crisis["classifier"]["crisis_threshold"] == 0.5
    assert crisis["n"]["users"] == 4
    assert crisis["n"]["rows_parsed_by_fallback"] == 1
    # u3's only complete post is a past attempt ("last year"), read as the past: not crisis.
    assert crisis["recall"] == 0.5
    assert crisis["before_issue_10"]["recall"] == 0.686
    assert results["embedding"]["per_second"] > 0
    tiny = results["labelled_sets"]["tiny"]
    assert tiny["learned"]["crisis_recall"] == 1.0
    assert tiny["lists_only"]["ordinary_false_alarms"] == 0.0
    assert "I want to kill myself" not in out.read_text()  # figures only, never text
    printed = capsys.readouterr().out
    assert printed.index("LABELLED SETS") < printed.index("PEER MATCHING")
    assert "CRISIS LANGUAGE ON C-SSRS-500" in printed


def test_it_measures_the_labelled_sets_and_skips_the_rest_when_the_data_is_absent(
    tmp_path, capsys, monkeypatch, tiny_sets
):
    monkeypatch.setenv("TETHER_EVAL_DIR", str(tmp_path / "nowhere"))
    out = tmp_path / "eval-results.json"

    assert main(out_path=out) == 0

    printed = capsys.readouterr().out
    assert "tiny (tiny_set.csv)" in printed
    assert "outside-data part skipped" in printed
    assert not out.exists()
