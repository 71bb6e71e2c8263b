"""The instrument definitions match the clinical reference (shared/CLINICAL.md) word for word."""

import pytest

from tether.assessments.instruments import (
    GAD2,
    GAD7,
    INSTRUMENTS,
    PHQ2,
    PHQ9,
    get_instrument,
)

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

PHQ9_ITEMS = [
    ("Little interest or pleasure in doing things", "44250-9"),
    ("Feeling down, depressed, or hopeless", "44255-8"),
    ("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("Feeling tired or having little energy", "44254-1"),
    ("Poor appetite or overeating", "44251-7"),
    (
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    ("Thoughts that you would be better off dead or of hurting yourself in some way", "44260-8"),
]

GAD7_ITEMS = [
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
]

OPTIONS = [
    (0, "Not at all", "LA6568-5"),
    (1, "Several days", "LA6569-3"),
    (2, "More than half the days", "LA6570-1"),
    (3, "Nearly every day", "LA6571-9"),
]

DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
DIFFICULTY_OPTIONS = [
    (0, "Not difficult at all"),
    (1, "Somewhat difficult"),
    (2, "Very difficult"),
    (3, "Extremely difficult"),
]


def test_phq9_items_have_the_validated_wording_and_loinc_codes_in_order():
    assert [(item.text, item.loinc) for item in PHQ9.items] == PHQ9_ITEMS
    assert [item.number for item in PHQ9.items] == list(range(1, 10))


def test_phq9_panel_and_total_loinc_codes():
    assert PHQ9.panel_loinc == "44249-1"
    assert PHQ9.total_loinc == "44261-6"


def test_phq9_names():
    assert PHQ9.code == "phq9"
    assert PHQ9.name == "PHQ-9"


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, PHQ2, GAD2], ids=lambda i: i.code)
def test_every_instrument_uses_the_frequency_stem_and_options(instrument):
    assert instrument.stem == STEM
    assert [(o.value, o.label, o.loinc) for o in instrument.options] == OPTIONS
    assert instrument.option_values == frozenset({0, 1, 2, 3})


def test_gad7_items_have_the_validated_wording_in_order():
    assert [item.text for item in GAD7.items] == GAD7_ITEMS
    assert [item.number for item in GAD7.items] == list(range(1, 8))


def test_gad7_items_carry_no_guessed_loinc_codes():
    # CLINICAL.md gives no GAD-7 item codes, so none may be invented.
    assert [item.loinc for item in GAD7.items] == [None] * 7


def test_gad7_panel_and_total_loinc_codes():
    assert GAD7.panel_loinc == "69737-5"
    assert GAD7.total_loinc == "70274-6"


def test_phq2_is_the_first_two_phq9_items():
    assert PHQ2.items == PHQ9.items[:2]
    assert [item.text for item in PHQ2.items] == [PHQ9_ITEMS[0][0], PHQ9_ITEMS[1][0]]


def test_phq2_loinc_codes():
    assert PHQ2.panel_loinc == "55757-9"
    assert PHQ2.total_loinc == "55758-7"


def test_gad2_is_the_first_two_gad7_items():
    assert GAD2.items == GAD7.items[:2]
    assert [item.text for item in GAD2.items] == GAD7_ITEMS[:2]


def test_gad2_has_no_guessed_loinc_codes():
    assert GAD2.panel_loinc is None
    assert GAD2.total_loinc is None


def test_phq9_difficulty_question_wording_and_options():
    question = PHQ9.difficulty
    assert question is not None
    assert question.text == DIFFICULTY_TEXT
    assert [(o.value, o.label) for o in question.options] == DIFFICULTY_OPTIONS
    assert question.loinc == "69722-7"


@pytest.mark.parametrize("instrument", [GAD7, PHQ2, GAD2], ids=lambda i: i.code)
def test_only_phq9_asks_the_difficulty_question(instrument):
    assert instrument.difficulty is None


def test_only_phq9_has_the_item_9_risk_rule():
    (rule,) = PHQ9.risk_rules
    assert rule.item_index == 8
    assert PHQ9.items[rule.item_index].loinc == "44260-8"
    assert rule.above == 0
    for instrument in (GAD7, PHQ2, GAD2):
        assert instrument.risk_rules == ()


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        (PHQ9, [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]),
        (GAD7, [(0, 4), (5, 9), (10, 14), (15, 21)]),
        (PHQ2, [(0, 2), (3, 6)]),
        (GAD2, [(0, 2), (3, 6)]),
    ],
    ids=lambda v: getattr(v, "code", ""),
)
def test_bands_cover_the_whole_range_without_gaps(instrument, expected):
    assert [(b.low, b.high) for b in instrument.bands] == expected
    assert instrument.bands[0].low == 0
    assert instrument.bands[-1].high == instrument.max_total
    for before, after in zip(instrument.bands, instrument.bands[1:], strict=False):
        assert after.low == before.high + 1


def test_instruments_are_looked_up_by_code():
    assert set(INSTRUMENTS) == {"phq9", "gad7", "phq2", "gad2", "mspss"}
    for code, instrument in INSTRUMENTS.items():
        assert instrument.code == code
        assert get_instrument(code) is instrument


def test_an_unknown_instrument_is_refused():
    with pytest.raises(KeyError):
        get_instrument("phq10")
