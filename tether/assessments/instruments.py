"""The self-assessment instruments, defined once as data.

This one definition drives the web form, validation, scoring, the API schema and (later) FHIR.
Wording, scores, bands and LOINC codes are from ../shared/CLINICAL.md; where CLINICAL.md gives
no code, the field is None rather than a guess.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    number: int  # 1-based position in its source instrument
    text: str
    loinc: str | None = None


@dataclass(frozen=True)
class Band:
    """A severity band: totals from `low` to `high`, both inclusive."""

    low: int
    high: int
    name: str  # machine and API value, e.g. "moderately severe"
    label: str  # what a person reads


@dataclass(frozen=True)
class RiskRule:
    """An answer that needs immediate human follow-up whatever the total."""

    item_index: int  # 0-based within this instrument's items
    above: int  # risk when the answer is greater than this
    reason: str


@dataclass(frozen=True)
class Subscale:
    """A named group of items scored as the mean of their answers."""

    code: str
    label: str
    item_numbers: tuple[int, ...]


@dataclass(frozen=True)
class Question:
    """A question that is asked but not scored (PHQ-9's difficulty question)."""

    text: str
    options: tuple[Option, ...]
    loinc: str | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    title: str
    stem: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    bands: tuple[Band, ...]
    panel_loinc: str | None
    total_loinc: str | None
    risk_rules: tuple[RiskRule, ...] = ()
    difficulty: Question | None = None
    about: str = ""
    citation: str = ""
    # A short screen names the full questionnaire that follows a positive result.
    full_version: str | None = None
    subscales: tuple[Subscale, ...] = ()
    optional: bool = False  # offered, never required (e.g. perceived support)
    option_values: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_values", frozenset(o.value for o in self.options))

    @property
    def max_total(self) -> int:
        return len(self.items) * max(self.option_values)

    @property
    def min_total(self) -> int:
        return len(self.items) * min(self.option_values)

    def band_for(self, total: int) -> Band:
        """Return the severity band that holds `total`."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(
            f"{total} is outside {self.name}'s range {self.min_total}–{self.max_total}"
        )


FREQUENCY_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

FREQUENCY_OPTIONS = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

PHQ9_ITEMS = (
    Item(1, "Little interest or pleasure in doing things", "44250-9"),
    Item(2, "Feeling down, depressed, or hopeless", "44255-8"),
    Item(3, "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    Item(4, "Feeling tired or having little energy", "44254-1"),
    Item(5, "Poor appetite or overeating", "44251-7"),
    Item(
        6,
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    Item(
        7,
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    Item(
        8,
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    Item(
        9,
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

GAD7_ITEMS = (
    Item(1, "Feeling nervous, anxious, or on edge"),
    Item(2, "Not being able to stop or control worrying"),
    Item(3, "Worrying too much about different things"),
    Item(4, "Trouble relaxing"),
    Item(5, "Being so restless that it is hard to sit still"),
    Item(6, "Becoming easily annoyed or irritable"),
    Item(7, "Feeling afraid, as if something awful might happen"),
)

PHQ9_DIFFICULTY = Question(
    text=(
        "If you checked off any problems, how difficult have these problems made it for you to do "
        "your work, take care of things at home, or get along with other people?"
    ),
    options=(
        Option(0, "Not difficult at all"),
        Option(1, "Somewhat difficult"),
        Option(2, "Very difficult"),
        Option(3, "Extremely difficult"),
    ),
    loinc="69722-7",  # CLINICAL.md marks this code "verify"
)

SCREEN_BANDS = (
    Band(0, 2, "negative", "Below the screening cut-off"),
    Band(3, 6, "positive", "Positive screen: the full questionnaire is the next step"),
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title="Mood questionnaire (PHQ-9)",
    stem=FREQUENCY_STEM,
    items=PHQ9_ITEMS,
    options=FREQUENCY_OPTIONS,
    bands=(
        Band(0, 4, "minimal", "Minimal"),
        Band(5, 9, "mild", "Mild"),
        Band(10, 14, "moderate", "Moderate"),
        Band(15, 19, "moderately severe", "Moderately severe"),
        Band(20, 27, "severe", "Severe"),
    ),
    panel_loinc="44249-1",
    total_loinc="44261-6",
    risk_rules=(
        RiskRule(
            item_index=8,
            above=0,
            reason="PHQ-9 question 9 (thoughts of being better off dead or of self-harm) "
            "was answered above “Not at all”.",
        ),
    ),
    difficulty=PHQ9_DIFFICULTY,
    about="Nine questions about mood over the last two weeks.",
    citation="Kroenke, Spitzer & Williams 2001. Free to use (Pfizer).",
)

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    title="Anxiety questionnaire (GAD-7)",
    stem=FREQUENCY_STEM,
    items=GAD7_ITEMS,
    options=FREQUENCY_OPTIONS,
    bands=(
        Band(0, 4, "minimal", "Minimal"),
        Band(5, 9, "mild", "Mild"),
        Band(10, 14, "moderate", "Moderate"),
        Band(15, 21, "severe", "Severe"),
    ),
    panel_loinc="69737-5",
    total_loinc="70274-6",
    about="Seven questions about worry and anxiety over the last two weeks.",
    citation="Spitzer, Kroenke, Williams & Löwe 2006.",
)

# The two-item screens reuse the first two items of the full questionnaires.
PHQ2 = Instrument(
    code="phq2",
    name="PHQ-2",
    title="Short mood check (PHQ-2)",
    stem=FREQUENCY_STEM,
    items=PHQ9_ITEMS[:2],
    options=FREQUENCY_OPTIONS,
    bands=SCREEN_BANDS,
    panel_loinc="55757-9",
    total_loinc="55758-7",
    about="The first two mood questions. A score of 3 or more is followed by the full PHQ-9.",
    citation="Kroenke, Spitzer & Williams 2003.",
    full_version="phq9",
)

GAD2 = Instrument(
    code="gad2",
    name="GAD-2",
    title="Short anxiety check (GAD-2)",
    stem=FREQUENCY_STEM,
    items=GAD7_ITEMS[:2],
    options=FREQUENCY_OPTIONS,
    bands=SCREEN_BANDS,
    panel_loinc=None,
    total_loinc=None,
    about="The first two anxiety questions. A score of 3 or more is followed by the full GAD-7.",
    full_version="gad7",
)

AGREEMENT_OPTIONS = (
    Option(1, "Very strongly disagree"),
    Option(2, "Strongly disagree"),
    Option(3, "Mildly disagree"),
    Option(4, "Neutral"),
    Option(5, "Mildly agree"),
    Option(6, "Strongly agree"),
    Option(7, "Very strongly agree"),
)

# Multidimensional Scale of Perceived Social Support (Zimet et al. 1988). Free-use status is
# marked "verify" in CLINICAL.md, so it is optional everywhere. Bands are the commonly used
# mean ranges (1–2.9 low, 3–5 moderate, 5.1–7 high) expressed as sums of the 12 items.
MSPSS = Instrument(
    code="mspss",
    name="MSPSS",
    title="How supported do you feel? (MSPSS, optional)",
    stem="How much do you agree with each statement?",
    items=(
        Item(1, "There is a special person who is around when I am in need."),
        Item(2, "There is a special person with whom I can share my joys and sorrows."),
        Item(3, "My family really tries to help me."),
        Item(4, "I get the emotional help and support I need from my family."),
        Item(5, "I have a special person who is a real source of comfort to me."),
        Item(6, "My friends really try to help me."),
        Item(7, "I can count on my friends when things go wrong."),
        Item(8, "I can talk about my problems with my family."),
        Item(9, "I have friends with whom I can share my joys and sorrows."),
        Item(10, "There is a special person in my life who cares about my feelings."),
        Item(11, "My family is willing to help me make decisions."),
        Item(12, "I can talk about my problems with my friends."),
    ),
    options=AGREEMENT_OPTIONS,
    bands=(
        Band(12, 35, "low", "Low perceived support"),
        Band(36, 60, "moderate", "Moderate perceived support"),
        Band(61, 84, "high", "High perceived support"),
    ),
    panel_loinc=None,
    total_loinc=None,
    subscales=(
        Subscale("significant_other", "Someone special", (1, 2, 5, 10)),
        Subscale("family", "Family", (3, 4, 8, 11)),
        Subscale("friends", "Friends", (6, 7, 9, 12)),
    ),
    optional=True,
    about="Twelve statements about the support you feel from family, friends and someone "
    "special. Optional.",
    citation="Zimet, Dahlem, Zimet & Farley 1988.",
)

INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (PHQ9, GAD7, PHQ2, GAD2, MSPSS)}


def get_instrument(code: str) -> Instrument:
    """Return the instrument called `code`; raise KeyError when there is none."""
    return INSTRUMENTS[code]
