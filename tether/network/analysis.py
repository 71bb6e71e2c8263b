"""The network analysis and the personal plan: pure functions, no database.

Input is a list of `Support` (built from the patient's contacts, their care team and their
safety plan); output says which layers are held, how firmly, where the load and lapses are,
and the next one to three steps in the order the practice recommends.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tether.network.layers import LAYER_ORDER, Layer

# Defaults; a practice setting can override them later without changing the rules.
TRUSTED_LAPSE_AFTER = timedelta(weeks=4)
GROUP_LAPSE_AFTER = timedelta(weeks=3)
LOAD_SHARE = 0.6  # one person carrying this share of check-ins or more may burn out
LOAD_MIN_CHECK_INS = 4  # below this there is too little to call it a load
MAX_STEPS = 3
SEVERE_PHQ9 = frozenset({"moderately severe", "severe"})
SEVERE_GAD7 = frozenset({"severe"})
LOW_MSPSS_MEAN = 3.0  # subscale mean below "mildly disagree … neutral" reads as low


@dataclass(frozen=True)
class Support:
    """One support on the map, whatever it is stored as."""

    key: str  # identity: two rows for the same person are one support
    name: str
    layer: Layer
    active: bool
    kind: str = ""
    relationship: str = ""  # trusted people: family, partner, friend, other
    check_ins: int = 0  # check-ins recorded in the recent window (trusted people)
    last_seen_at: datetime | None = None  # last check-in, or last group visit
    since: datetime | None = None
    expects_check_ins: bool = False  # a trusted person asked to check in
    action: str = ""  # where the patient manages it


@dataclass(frozen=True)
class LayerStatus:
    layer: Layer
    active: tuple[Support, ...]
    inactive: tuple[Support, ...]

    @property
    def covered(self) -> bool:
        return bool(self.active)

    @property
    def redundancy(self) -> int:
        return len(self.active)

    @property
    def single_point(self) -> bool:
        """A layer held by one person or one app: if that one goes, the layer goes."""
        return len(self.active) == 1


@dataclass(frozen=True)
class Lapse:
    support: Support
    reason: str


@dataclass(frozen=True)
class Load:
    support: Support
    share: float
    check_ins: int
    total: int


@dataclass(frozen=True)
class Analysis:
    layers: dict[Layer, LayerStatus]
    lapses: tuple[Lapse, ...]
    loads: tuple[Load, ...]
    has_safety_plan: bool

    @property
    def covered(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in LAYER_ORDER if self.layers[layer].covered)

    @property
    def single_points(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in LAYER_ORDER if self.layers[layer].single_point)

    @property
    def gaps(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in LAYER_ORDER if not self.layers[layer].covered)

    @property
    def single_layer_dependence(self) -> bool:
        """Everything outside the crisis layer rests on one layer."""
        held = [layer for layer in self.covered if layer != Layer.CRISIS]
        return len(held) == 1

    def summary(self) -> str:
        """Return e.g. "3/5 layers, 1 single point"."""
        points = len(self.single_points)
        text = f"{len(self.covered)}/{len(LAYER_ORDER)} layers"
        if points:
            text += f", {points} single point{'s' if points > 1 else ''}"
        return text


def _dedupe(supports: Iterable[Support]) -> list[Support]:
    seen: dict[str, Support] = {}
    for support in supports:
        kept = seen.get(support.key)
        if kept is None or (support.active and not kept.active):
            seen[support.key] = support
    return list(seen.values())


def find_lapses(supports: Sequence[Support], *, now: datetime) -> tuple[Lapse, ...]:
    """Return trusted people who stopped checking in and groups not visited in weeks."""
    lapses = []
    for s in supports:
        if not s.active:
            continue
        if s.layer == Layer.RELATIONAL and s.expects_check_ins:
            last = s.last_seen_at or s.since
            if last is not None and now - last > TRUSTED_LAPSE_AFTER:
                weeks = (now - last).days // 7
                lapses.append(Lapse(s, f"{s.name} hasn't checked in for {weeks} weeks."))
        elif s.layer == Layer.PEER and s.last_seen_at is not None:
            if now - s.last_seen_at > GROUP_LAPSE_AFTER:
                weeks = (now - s.last_seen_at).days // 7
                lapses.append(Lapse(s, f"No visit to {s.name} for {weeks} weeks."))
    return tuple(lapses)


def find_loads(supports: Sequence[Support]) -> tuple[Load, ...]:
    """Return trusted people carrying most of the recent check-ins."""
    trusted = [s for s in supports if s.active and s.layer == Layer.RELATIONAL]
    total = sum(s.check_ins for s in trusted)
    if total < LOAD_MIN_CHECK_INS:
        return ()
    return tuple(
        Load(s, s.check_ins / total, s.check_ins, total)
        for s in trusted
        if s.check_ins / total >= LOAD_SHARE
    )


def analyse(supports: Iterable[Support], *, has_safety_plan: bool, now: datetime) -> Analysis:
    """Return coverage, redundancy, single points, load and lapses of a support network."""
    unique = _dedupe(supports)
    layers = {
        layer: LayerStatus(
            layer=layer,
            active=tuple(s for s in unique if s.layer == layer and s.active),
            inactive=tuple(s for s in unique if s.layer == layer and not s.active),
        )
        for layer in LAYER_ORDER
    }
    return Analysis(
        layers=layers,
        lapses=find_lapses(unique, now=now),
        loads=find_loads(unique),
        has_safety_plan=has_safety_plan,
    )


@dataclass(frozen=True)
class Step:
    """One concrete next step: what, why in one plain sentence, and where to do it."""

    layer: Layer
    title: str
    why: str
    action: str  # a name the views turn into a link


@dataclass(frozen=True)
class Scores:
    """What the plan needs to know of the latest questionnaires."""

    phq9_band: str | None = None
    gad7_band: str | None = None
    # MSPSS subscale means (family, friends, significant_other) when the patient took it.
    mspss: dict[str, float] = field(default_factory=dict)

    @property
    def severe(self) -> bool:
        return self.phq9_band in SEVERE_PHQ9 or self.gad7_band in SEVERE_GAD7


# subscale: (the relationship that fills it, where support comes from, who is missing)
MSPSS_RELATIONSHIPS = {
    "family": ("family", "your family", "no one from your family"),
    "friends": ("friend", "friends", "no friend"),
    "significant_other": ("partner", "someone special", "no partner or someone special"),
}


def support_gaps(analysis: Analysis, scores: Scores) -> tuple[str, ...]:
    """Return low perceived-support subscales with no matching trusted person, in words."""
    held = {s.relationship for s in analysis.layers[Layer.RELATIONAL].active}
    gaps = []
    for subscale, (relationship, source, missing) in MSPSS_RELATIONSHIPS.items():
        mean = scores.mspss.get(subscale)
        if mean is not None and mean < LOW_MSPSS_MEAN and relationship not in held:
            gaps.append(
                f"Support from {source} feels low right now, and {missing} is on your map yet."
            )
    return tuple(gaps)


def _crisis_steps(analysis: Analysis) -> list[Step]:
    steps = []
    if not analysis.has_safety_plan:
        steps.append(
            Step(
                Layer.CRISIS,
                "Write your safety plan",
                "A plan made on a calm day is there for you on a hard one.",
                "safety_plan_edit",
            )
        )
    saved_lines = [s for s in analysis.layers[Layer.CRISIS].active if s.kind == "crisis_resource"]
    if not saved_lines:
        steps.append(
            Step(
                Layer.CRISIS,
                "Save a crisis line you would call",
                "Choosing one ahead of time makes it easier to reach out when it counts.",
                "support_add_crisis_resource",
            )
        )
    return steps


def _relational_steps(analysis: Analysis) -> list[Step]:
    status = analysis.layers[Layer.RELATIONAL]
    lapsed = [lapse for lapse in analysis.lapses if lapse.support.layer == Layer.RELATIONAL]
    if not status.covered:
        return [
            Step(
                Layer.RELATIONAL,
                "Invite one person you trust to check in on you",
                "One person who checks in regularly makes it much less likely you go through "
                "a hard patch alone.",
                "support_add_trusted_person",
            )
        ]
    if lapsed and len(lapsed) == len(status.active):
        name = lapsed[0].support.name
        return [
            Step(
                Layer.RELATIONAL,
                f"Reconnect with {name}, or invite someone else",
                # One sentence: the lapse, then what helps.
                lapsed[0].reason.removesuffix(".") + "; a quick message can restart things.",
                "my_support",
            )
        ]
    return []


def _peer_steps(analysis: Analysis) -> list[Step]:
    if analysis.layers[Layer.PEER].covered:
        return []
    return [
        Step(
            Layer.PEER,
            "Find a peer group of people who've been through something similar",
            "Feeling “these are people like me” is what makes a group help.",
            "support_add_peer_group",
        )
    ]


def _professional_steps(analysis: Analysis) -> list[Step]:
    if analysis.layers[Layer.PROFESSIONAL].covered:
        return []
    return [
        Step(
            Layer.PROFESSIONAL,
            "Connect with professional care",
            "A clinician can offer treatment that other support can't replace.",
            "support_add_professional",
        )
    ]


def _dependence_steps(analysis: Analysis) -> list[Step]:
    steps = []
    for load in analysis.loads:
        steps.append(
            Step(
                Layer.RELATIONAL,
                f"Share the check-ins that {load.support.name} carries",
                f"{load.support.name} has done {load.check_ins} of the last {load.total} "
                "check-ins; a second person keeps you both going.",
                "support_add_trusted_person",
            )
        )
    relational = analysis.layers[Layer.RELATIONAL]
    if relational.single_point and not analysis.loads:
        only = relational.active[0].name
        steps.append(
            Step(
                Layer.RELATIONAL,
                "Add a second person you trust",
                f"Right now {only} is the only one; if they're away, no one checks in.",
                "support_add_trusted_person",
            )
        )
    if analysis.single_layer_dependence:
        (held,) = [layer for layer in analysis.covered if layer != Layer.CRISIS]
        steps.append(
            Step(
                held,
                "Add support from another part of your life",
                "When all your support sits in one place, losing it leaves nothing behind.",
                "my_support",
            )
        )
    return steps


# Single points outside the relational layer, after every other kind of step.
_SECOND_SUPPORT = {
    Layer.PEER: ("Find a second group or meeting", "support_add_peer_group"),
    Layer.DIGITAL: ("Add a second program or app", "support_add_program"),
}


def _single_point_steps(analysis: Analysis) -> list[Step]:
    steps = []
    for layer, (title, action) in _SECOND_SUPPORT.items():
        status = analysis.layers[layer]
        if status.single_point:
            only = status.active[0].name
            steps.append(
                Step(
                    layer,
                    title,
                    f"{only} is your only support of this kind; a second keeps it going if "
                    "that one stops.",
                    action,
                )
            )
    return steps


def _digital_steps(analysis: Analysis) -> list[Step]:
    if analysis.layers[Layer.DIGITAL].covered:
        return []
    return [
        Step(
            Layer.DIGITAL,
            "Try a guided program with check-ins from a real person",
            "Programs work better when a person checks in with you along the way.",
            "support_add_program",
        )
    ]


def personal_plan(analysis: Analysis, scores: Scores) -> tuple[Step, ...]:
    """Return the next one to three steps: crisis layer first, then one trusted person, a peer
    community, professional care (before peers when depression or anxiety is severe), then
    avoiding reliance on a single layer or person, then a guided program, then a second
    group or program where one holds a layer alone."""
    middle = (
        [_professional_steps, _peer_steps] if scores.severe else [_peer_steps, _professional_steps]
    )
    order = [
        _crisis_steps,
        _relational_steps,
        *middle,
        _dependence_steps,
        _digital_steps,
        _single_point_steps,
    ]
    steps: list[Step] = []
    for rule in order:
        steps.extend(rule(analysis))
    return tuple(steps[:MAX_STEPS])
