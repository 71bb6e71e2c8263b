"""The `make eval` harness's own logic, on tiny synthetic data written here (never the real set)."""

import csv
import json

import pytest

from evaluation import crisis_detection, dev_set, fresh_set, peer_matching
from evaluation.data import Question, parse_post_list, read_questions, read_users
from evaluation.metrics import accuracy, flags_per_user, top_k_accuracy, user_rates
from evaluation.run import main
from evaluation.tables import table


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
            ("Plan: “have a plan”",),
        ],
        similarity=[0.0, 0.0, 0.0, 0.0],
    )
    labels = ["Ideation", "Supportive", "Attempt"]

    rows = {r["reason"]: r for r in crisis_detection.reason_review(labels, signals)}

    assert rows["Crisis words"]["users_in_crisis"] == 1
    assert rows["Crisis words"]["users_supportive"] == 1
    assert rows["Plan"]["posts"] == 1
    assert "Can't go on" not in rows  # concern posts raise no alert


# The development set (evaluation/dev_set.csv) and the floors issue 10 asks for


def test_the_dev_set_is_balanced_and_covers_every_category():
    rows = dev_set.read_dev_set()
    categories = {r.category for r in rows}

    assert len(rows) >= 300
    assert categories == {
        *dev_set.CRISIS_CATEGORIES,
        *dev_set.HARD_NEGATIVES,
        *dev_set.ORDINARY,
        *dev_set.CONCERN,
    }
    assert min(sum(1 for r in rows if r.category == c) for c in categories) >= 20
    assert {r.label for r in rows} == {"crisis", "concern", "none"}
    assert {r.split for r in rows} == {"dev", "heldout"}


def test_the_detector_meets_the_floors_on_the_dev_set():
    result = dev_set.evaluate(dev_set.read_dev_set())

    assert result["crisis_recall"] >= dev_set.FLOORS["crisis_recall"]
    assert result["hard_negative_false_alarms"] <= dev_set.FLOORS["hard_negative_false_alarms"]
    assert result["ordinary_false_alarms"] <= dev_set.FLOORS["ordinary_false_alarms"]


def test_the_lists_alone_meet_the_floors_too_so_a_model_failure_stays_safe():
    result = dev_set.evaluate(dev_set.read_dev_set(), semantic=False)

    assert result["crisis_recall"] >= dev_set.FLOORS["crisis_recall"]
    assert result["hard_negative_false_alarms"] <= dev_set.FLOORS["hard_negative_false_alarms"]


def test_the_detector_meets_its_floors_on_the_fresh_set():
    result = fresh_set.evaluate(fresh_set.read_fresh_set())
    floors = fresh_set.FLOORS

    assert result["n"] == 384
    assert result["crisis_recall"] >= floors["crisis_recall"]
    assert result["hard_negative_false_alarms"] <= floors["hard_negative_false_alarms"]
    assert result["ordinary_false_alarms"] <= floors["ordinary_false_alarms"]
    assert result["trusted_note_recall"] >= floors["trusted_note_recall"]
    assert result["trusted_note_false_alarms"] <= floors["trusted_note_false_alarms"]


def test_the_lists_alone_hold_their_floors_on_the_fresh_set():
    result = fresh_set.evaluate(fresh_set.read_fresh_set(), semantic=False)

    assert result["crisis_recall"] >= fresh_set.LISTS_ONLY_FLOORS["crisis_recall"]
    assert (
        result["hard_negative_false_alarms"]
        <= fresh_set.LISTS_ONLY_FLOORS["hard_negative_false_alarms"]
    )


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


def test_it_runs_end_to_end_on_a_folder_laid_out_like_the_real_one(tmp_path, capsys):
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
    assert set(crisis["detectors"]) == {"crisis", "crisis_or_concern", "concern_from_model"}
    assert crisis["n"]["users"] == 4
    assert crisis["n"]["rows_parsed_by_fallback"] == 1
    # u3's only complete post is a past attempt ("last year"), read as the past: not crisis.
    assert crisis["recall"] == 0.5
    assert crisis["before_issue_10"]["recall"] == 0.686
    assert results["embedding"]["per_second"] > 0
    printed = capsys.readouterr().out
    assert "PEER MATCHING" in printed
    assert "CRISIS LANGUAGE" in printed


def test_it_skips_with_a_message_when_the_data_is_absent(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TETHER_EVAL_DIR", str(tmp_path / "nowhere"))
    out = tmp_path / "eval-results.json"

    assert main(out_path=out) == 0

    assert "skipped" in capsys.readouterr().out
    assert not out.exists()
