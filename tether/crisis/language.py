"""Crisis-language detection: the shared reader every free text in Tether passes through.

It returns a tier with its evidence:
- *crisis*: a first-person statement about now of suicidal intent, a plan, a means, a
  timeframe, goodbyes or giving things away, self-harm, a wish to be dead, or the slang and
  misspellings people use for them;
- *concern*: something a human should look at soon without an alert (hopelessness, "I can't
  go on like this", feeling a burden, someone else at risk, the past together with distress
  now, or a sentence that reads like a crisis statement without listed words);
- *none* otherwise.

Everything it knows is in one dated, reviewable file (data/crisis_language.json): patterns by
kind, the scopes that turn them down (negation, past time, someone else, fiction, idioms,
denials), the spellings it normalises and the words it corrects with rapidfuzz. Scopes work
per clause, so a past or denied clause never turns down a present one. A second signal,
sentence similarity to the file's crisis examples (all-MiniLM-L6-v2, local), can raise a
text to *concern*; if the model fails, the lists' answer stands and the failure is logged.

What it is for: putting a human's eyes on the text sooner. It never hides, delays or closes
anything, and "none" never means "safe". Its measured quality is in docs/evaluation.md.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

log = logging.getLogger(__name__)

CRISIS, CONCERN, NONE = "crisis", "concern", "none"
DATA_FILE = Path(__file__).parent / "data" / "crisis_language.json"
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+|\n+")
# Clauses: a past or denied clause must not turn down the next one ("I used to cut, and
# tonight I'm going to do it again").
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|\s[-\u2013\u2014]+\s|\bbut\b|\bhowever\b|\balthough\b|\bthough\b"
    r"|,?\s*\band\s+(?=(?:i|i'm|i've|i'll|now|tonight|today|lately|then|this|again)\b)"
    r"|,\s*(?=(?:now|today|tonight|these days|lately|this \w+|nowadays|currently|i|i'm|i've)\b))\s*"
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MIN_SENTENCE_CHARS = 12  # shorter fragments ("ok.", "lol") carry no semantic signal


@dataclass(frozen=True)
class CrisisSignal:
    tier: str  # CRISIS | CONCERN | NONE
    phrases: tuple[str, ...] = ()  # the words that matched, as normalised (evidence)
    similarity: float = 0.0  # best cosine between a gated sentence and a crisis example
    closest_sentence: str = ""
    reasons: tuple[str, ...] = ()  # shown to moderators and on alerts
    semantic: str = "skipped"  # "checked", "skipped" (no gate word / not asked) or "failed"

    @property
    def flagged(self) -> bool:
        return self.tier == CRISIS

    @property
    def reason(self) -> str:
        """One line for the moderator and the alert: what the detector saw."""
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Cue:
    kind: str
    reason: str
    pattern: re.Pattern = field(repr=False)
    # The pattern's literal pieces (3+ letters): any text it matches contains one of them,
    # so a text holding none is skipped without running the regular expression (speed).
    fragments: tuple[str, ...] = ()

    def may_match(self, text: str) -> bool:
        return self.pattern.pattern[0] == "^" or any(f in text for f in self.fragments)


@dataclass(frozen=True)
class Lexicon:
    reviewed_on: str
    crisis: tuple[Cue, ...]
    concern: tuple[Cue, ...]
    spelling: dict[str, str]
    spelling_phrases: dict[str, str]
    fuzzy_words: tuple[str, ...]
    fuzzy_min_length: int
    fuzzy_cutoff: float
    scopes: dict[str, re.Pattern]
    examples: tuple[str, ...]
    threshold: float

    @property
    def phrases(self) -> tuple[str, ...]:
        """Every crisis pattern, as written in the file (for counts and reviews)."""
        return tuple(c.pattern.pattern for c in self.crisis)


def _fold(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _words(alternation: str) -> re.Pattern:
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


def _cues(groups: list[dict]) -> tuple[Cue, ...]:
    return tuple(
        Cue(g["kind"], g["reason"], re.compile(p), _fragments(p))
        for g in groups
        for p in g["patterns"]
    )


def _fragments(pattern: str) -> tuple[str, ...]:
    # Escapes (\b, \w, \d) go first so that their letters are not taken for words.
    return tuple(set(re.findall(r"[a-z']{3,}", re.sub(r"\\[a-zA-Z]", " ", pattern))))


@cache
def lexicon(path: Path = DATA_FILE) -> Lexicon:
    raw = json.loads(path.read_text())
    sem = raw["semantic"]
    return Lexicon(
        reviewed_on=raw["reviewed_on"],
        crisis=_cues(raw["crisis"]),
        concern=_cues(raw["concern"]),
        spelling=dict(raw["spelling"]),
        spelling_phrases=dict(raw["spelling_phrases"]),
        fuzzy_words=tuple(raw["fuzzy"]["words"]),
        fuzzy_min_length=int(raw["fuzzy"]["min_length"]),
        fuzzy_cutoff=float(raw["fuzzy"]["score_cutoff"]),
        scopes={
            "third": _words(raw["third_person_subjects"]),
            "first": _words(raw["first_person"]),
            "second": _words(raw["second_person"]),
            "person": _words(
                "|".join((raw["third_person_subjects"], raw["first_person"], raw["second_person"]))
            ),
            "dropped_subject": re.compile(raw["dropped_subject"]),
            "negator": _words(raw["negators"]),
            "denial": _any(raw["denial"]),
            "past": _any(raw["past"]),
            "recent": _any(raw["recent"]),
            "recovery": _any(raw["recovery"]),
            "fiction": re.compile(raw["fiction"]),
            "reported": re.compile(raw["reported_speech"]),
            "idiom": _any(raw["idioms"]),
            "supportive": re.compile(raw["supportive"]),
            "timeframe": re.compile(raw["timeframe"]),
            "gate": _words(sem["gate_words"]),
            "topic": re.compile(raw["topic_words"]),
            "generic_lead": re.compile(raw["generic_lead"]),
            "filler": re.compile(rf"(?<![\w'])(?:{raw['fillers']})(?![\w'])"),
        },
        examples=tuple(sem["examples"]),
        threshold=float(sem["threshold"]),
    )


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
    return hit[0] if hit else None


def normalise(text: str, *, about_patient: bool = False) -> tuple[str, tuple[str, ...]]:
    """Return the folded text with spellings normalised and filler words ("honestly",
    "literally") dropped, and the misspellings corrected (as "written → read as") for the
    moderator. `about_patient`: the text is someone's note about the patient, so the third
    person ("she is saving her pills") is read as the patient's own first person."""
    corrected: list[str] = []

    def swap(m: re.Match) -> str:
        word = m.group(0)
        new = _respell(word)
        if new is None or new == word:
            return word
        if new in lexicon().fuzzy_words:
            corrected.append(f"“{word}” read as “{new}”")
        return new

    folded = _fold(text or "")
    for written, read_as in lexicon().spelling_phrases.items():
        folded = re.sub(rf"\b{re.escape(written)}\b", read_as, folded)
    folded = _WORD.sub(swap, folded)
    folded = lexicon().scopes["filler"].sub("", folded)
    if about_patient:
        folded = as_first_person(folded)
    return re.sub(r"[ \t]{2,}", " ", folded), tuple(dict.fromkeys(corrected))


# A note about the patient ("she says she will take them all") is read as if the patient
# wrote it. "them" stays: it is more often the pills than the patient.
_THIRD_TO_FIRST = (
    (r"\b(she|he|they)'s (been|got|had)\b", r"i've \2"),
    (r"\b(she's|he's|they're)\b", "i'm"),
    (r"\b(she|he) (is)\b|\bthey are\b", "i am"),
    (r"\b(she|he) was\b|\bthey were\b", "i was"),
    (r"\b(she|he|they)'ll\b", "i'll"),
    (r"\b(she|he|they)'d\b", "i'd"),
    (r"\b(she|he|they)\b", "i"),
    (r"\b(herself|himself|themselves|themself)\b", "myself"),
    (r"\b(her|his|their)\b", "my"),
    (r"\bhim\b", "me"),
)
_THIRD_PERSON_VERB = re.compile(
    r"\bi ((?:just |still |also |even |now |already |often )?)([a-z]+)\b"
)
_BASE_FORM = {
    "is": "am",
    "has": "have",
    "does": "do",
    "doesn't": "don't",
    "isn't": "am not",
    "hasn't": "haven't",
    "was": "was",
    "goes": "go",
    "says": "say",
    "wants": "want",
    "keeps": "keep",
    "talks": "talk",
    "plans": "plan",
    "thinks": "think",
    "feels": "feel",
    "needs": "need",
    "hopes": "hope",
    "wishes": "wish",
    "tells": "tell",
    "cuts": "cut",
    "hurts": "hurt",
    "burns": "burn",
    "takes": "take",
    "hides": "hide",
    "sleeps": "sleep",
    "writes": "write",
    "gives": "give",
    "mentions": "mention",
    "refuses": "refuse",
    "seems": "seem",
    "looks": "look",
    "texts": "text",
    "asks": "ask",
    "sounds": "sound",
    "stockpiles": "stockpile",
    "saves": "save",
    "collects": "collect",
    "hoards": "hoard",
    "won't": "won't",
    "can't": "can't",
    "scratches": "scratch",
    "searches": "search",
    "googles": "google",
    "buys": "buy",
    "owns": "own",
    "sits": "sit",
    "stands": "stand",
}


def as_first_person(folded: str) -> str:
    """Return `folded` with he/she/they and their forms read as the first person."""
    for pattern, first in _THIRD_TO_FIRST:
        folded = re.sub(pattern, first, folded)
    return _THIRD_PERSON_VERB.sub(
        lambda m: f"i {m.group(1)}{_BASE_FORM.get(m.group(2), m.group(2))}", folded
    )


def sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENTENCE_END.split(text or "")]
    kept = [s for s in parts if len(s) >= _MIN_SENTENCE_CHARS]
    return kept or ([text.strip()] if text and text.strip() else [])


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
    if scopes["recovery"].search(clause) or (
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
        if c.may_match(normalised_text) and c.pattern.search(normalised_text)
    ]
    findings = []
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


def _lexical(
    text: str, about_patient: bool = False
) -> tuple[str, tuple[str, ...], tuple[str, ...], bool]:
    """Return (tier, phrases, reasons, whether listed words were read and turned down)."""
    lex = lexicon()
    normalised, corrected = normalise(text, about_patient=about_patient)
    findings = read(normalised, normalised=True, about_patient=about_patient)
    crisis_kinds = {c.kind for c in lex.crisis}
    named = any(f.cue.kind in crisis_kinds - {"anaphoric"} for f in findings)
    present = [
        f
        for f in findings
        if f.status == "present"
        and f.cue.kind in crisis_kinds
        and (f.cue.kind != "anaphoric" or named)
    ]
    concern = [f for f in findings if f.status == "present" and f.cue.kind not in crisis_kinds]
    # "I'm going to do it tonight" with no crisis words anywhere: a human should look.
    concern += [
        f
        for f in findings
        if f.status == "present" and f.cue.kind == "anaphoric" and not named and f.timeframe
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
    phrases = tuple(dict.fromkeys(w for v in reasons.values() for w in v))
    turned_down = any(f.status not in ("present", "ignored") for f in findings)
    return tier, phrases, tuple(lines), turned_down


@cache
def _example_vectors() -> np.ndarray:
    from tether.peers.embedding import embed_many

    return embed_many(list(lexicon().examples))


def gated_sentences(text: str) -> list[str]:
    """Return the sentences of `text` worth the model's time: those with a gate word."""
    gate = lexicon().scopes["gate"]
    return [s for s in sentences(text) if gate.search(normalise(s)[0])]


def semantic_similarity(texts: list[str]) -> list[tuple[float, str]]:
    """For each text, the best cosine between one of its sentences that holds a gate word
    and a crisis example; (0.0, "") when none does."""
    from tether.peers.embedding import embed_many

    split = [gated_sentences(t) for t in texts]
    flat = [s for parts in split for s in parts]
    if not flat:
        return [(0.0, "") for _ in texts]
    best_per_sentence = (embed_many(flat) @ _example_vectors().T).max(axis=1)
    out, i = [], 0
    for parts in split:
        if not parts:
            out.append((0.0, ""))
            continue
        chunk = best_per_sentence[i : i + len(parts)]
        j = int(np.argmax(chunk))
        out.append((float(chunk[j]), parts[j]))
        i += len(parts)
    return out


def detect_many(
    texts: list[str], *, semantic: bool = True, about_patient: bool = False
) -> list[CrisisSignal]:
    """Read each text; `semantic=False` uses the lists alone (faster, for measurement).
    `about_patient=True`: the texts are written about the patient by someone else (a trusted
    person's note), so "she", "he" and "they" are read as the patient, and what they are
    doing now is a crisis; the past, a denial, an idiom or fiction still turn it down."""
    lexical = [_lexical(t, about_patient) for t in texts]
    sims: list[tuple[float, str]] = [(0.0, "")] * len(texts)
    state = "skipped"
    # Texts the lists already call crisis need no model time.
    pending = [i for i, (tier, *_) in enumerate(lexical) if tier != CRISIS]
    asked = set(pending)
    if semantic and pending:
        try:
            found = semantic_similarity([texts[i] for i in pending])
            for i, sim in zip(pending, found, strict=True):
                sims[i] = sim
            state = "checked"
        except Exception:
            # The lists' answer stands; a missing model must be seen, never silently passed.
            log.exception("Crisis-language similarity failed; using the lists alone")
            state = "failed"
    threshold = lexicon().threshold
    signals = []
    for i, ((tier, phrases, reasons, turned_down), (similarity, sentence)) in enumerate(
        zip(lexical, sims, strict=True)
    ):
        # The model cannot read "never", "used to" or "she": where the lists read listed
        # words and turned them down, their reading stands.
        if similarity >= threshold and tier != CRISIS and not turned_down:
            tier = CONCERN
            reasons = (*reasons, f"Reads like a crisis statement (similarity {similarity:.2f})")
        signals.append(
            CrisisSignal(
                tier=tier,
                phrases=phrases,
                similarity=similarity,
                closest_sentence=sentence,
                reasons=reasons,
                semantic=state if i in asked else "skipped",
            )
        )
    return signals


def detect(text: str, *, about_patient: bool = False) -> CrisisSignal:
    """Does this text possibly express suicidal thoughts, self-harm or acute crisis?
    `about_patient`: see `detect_many`."""
    return detect_many([text], about_patient=about_patient)[0]
