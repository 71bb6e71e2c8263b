"""Crisis-language detection: tiers, their evidence, the scopes that respect ordinary speech,
and the fall-back to the lists when the model fails."""

import json
import logging

import pytest

from tether.crisis import language, language_classifier
from tether.crisis.language import CONCERN, CRISIS, DATA_FILE, NONE, detect, detect_many, lexicon


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I want to kill myself.", "Crisis words: “kill myself”"),
        ("honestly i just wanna die", "Crisis words: “want to die”"),
        ("I’ve been cutting myself again", "Self-harm"),  # curly apostrophe
        ("Everyone would be better off without me.", "Wish to be dead or not wake up"),
        ("I DON'T WANT TO LIVE ANYMORE", "Crisis words"),
        ("kms", "Crisis slang: “kms”"),
        ("thinking about ctb this weekend", "Crisis slang: “ctb”"),
        ("i want to unalive myself", "Crisis slang"),
        ("sewerslide is all i think about", "Crisis slang"),
        ("I wish I could go to sleep and not wake up", "Wish to be dead"),
        ("saving up my pills, plan to take them all this weekend", "Names a means"),
        ("I bought a rope today", "Names a means"),
        ("I gave away my guitar, I won't need it anymore", "Goodbye or giving things away"),
    ],
)
def test_it_reads_first_person_crisis_statements_as_crisis_with_reasons(text, reason):
    signal = detect(text)

    assert signal.tier == CRISIS and signal.flagged
    assert reason in signal.reason
    assert signal.phrases


def test_it_corrects_misspellings_with_the_fuzzy_matcher_and_says_so():
    signal = detect("i want to commit suacide")

    assert signal.flagged
    assert "“suacide” read as “suicide”" in signal.reason
    assert detect("i want to kil myself").flagged  # a listed spelling


def test_it_names_a_plan_with_a_timeframe():
    signal = detect("I'm going to unalive myself tonight")

    assert signal.flagged
    assert "Plan with a timeframe: “tonight”" in signal.reason


@pytest.mark.parametrize(
    "text",
    [
        "Five years ago I was suicidal, today I'm well.",
        "I used to self-harm.",
        "My therapist asked if I was suicidal and I said no.",
        "A character in a novel kills herself.",
        "This homework is killing me.",
        "I could murder a pizza.",
        "I'm dying to see it.",
        "That joke killed me.",
        "If you are thinking about suicide, please call 988, they helped me a lot.",
        "I would never kill myself, I have my kids.",
        "I burned myself cooking dinner lol",
        "I ran 5 kms today and I feel great.",
        "I know how it feels to want to die. Please text 988.",
    ],
)
def test_it_respects_ordinary_speech_negation_the_past_and_fiction(text):
    # Nobody is paged; a supportive reply that quotes the words may still ask a human to look.
    assert detect(text).tier != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "My friend said she wants to die.",
        "I'm worried my brother is suicidal.",
        "I can't go on like this.",
        "I feel like such a burden to everyone.",
    ],
)
def test_someone_else_at_risk_and_hopelessness_are_concern_not_crisis(text):
    signal = detect(text)

    assert signal.tier == CONCERN
    assert not signal.flagged
    assert signal.reason


def test_a_past_clause_never_turns_down_a_present_one():
    signal = detect("I used to cut, and tonight I'm going to do it again")

    assert signal.flagged
    assert "Plan with a timeframe" in signal.reason
    assert detect("I'm not suicidal. But I've been cutting again this week.").flagged
    assert detect("Five years ago I was suicidal. Today I want to kill myself.").flagged


def test_intent_to_act_with_a_time_is_crisis():
    assert detect("I'm going to do it tonight. I just wanted someone to know.").flagged


@pytest.mark.parametrize(
    "text",
    [
        "She is saving up her pills and says she will take them all this weekend",
        "He showed me the rope in his shed and said he'd use it tonight",
        "They told me they want to die and have been cutting again",
        "Sam said he's on the bridge now",
    ],
)
def test_a_note_about_the_patient_reads_he_she_they_as_the_patient(text):
    assert detect(text, about_patient=True).tier == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "She used to cut herself but she is doing really well now",
        "He said he would never hurt himself, he has the kids",
        "She's killing herself at work lol, overtime again",
        "We had coffee and a walk. She seemed brighter.",
        "Years ago he took an overdose; today he is settled and working",
    ],
)
def test_a_note_about_the_patient_still_respects_past_denial_and_idiom(text):
    assert detect(text, about_patient=True).tier != CRISIS


def test_the_classifier_reads_crisis_without_listed_words_and_says_why():
    signal = detect("I have worked out how many I need and when the house will be empty")

    assert signal.phrases == ()  # no listed words
    assert signal.tier == CRISIS
    assert signal.learned == "checked"
    assert signal.probability >= 0.5
    assert "Reads like a crisis statement (P = " in signal.reason


def test_the_classifier_turns_listed_words_in_ordinary_speech_into_concern_not_an_alert():
    # "killing me" is listed; about the weather the classifier reads it as ordinary.
    signal = detect("this heat is killing me")

    assert signal.tier != CRISIS


def test_the_classifier_file_names_its_training_data_and_never_the_held_out_set():
    raw = json.loads(language_classifier.MODEL_FILE.read_text())

    assert raw["never_trained_on"] == "evaluation/heldout_set.csv"
    assert all("heldout" not in path for path in raw["trained_on"])
    assert "evaluation/dev_set.csv" in raw["trained_on"]
    assert (raw["overrule_below"], raw["concern_threshold"], raw["crisis_threshold"]) == (
        0.15,
        0.25,
        0.5,
    )
    assert sum(bucket["texts"] for bucket in raw["reliability"]) == raw["texts"]


def test_the_classifier_is_calibrated_on_texts_it_did_not_see():
    raw = json.loads(language_classifier.MODEL_FILE.read_text())

    # Out-of-fold: among texts put at P >= 0.8, most are crisis; below 0.2, few are.
    high = [b for b in raw["reliability"] if b["from"] >= 0.8]
    low = [b for b in raw["reliability"] if b["from"] < 0.2]
    assert all(b["share_crisis"] >= 0.8 for b in high)
    assert all(b["share_crisis"] <= 0.2 for b in low)


def test_a_failing_classifier_falls_back_to_the_lists_and_is_logged(monkeypatch, caplog):
    def broken(self, texts):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(language_classifier.TextClassifier, "read_many", broken)

    with caplog.at_level(logging.ERROR, logger="tether.crisis.language"):
        signals = detect_many(["I want to die", "I cant go on like this"])

    assert [s.learned for s in signals] == ["failed", "failed"]
    assert signals[0].tier == CRISIS  # the lists still read what they know
    assert signals[1].tier == CONCERN
    assert "using the lists alone" in caplog.text
    assert "model file missing" in caplog.text


def test_lists_alone_when_asked(monkeypatch):
    monkeypatch.setattr(language_classifier.TextClassifier, "read_many", lambda self, t: 1 / 0)

    signal = detect_many(["I want to die"], learned=False)[0]

    assert signal.flagged and signal.learned == "skipped"


def test_detect_many_keeps_order_and_handles_empty_text():
    signals = detect_many(["", "I want to die", "Lovely walk today."])

    assert [s.tier for s in signals] == [NONE, CRISIS, NONE]
    assert signals[0].reason == ""


def test_clauses_split_on_but_and_a_new_time():
    assert language.clauses("i used to cut, and tonight i'm going to do it again") == [
        "i used to cut",
        "tonight i'm going to do it again",
    ]


def test_the_data_file_is_dated_reviewable_and_first_person():
    raw = json.loads(DATA_FILE.read_text())
    lex = lexicon()

    assert raw["reviewed_on"] < raw["review_by"]
    assert lex.crisis and lex.concern
    assert all(c.reason for c in lex.crisis + lex.concern)


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to the gym tonight, wish me luck",
        "I hope I don't wake up late tomorrow",
        "We picked a spot by the lake for the picnic tomorrow",
        "I think I'll do it, the course looks fun",
        "My last day of school is friday!",
        "Goodbye 2025, thank you for everything",
        "I'm so done with this week, cannot wait for the weekend",
        "I have a plan for the weekend: sleep and pizza",
        "This is it, I finally booked my first therapy session!",
        "I wish I could sleep forever on weekends haha",
        "deadline is killing me, gonna die if i don't finish this",
    ],
)
def test_ordinary_plans_and_farewells_page_nobody(text):
    assert detect(text).tier != CRISIS


# Known false alarms of the word classifier: it reads "bridge" and "tonight" without "club",
# and words without whose they are. They raise an alert a human will dismiss; listed here so
# that the day one stops, the mark must come off (docs/evaluation.md, "Known false alarms").
@pytest.mark.xfail(strict=True, reason="known false alarm of the word classifier")
@pytest.mark.parametrize(
    "text",
    [
        "I'm going to the bridge club tonight",
        "If you don't hear from me this week it's because I'm camping",
        "I gave my old bike to my nephew because I won't need it now that I drive",
        "I'm going to do it tonight, the gym opens at six",
        "My brother is ready to be gone for good, nothing is left for him.",
    ],
)
def test_known_false_alarms(text):
    assert detect(text).tier != CRISIS


def test_a_topic_word_alone_is_not_an_alert():
    # Helpers use the word as much as anyone; a text this short is the lists' to read.
    assert detect("suicide").tier != CRISIS
    assert detect("one more thing").tier != CRISIS


def test_skill_myself_is_not_an_alert():
    # Characters of "kill myself" inside "skill myself": at most a human look.
    assert detect("skill myself up in python").tier != CRISIS
