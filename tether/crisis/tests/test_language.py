"""Crisis-language detection: transparent phrases plus semantic similarity."""

import pytest

from tether.crisis.language import detect, detect_many, lexicon, matched_phrases, sentences


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself.",
        "honestly i just wanna die",
        "I’ve been cutting myself again",  # curly apostrophe
        "Everyone would be better off dead without me. Better off dead, really.",
        "I DON'T WANT TO LIVE ANYMORE",
    ],
)
def test_first_person_phrases_are_found(text):
    signal = detect(text)
    assert signal.flagged
    assert signal.phrases
    assert "Crisis words" in signal.reason


def test_phrases_match_whole_words_only():
    assert matched_phrases("We talked about the overdose prevention program") == ("overdose",)
    assert matched_phrases("I'm unsuicidalish") == ()
    assert matched_phrases("skill myself up in python") == ()


def test_semantic_component_catches_crisis_without_listed_words():
    text = "Some days I think my family would be happier if I was gone for good."
    assert matched_phrases(text) == ()
    signal = detect(text)
    assert signal.flagged
    assert signal.similarity >= lexicon().threshold
    assert "Reads like a crisis statement" in signal.reason


@pytest.mark.parametrize(
    "text",
    [
        "I had a panic attack at the supermarket today but I got through it.",
        "Does anyone have tips for talking to your partner about depression?",
        "This group has helped me feel less alone.",
        "The baby slept four hours straight last night!",
    ],
)
def test_everyday_posts_are_not_flagged(text):
    assert not detect(text).flagged


def test_longest_sentence_signal_wins_in_a_long_post():
    text = (
        "Work was fine today and I made pasta for dinner. The weather was grey again. "
        "I keep thinking about ending my life when the house goes quiet."
    )
    signal = detect(text)
    assert signal.flagged
    assert "ending my life" in signal.closest_sentence


def test_detect_many_keeps_order_and_handles_empty_text():
    signals = detect_many(["", "I want to die", "Lovely walk today."])
    assert [s.flagged for s in signals] == [False, True, False]
    assert signals[0].similarity == 0.0


def test_sentences_drop_tiny_fragments_but_keep_short_whole_texts():
    assert sentences("ok. I feel like ending it all tonight.") == [
        "I feel like ending it all tonight."
    ]
    assert sentences("help") == ["help"]


def test_the_phrase_file_is_dated_and_first_person():
    lex = lexicon()
    assert lex.reviewed_on
    assert "suicide" not in lex.phrases  # a topic word: helpers use it as much as people at risk
    assert 0 < lex.threshold < 1


def test_the_files_own_examples_behave_as_labelled():
    import json

    from tether.crisis.language import DATA_FILE

    data = json.loads(DATA_FILE.read_text())
    assert all(s.flagged for s in detect_many(data["examples"]))
    flagged = [
        t
        for t, s in zip(
            data["not_crisis_examples"], detect_many(data["not_crisis_examples"]), strict=True
        )
        if s.flagged
    ]
    assert flagged == []
