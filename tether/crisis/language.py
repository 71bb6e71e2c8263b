"""Crisis-language detection: the shared reader every free text in Tether passes through.

It returns a tier with its evidence:
- *crisis*: a first-person statement about now of suicidal intent, a plan, a means, a
  timeframe, goodbyes or giving things away, self-harm, a wish to be dead, or the slang and
  misspellings people use for them;
- *concern*: something a human should look at soon without an alert (hopelessness, "I can't
  go on like this", feeling a burden, someone else at risk, the past together with distress
  now, or a sentence that reads like a crisis statement without listed words);
- *none* otherwise.

Everything it knows is in one dated, reviewable file (data/crisis_language.json, read by
lexicon.py): patterns by kind, the scopes that turn them down (negation, past time, someone
else, fiction, idioms, denials), the spellings it normalises and the words it corrects with
rapidfuzz. Scopes work per clause, so a past or denied clause never turns down a present one.
A note about the patient (`about_patient=True`) is read as the patient's own words
(language_person.py).

The lists are read together with a learned classifier (language_classifier.py: a calibrated
logistic regression on words and in-word characters, trained only on texts the team wrote,
never on the held-out set). A text the classifier finds more likely crisis than not is
*crisis*, with the words that weighed most as its reason; listed crisis words that the
classifier reads as plainly ordinary (P <= 0.15: "this heat is killing me") become *concern*,
so a human still looks; a text it finds possible (P >= 0.25) is at least *concern*; a crisis
reading by the classifier alone is *concern* in a text of fewer than five words, or below
P = 0.9 when the text names an everyday task ("the gym") or the lists read its words as an
idiom, a denial, fiction or a supportive reply. The classifier reads words, not who they are
about: its known false alarms are in docs/evaluation.md. If it fails, the lists' answer
stands and the failure is logged.

What it is for: putting a human's eyes on the text sooner. It never hides, delays or closes
anything, and "none" never means "safe". Its measured quality is in docs/evaluation.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from tether.crisis.language_person import as_first_person
from tether.crisis.lexicon import DATA_FILE as DATA_FILE  # re-exported: callers read it here
from tether.crisis.lexicon import Cue, _fold, lexicon

if TYPE_CHECKING:
    from tether.crisis.language_classifier import TextClassifier, TextReading

log = logging.getLogger(__name__)

CRISIS, CONCERN, NONE = "crisis", "concern", "none"
# How the lists read crisis words that are not a crisis: enough to keep the classifier's weaker
# crisis readings from paging anyone ("the past" and "someone else" are not: the classifier is
# right about those more often than the lists).
ORDINARY_SPEECH = frozenset({"idiom", "negated", "fiction", "supportive"})
# Below this many words the classifier alone raises concern, never crisis: a short text gives
# it one or two words to weigh ("one more thing"). Listed slang ("kms") is the lists' to read.
MIN_WORDS_ALONE = 5
# Clauses: a past or denied clause must not turn down the next one ("I used to cut, and
# tonight I'm going to do it again").
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|\s[-\u2013\u2014]+\s|\bbut\b|\bhowever\b|\balthough\b|\bthough\b"
    r"|,?\s*\band\s+(?=(?:i|i'm|i've|i'll|now|tonight|today|lately|then|this|again)\b)"
    r"|,\s*(?=(?:now|today|tonight|these days|lately|this \w+|nowadays|currently|i|i'm|i've)\b))\s*"
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class CrisisSignal:
    tier: str  # CRISIS | CONCERN | NONE
    phrases: tuple[str, ...] = ()  # the words that matched, as normalised (evidence)
    probability: float = 0.0  # the classifier's calibrated P(crisis); 0 when not asked
    reasons: tuple[str, ...] = ()  # shown to moderators and on alerts
    learned: str = "skipped"  # the classifier: "checked", "skipped" (not asked) or "failed"

    @property
    def flagged(self) -> bool:
        return self.tier == CRISIS

    @property
    def reason(self) -> str:
        """One line for the moderator and the alert: what the detector saw."""
        return "; ".join(self.reasons)


@lru_cache(maxsize=20_000)
def _respell(word: str) -> str | None:
    """Return the listed spelling or the fuzzy-corrected crisis word for `word`, if any."""
    lex = lexicon()
    if word in lex.spelling:
        return lex.spelling[word]
    if len(word) < lex.fuzzy_min_length or any(word.startswith(w) for w in lex.fuzzy_words):
        return None  # the word itself or an inflection of it ("goodbyes")
    hit = process.extractOne(
        word, lex.fuzzy_words, scorer=fuzz.ratio, score_cutoff=lex.fuzzy_cutoff
    )
    return str(hit[0]) if hit else None


def normalise(text: str, *, about_patient: bool = False) -> tuple[str, tuple[str, ...]]:
    """Return the folded text with spellings normalised and filler words ("honestly",
    "literally") dropped, and the misspellings corrected (as "written → read as") for the
    moderator. `about_patient`: the text is someone's note about the patient, so the third
    person ("she is saving her pills") is read as the patient's own first person."""
    corrected: list[str] = []

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        new = _respell(word)
        if new is None or new == word:
            return word
        if new in lexicon().fuzzy_words:
            corrected.append(f"“{word}” read as “{new}”")
        return new

    folded = _fold(text or "")
    # "Suicidal thoughts? No.": keep a one-word answer with its question.
    folded = re.sub(r"\?\s+(no|nope|never|none)\b", r" \1", folded)
    for written, read_as in lexicon().spelling_phrases.items():
        folded = re.sub(rf"\b{re.escape(written)}\b", read_as, folded)
    folded = _WORD.sub(swap, folded)
    folded = lexicon().scopes["filler"].sub("", folded)
    if about_patient:
        folded = as_first_person(folded)
    return re.sub(r"[ \t]{2,}", " ", folded), tuple(dict.fromkeys(corrected))


def clauses(normalised: str) -> list[str]:
    """Cut normalised text into sentences, then clauses, each one a scope of its own."""
    out = []
    for sentence in re.split(r"[.!?\n]+", normalised):
        out += [c.strip(" ,\"'()") for c in _CLAUSE_BREAK.split(sentence) if c and c.strip(" ,")]
    return [c for c in out if c]


@dataclass(frozen=True)
class Finding:
    cue: Cue
    words: str
    status: str  # "present", "negated", "past", "someone_else", "fiction", "idiom", "generic"
    timeframe: str = ""


def _person(lead: str, clause: str, scopes: dict[str, re.Pattern]) -> str:
    """Return who the words before a cue are about: "first", "second", "third" or "unknown"."""
    # The nearest person before the words; else anyone in the clause ("the thoughts won't
    # leave me alone", "suicidal thoughts lie to you"); else a dropped "I" ("suicidal again").
    people = scopes["person"].findall(lead) or scopes["person"].findall(clause)[-1:]
    if people:
        last = people[-1]
        for who in ("first", "second", "third"):
            if scopes[who].fullmatch(last):
                return who
    if scopes["dropped_subject"].search(clause):
        return "first"
    return "unknown"


def _status(
    cue: Cue, m: re.Match, clause: str, sentence: str, scopes: dict, about_patient: bool = False
) -> str:
    lead = clause[: m.start()]
    if scopes["idiom"].search(clause):
        return "idiom"
    # In a note about the patient, "her mum said she..." is still about the patient.
    reported = scopes["reported"].search(lead) and not about_patient
    if reported or scopes["denial"].search(sentence):
        return "negated" if scopes["denial"].search(sentence) else "someone_else"
    person = _person(lead, clause, scopes)
    inherent = bool(re.search(r"\b(myself|my|me|i|i'm)\b", m.group(0)))
    # A goodbye formula is the writer's own even when it is addressed to "you".
    inherent = inherent or (cue.kind == "goodbye" and not lead.strip())
    if inherent and not re.search(r"\b(she|he|they|she's|he's|they're)\b", lead):
        person = "first"  # "scratched my arms till they bled": the words name their subject
    if cue.kind == "someone_else" and person != "third":
        return "ignored"  # "I was suicidal" is read by the crisis patterns, not as another
    if person == "third":
        return "fiction" if scopes["fiction"].search(sentence) else "someone_else"
    if person == "second" and not inherent:
        return "generic"
    if scopes["fiction"].search(clause) and person != "first":
        return "fiction"
    # A negator between the speaker and the words ("I would never...", "I'm not...").
    speaker = max((p.end() for p in scopes["first"].finditer(lead)), default=0)
    if scopes["negator"].search(lead[speaker:]):
        return "negated"
    relapse = re.search(r"\b(again|relaps\w*)\b", clause)
    if (scopes["recovery"].search(clause) and not relapse) or (
        scopes["past"].search(clause) and not scopes["recent"].search(clause)
    ):
        return "past"
    if scopes["generic_lead"].search(lead):
        return "generic"  # "I know how it feels to want to die"
    if person == "unknown" and not inherent:
        if scopes["supportive"].search(sentence):
            return "generic"
        if scopes["topic"].search(m.group(0)):
            return "unclear"  # "the overdose prevention programme": whose?
    return "present"


def read(text: str, *, normalised: bool = False, about_patient: bool = False) -> list[Finding]:
    """Return every cue found in `text` with its status in its own clause."""
    lex = lexicon()
    if not normalised:
        text = normalise(text, about_patient=about_patient)[0]
    normalised_text = text
    # A quick look for each pattern's words, then one search of the whole text, rule most
    # patterns out; only the rest are read clause by clause.
    cues = [
        c
        for c in lex.crisis + lex.concern
        if c.may_match(normalised_text) and (c.anchored or c.pattern.search(normalised_text))
    ]
    findings: list[Finding] = []
    if not cues:
        return findings
    for sentence in re.split(r"[.!?\n]+", normalised_text):
        frame = lex.scopes["timeframe"].search(sentence)
        for clause in clauses(sentence):
            for cue in cues:
                for m in cue.pattern.finditer(clause):
                    status = _status(cue, m, clause, sentence, lex.scopes, about_patient)
                    findings.append(
                        Finding(cue, m.group(0), status, frame.group(0) if frame else "")
                    )
    return findings


# (tier, phrases, reasons, ordinary): what the lists alone make of a text.
LexicalReading = tuple[str, tuple[str, ...], tuple[str, ...], bool]


def _lexical(text: str, about_patient: bool = False) -> LexicalReading:
    """Return (tier, phrases, reasons, ordinary) as the lists read the text; `ordinary`: the
    text names an everyday task ("the gym", "a meeting"), or the lists read crisis words in
    it as an idiom, a denial, fiction or a supportive reply."""
    lex = lexicon()
    normalised, corrected = normalise(text, about_patient=about_patient)
    findings = read(normalised, normalised=True, about_patient=about_patient)
    crisis_kinds = {c.kind for c in lex.crisis}
    named = any(f.cue.kind in crisis_kinds - {"anaphoric"} for f in findings)
    # "I'm going to do it tonight" counts when crisis words are named anywhere, or with a
    # time: where people speak of their distress that is a plan, unless the text names an
    # everyday task it could be ("the gym opens at six"); then a human looks, no alert.
    everyday = bool(lex.scopes["everyday"].search(normalised))
    present = [
        f
        for f in findings
        if f.status == "present"
        and f.cue.kind in crisis_kinds
        and (f.cue.kind != "anaphoric" or named or (f.timeframe and not everyday))
    ]
    concern = [f for f in findings if f.status == "present" and f.cue.kind not in crisis_kinds]
    concern += [
        f
        for f in findings
        if f.status == "present" and f.cue.kind == "anaphoric" and not named and f.timeframe
        if everyday
    ]
    others = [f for f in findings if f.status in ("someone_else", "unclear")]
    past = [f for f in findings if f.status == "past" and f.cue.kind in crisis_kinds]
    reasons: dict[str, list[str]] = {}

    def cite(found: list[Finding], label: str | None = None) -> None:
        for f in found:
            reasons.setdefault(label or f.cue.reason, [])
            if f.words not in reasons[label or f.cue.reason]:
                reasons[label or f.cue.reason].append(f.words)

    if present:
        tier = CRISIS
        cite(present)
        frames = [f.timeframe for f in present if f.timeframe and f.cue.kind != "direct"]
        if frames:
            cite([Finding(present[0].cue, frames[0], "present")], "Plan with a timeframe")
    elif concern or others:
        tier = CONCERN
        cite(concern)
        cite([f for f in others if f.status == "someone_else"], "About someone else")
        cite([f for f in others if f.status == "unclear"], "Unclear whose")
        if concern:
            cite(past, "Past crisis mentioned with distress now")
    else:
        tier = NONE
    lines = [f"{k}: " + ", ".join(f"“{w}”" for w in v[:3]) for k, v in reasons.items()]
    if tier != NONE and corrected:
        lines.append("Misspelling: " + ", ".join(corrected[:3]))
    if tier != NONE and about_patient:
        lines.append("Read as about the patient (he/she/they quoted as “I”/“my”)")
    phrases = tuple(dict.fromkeys(w for v in reasons.values() for w in v))
    ordinary = everyday or any(f.status in ORDINARY_SPEECH for f in findings)
    return tier, phrases, tuple(lines), ordinary


def detect_many(
    texts: list[str], *, learned: bool = True, about_patient: bool = False
) -> list[CrisisSignal]:
    """Read each text; `learned=False` uses the lists alone (for measurement).
    `about_patient=True`: the texts are written about the patient by someone else (a trusted
    person's note), so "she", "he" and "they" are read as the patient, and what they are
    doing now is a crisis; the past, a denial, an idiom or fiction still turn it down."""
    lexical = [_lexical(t, about_patient) for t in texts]
    readings: list[TextReading | None] = [None] * len(texts)
    state = "skipped"
    model: TextClassifier | None = None
    if learned and texts:
        try:
            from tether.crisis.language_classifier import text_classifier

            model = text_classifier()
            # A note about the patient is read in the first person, as the model learned.
            inputs = [normalise(t, about_patient=True)[0] if about_patient else t for t in texts]
            readings = list(model.read_many(inputs))
            state = "checked"
        except Exception:
            # The lists' answer stands; a missing model must be seen, never silently passed.
            log.exception("Crisis-language classifier failed; using the lists alone")
            readings = [None] * len(texts)
            state = "failed"
    return [
        _combine(text.lower(), lexical_reading, reading, model, state)
        for text, lexical_reading, reading in zip(texts, lexical, readings, strict=True)
    ]


def _combine(
    text: str,
    lexical_reading: LexicalReading,
    reading: TextReading | None,
    model: TextClassifier | None,
    state: str,
) -> CrisisSignal:
    tier, phrases, reasons, ordinary = lexical_reading
    probability = 0.0
    # A text of a few words gives the classifier one or two words to weigh ("one more
    # thing"): on its own it moves such a text one step at most, and never to an alert.
    short = len(_WORD.findall(text)) < MIN_WORDS_ALONE
    # A reading exists only when the model loaded and read the text.
    if reading is not None and model is not None:
        probability = reading.probability
        weighed = ", ".join(f"“{w}”" for w in reading.evidence)
        said = f"Reads like a crisis statement (P = {probability:.2f}" + (
            f"; weighed most: {weighed})" if weighed else ")"
        )
        if probability >= model.crisis_threshold:
            if tier != CRISIS:
                reasons = (*reasons, said)
            # The classifier reads "tonight" without "the gym", and "die" without "deadline
            # is killing me": when only it says crisis, not strongly, and the lists read the
            # words as ordinary speech, a human looks (concern) but nobody is paged.
            lone = tier != CRISIS and (short or (ordinary and probability < model.ordinary_below))
            tier = CONCERN if lone else CRISIS
        elif tier == CRISIS and probability <= model.overrule_below:
            # Listed words in a sentence the classifier reads as plainly ordinary: a human
            # still looks (concern), but nobody is paged.
            tier = CONCERN
            reasons = (
                *reasons,
                f"Read as ordinary speech by the classifier (P = {probability:.2f})",
            )
        elif tier == NONE and probability >= model.concern_threshold and not short:
            tier = CONCERN
            reasons = (*reasons, said)
    return CrisisSignal(
        tier=tier, phrases=phrases, probability=probability, reasons=reasons, learned=state
    )


def detect(text: str, *, about_patient: bool = False) -> CrisisSignal:
    """Does this text possibly express suicidal thoughts, self-harm or acute crisis?
    `about_patient`: see `detect_many`."""
    return detect_many([text], about_patient=about_patient)[0]
