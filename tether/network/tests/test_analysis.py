"""The network analysis and the personal plan, case by case, on hand-built supports (no DB)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tether.network import analysis
from tether.network.analysis import (
    Scores,
    Support,
    analyse,
    find_lapses,
    find_loads,
    personal_plan,
    support_gaps,
)
from tether.network.layers import LAYER_ORDER, Layer

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def person(
    name: str,
    *,
    relationship: str = "friend",
    check_ins: int = 0,
    last_seen: float | None = None,
    since: float = 90,
    expects: bool = False,
    active: bool = True,
    key: str | None = None,
) -> Support:
    return Support(
        key=key or f"contact:{name}",
        name=name,
        layer=Layer.RELATIONAL,
        active=active,
        kind="trusted_person",
        relationship=relationship,
        check_ins=check_ins,
        last_seen_at=None if last_seen is None else days_ago(last_seen),
        since=days_ago(since),
        expects_check_ins=expects,
    )


def crisis_line(name: str = "988 Suicide & Crisis Lifeline") -> Support:
    return Support(key=f"contact:{name}", name=name, layer=Layer.CRISIS, active=True,
                   kind="crisis_resource")  # fmt: skip


SAFETY_PLAN = Support(
    key="safety-plan", name="My safety plan", layer=Layer.CRISIS, active=True, kind="safety_plan"
)


def group(name: str = "Tuesday group", *, last_seen: float | None = None, active=True) -> Support:
    return Support(
        key=f"contact:{name}",
        name=name,
        layer=Layer.PEER,
        active=active,
        kind="peer_group",
        last_seen_at=None if last_seen is None else days_ago(last_seen),
    )


def clinician(name: str = "Dr. Weiss (clinician)") -> Support:
    return Support(key=f"staff:{name}", name=name, layer=Layer.PROFESSIONAL, active=True,
                   kind="care_team")  # fmt: skip


def program(name: str = "MoodSteps") -> Support:
    return Support(key=f"contact:{name}", name=name, layer=Layer.DIGITAL, active=True,
                   kind="program")  # fmt: skip


def run(supports, *, plan: bool | None = None):
    """Analyse `supports`; the safety plan counts when its support is on the map."""
    has_plan = any(s.kind == "safety_plan" for s in supports) if plan is None else plan
    return analyse(supports, has_safety_plan=has_plan, now=NOW)


def titles(steps) -> list[str]:
    return [step.title for step in steps]


CRISIS_DONE = [SAFETY_PLAN, crisis_line()]
SAFETY_PLAN_STEP = "Write your safety plan"
CRISIS_LINE_STEP = "Save a crisis line you would call"
INVITE_STEP = "Invite one person you trust to check in on you"
PEER_STEP = "Find a peer group of people who've been through something similar"
PROFESSIONAL_STEP = "Connect with professional care"
SECOND_PERSON_STEP = "Add a second person you trust"
OTHER_LAYER_STEP = "Add support from another part of your life"
DIGITAL_STEP = "Try a guided program with check-ins from a real person"


@pytest.fixture
def every_step(monkeypatch):
    """Let the plan return every step it finds, to check their order past the first three."""
    monkeypatch.setattr(analysis, "MAX_STEPS", 20)


# Coverage, case by case.


def test_it_finds_nothing_in_an_empty_network():
    result = run([])

    assert result.covered == ()
    assert result.gaps == LAYER_ORDER
    assert result.single_points == ()
    assert result.lapses == () and result.loads == ()
    assert not result.single_layer_dependence
    assert result.summary() == "0/5 layers"


def test_an_empty_network_starts_with_the_crisis_layer_then_one_person():
    plan = personal_plan(run([]), Scores())

    assert titles(plan) == [SAFETY_PLAN_STEP, CRISIS_LINE_STEP, INVITE_STEP]
    assert [step.layer for step in plan] == [Layer.CRISIS, Layer.CRISIS, Layer.RELATIONAL]
    assert [step.action for step in plan] == [
        "safety_plan_edit",
        "support_add_crisis_resource",
        "support_add_trusted_person",
    ]


def test_an_empty_network_lists_every_rule_in_order(every_step):
    plan = personal_plan(run([]), Scores())

    assert titles(plan) == [
        SAFETY_PLAN_STEP,
        CRISIS_LINE_STEP,
        INVITE_STEP,
        PEER_STEP,
        PROFESSIONAL_STEP,
        DIGITAL_STEP,
    ]


def test_everything_in_one_person_is_one_layer_and_a_single_point():
    result = run([person("Maria", relationship="family")])

    assert result.covered == (Layer.RELATIONAL,)
    assert result.single_points == (Layer.RELATIONAL,)
    assert result.single_layer_dependence
    assert result.summary() == "1/5 layers, 1 single point"
    assert titles(personal_plan(result, Scores())) == [
        SAFETY_PLAN_STEP,
        CRISIS_LINE_STEP,
        PEER_STEP,
    ]


def test_everything_in_one_person_asks_for_a_second_person_and_another_layer(every_step):
    result = run([*CRISIS_DONE, person("Maria", relationship="family")])

    plan = personal_plan(result, Scores())

    assert titles(plan) == [
        PEER_STEP,
        PROFESSIONAL_STEP,
        SECOND_PERSON_STEP,
        OTHER_LAYER_STEP,
        DIGITAL_STEP,
    ]
    assert "Maria is the only one" in plan[2].why
    assert plan[3].layer == Layer.RELATIONAL  # the layer everything rests on


def test_every_layer_but_crisis_puts_the_crisis_layer_first():
    result = run([person("Maria"), group(), clinician(), program()], plan=False)

    assert result.covered == (Layer.RELATIONAL, Layer.PEER, Layer.PROFESSIONAL, Layer.DIGITAL)
    assert result.gaps == (Layer.CRISIS,)
    assert not result.single_layer_dependence
    assert result.summary() == "4/5 layers, 4 single points"
    assert titles(personal_plan(result, Scores())) == [
        SAFETY_PLAN_STEP,
        CRISIS_LINE_STEP,
        SECOND_PERSON_STEP,
    ]


def test_a_safety_plan_alone_still_asks_for_a_crisis_line():
    result = run([SAFETY_PLAN])

    assert result.has_safety_plan
    assert result.covered == (Layer.CRISIS,)
    assert not result.single_layer_dependence  # the crisis layer is not "everything else"
    assert titles(personal_plan(result, Scores()))[:2] == [CRISIS_LINE_STEP, INVITE_STEP]


def test_a_crisis_line_without_a_plan_asks_for_the_plan_first():
    plan = personal_plan(run([crisis_line()], plan=False), Scores())

    assert titles(plan)[:2] == [SAFETY_PLAN_STEP, INVITE_STEP]


def test_a_full_and_redundant_network_needs_no_step():
    supports = [
        *CRISIS_DONE,
        person("Maria", relationship="family"),
        person("Tom"),
        group("Tuesday group"),
        group("Walking group"),
        clinician("Priya Nair (care coordinator)"),
        clinician(),
        program("MoodSteps"),
        program("Sleepio"),
    ]
    result = run(supports)

    assert result.covered == LAYER_ORDER
    assert result.gaps == ()
    assert result.summary() == "5/5 layers"
    assert personal_plan(result, Scores()) == ()


# Redundancy and single points, layer by layer.


@pytest.mark.parametrize(
    ("supports", "layer"),
    [
        ([crisis_line()], Layer.CRISIS),
        ([person("Maria")], Layer.RELATIONAL),
        ([group()], Layer.PEER),
        ([clinician()], Layer.PROFESSIONAL),
        ([program()], Layer.DIGITAL),
    ],
)
def test_one_support_in_a_layer_is_a_single_point(supports, layer):
    status = run(supports, plan=False).layers[layer]

    assert status.covered
    assert status.redundancy == 1
    assert status.single_point


@pytest.mark.parametrize(
    ("supports", "layer"),
    [
        ([SAFETY_PLAN, crisis_line()], Layer.CRISIS),
        ([person("Maria"), person("Tom")], Layer.RELATIONAL),
        ([group("A"), group("B")], Layer.PEER),
        ([clinician("A"), clinician("B")], Layer.PROFESSIONAL),
        ([program("A"), program("B")], Layer.DIGITAL),
    ],
)
def test_two_supports_in_a_layer_are_not_a_single_point(supports, layer):
    status = run(supports).layers[layer]

    assert status.redundancy == 2
    assert not status.single_point


def test_an_empty_layer_is_a_gap_not_a_single_point():
    status = run([]).layers[Layer.PEER]

    assert not status.covered
    assert status.redundancy == 0
    assert not status.single_point


def test_lapsed_and_declined_supports_do_not_hold_a_layer():
    declined = person("Sam", active=False)
    result = run([person("Maria"), declined, group(active=False)])

    assert result.layers[Layer.RELATIONAL].redundancy == 1
    assert result.layers[Layer.RELATIONAL].inactive == (declined,)
    assert result.layers[Layer.RELATIONAL].single_point
    assert not result.layers[Layer.PEER].covered
    assert result.gaps == (Layer.CRISIS, Layer.PEER, Layer.PROFESSIONAL, Layer.DIGITAL)


def test_the_same_support_twice_counts_once():
    maria = person("Maria")

    result = run([maria, maria, clinician(), clinician()])

    assert result.layers[Layer.RELATIONAL].redundancy == 1
    assert result.layers[Layer.PROFESSIONAL].redundancy == 1
    assert result.summary() == "2/5 layers, 2 single points"


def test_a_duplicate_keeps_the_active_row():
    lapsed = person("Maria", active=False, key="contact:maria")
    active = person("Maria", key="contact:maria")

    result = run([lapsed, active])

    assert result.layers[Layer.RELATIONAL].active == (active,)
    assert result.layers[Layer.RELATIONAL].inactive == ()


def test_two_people_with_the_same_name_are_two_supports():
    result = run([person("Sam", key="contact:1"), person("Sam", key="contact:2")])

    assert result.layers[Layer.RELATIONAL].redundancy == 2


# The summary the caseload shows.


@pytest.mark.parametrize(
    ("supports", "expected"),
    [
        ([SAFETY_PLAN, crisis_line(), person("Maria"), person("Tom"), group()],
         "3/5 layers, 1 single point"),
        ([SAFETY_PLAN, crisis_line(), person("Maria"), group()], "3/5 layers, 2 single points"),
        ([SAFETY_PLAN, crisis_line(), person("Maria"), person("Tom"), group("A"), group("B")],
         "3/5 layers"),
        ([clinician("A"), clinician("B")], "1/5 layers"),
    ],
)  # fmt: skip
def test_the_summary_counts_layers_and_single_points(supports, expected):
    assert run(supports).summary() == expected


# Lapses.


def test_a_trusted_person_who_stopped_checking_in_has_lapsed():
    maria = person("Maria", expects=True, last_seen=36)

    (lapse,) = find_lapses([maria], now=NOW)

    assert lapse.support == maria
    assert lapse.reason == "Maria hasn't checked in for 5 weeks."


def test_a_trusted_person_exactly_four_weeks_since_their_check_in_has_not_lapsed():
    at_the_boundary = person("Maria", expects=True, last_seen=28)
    just_past = person("Tom", expects=True, last_seen=28 + 1 / 24)

    lapses = find_lapses([at_the_boundary, just_past], now=NOW)

    assert [lapse.support.name for lapse in lapses] == ["Tom"]


def test_a_trusted_person_who_never_checked_in_lapses_from_when_they_joined():
    assert find_lapses([person("Maria", expects=True, since=40)], now=NOW)
    assert not find_lapses([person("Maria", expects=True, since=10)], now=NOW)


@pytest.mark.parametrize(
    "support",
    [
        person("Maria", expects=False, last_seen=60),  # never asked to check in
        person("Maria", expects=True, last_seen=60, active=False),  # already off the map
        person("Maria", expects=True, last_seen=3),
    ],
)
def test_no_lapse_without_an_expected_check_in_gone_quiet(support):
    assert find_lapses([support], now=NOW) == ()


def test_a_peer_group_not_visited_in_three_weeks_has_lapsed():
    lapses = find_lapses(
        [group("A", last_seen=22), group("B", last_seen=21), group("C", last_seen=20), group("D")],
        now=NOW,
    )

    assert [(lapse.support.name, lapse.reason) for lapse in lapses] == [
        ("A", "No visit to A for 3 weeks.")
    ]


def test_a_lapsed_only_trusted_person_asks_to_reconnect():
    result = run([*CRISIS_DONE, person("Maria", expects=True, last_seen=40)])

    plan = personal_plan(result, Scores())

    assert plan[0].title == "Reconnect with Maria, or invite someone else"
    assert plan[0].layer == Layer.RELATIONAL
    assert "Maria hasn't checked in for 5 weeks" in plan[0].why


def test_one_lapsed_person_among_two_does_not_ask_to_reconnect():
    result = run(
        [*CRISIS_DONE, person("Maria", expects=True, last_seen=40), person("Tom"), group()]
    )

    assert "Reconnect" not in " ".join(titles(personal_plan(result, Scores())))


# Load.


def test_one_person_doing_most_of_the_check_ins_is_a_load():
    maria, tom = person("Maria", check_ins=5), person("Tom", check_ins=1)

    (load,) = find_loads([maria, tom])

    assert (load.support, load.check_ins, load.total) == (maria, 5, 6)
    assert load.share == pytest.approx(5 / 6)


def test_sixty_percent_of_the_check_ins_is_a_load():
    assert len(find_loads([person("Maria", check_ins=3), person("Tom", check_ins=2)])) == 1


def test_one_person_doing_every_one_of_four_check_ins_is_a_load():
    assert len(find_loads([person("Maria", check_ins=4)])) == 1


@pytest.mark.parametrize(
    "supports",
    [
        [person("Maria", check_ins=3)],  # under four check-ins: too few to call
        [person("Maria", check_ins=3), person("Tom", check_ins=0)],
        [person("Maria", check_ins=2), person("Tom", check_ins=2)],  # shared evenly
        [person("Maria", check_ins=3), person("Tom", check_ins=3)],
        [person("Maria", check_ins=5, active=False), person("Tom", check_ins=1)],
    ],
)
def test_no_load_when_check_ins_are_few_or_shared(supports):
    assert find_loads(supports) == ()


def test_a_load_asks_to_share_the_check_ins_instead_of_a_second_person(every_step):
    result = run([*CRISIS_DONE, person("Maria", check_ins=6), group(), clinician()])

    plan = personal_plan(result, Scores())

    assert titles(plan) == [
        "Share the check-ins that Maria carries",
        DIGITAL_STEP,
        "Find a second group or meeting",
    ]
    assert plan[0].why == (
        "Maria has done 6 of the last 6 check-ins; a second person keeps you both going."
    )


# Severity changes the order of peer groups and professional care.


@pytest.mark.parametrize(
    ("phq9", "gad7", "severe"),
    [
        ("moderately severe", None, True),
        ("severe", None, True),
        (None, "severe", True),
        ("mild", "severe", True),
        ("moderate", "moderate", False),
        ("minimal", "mild", False),
        (None, None, False),
    ],
)
def test_severe_scores_put_professional_care_before_peer_groups(phq9, gad7, severe):
    result = run([*CRISIS_DONE, person("Maria"), person("Tom"), program()])
    scores = Scores(phq9_band=phq9, gad7_band=gad7)

    plan = personal_plan(result, scores)

    assert scores.severe is severe
    expected = [PROFESSIONAL_STEP, PEER_STEP] if severe else [PEER_STEP, PROFESSIONAL_STEP]
    # The single program is a single point, named last.
    assert titles(plan) == [*expected, "Add a second program or app"]


def test_severe_scores_never_move_anything_before_the_crisis_layer():
    plan = personal_plan(run([]), Scores(phq9_band="severe", gad7_band="severe"))

    assert titles(plan) == [SAFETY_PLAN_STEP, CRISIS_LINE_STEP, INVITE_STEP]


def test_severe_scores_keep_professional_care_after_one_person(every_step):
    plan = personal_plan(run([SAFETY_PLAN, crisis_line()]), Scores(phq9_band="severe"))

    assert titles(plan)[:3] == [INVITE_STEP, PROFESSIONAL_STEP, PEER_STEP]


# The plan's shape.


def test_single_layer_dependence_comes_after_professional_and_before_digital(every_step):
    plan = personal_plan(run([clinician("A"), clinician("B")]), Scores())

    assert titles(plan) == [
        SAFETY_PLAN_STEP,
        CRISIS_LINE_STEP,
        INVITE_STEP,
        PEER_STEP,
        OTHER_LAYER_STEP,
        DIGITAL_STEP,
    ]
    assert plan[4].layer == Layer.PROFESSIONAL


NETWORKS = {
    "empty": [],
    "one person": [person("Maria")],
    "every layer but crisis": [person("Maria"), group(), clinician(), program()],
    "lapsed": [*CRISIS_DONE, person("Maria", expects=True, last_seen=40)],
    "load": [*CRISIS_DONE, person("Maria", check_ins=6)],
    "one person and crisis": [*CRISIS_DONE, person("Maria")],
    "care team only": [clinician("A"), clinician("B")],
    "peer only": [group()],
}


@pytest.mark.parametrize("supports", NETWORKS.values(), ids=NETWORKS.keys())
@pytest.mark.parametrize("scores", [Scores(), Scores(phq9_band="severe")], ids=["mild", "severe"])
def test_the_plan_has_at_most_three_steps(supports, scores):
    assert 1 <= len(personal_plan(run(supports), scores)) <= 3


@pytest.mark.parametrize("supports", NETWORKS.values(), ids=NETWORKS.keys())
@pytest.mark.parametrize("scores", [Scores(), Scores(phq9_band="severe")], ids=["mild", "severe"])
def test_every_step_says_why_in_one_plain_sentence(supports, scores, every_step):
    for step in personal_plan(run(supports), scores):
        assert step.title and step.action
        assert step.why.endswith("."), step.why
        sentences = re.findall(r"[.!?](?:\s|$)", step.why)
        assert len(sentences) == 1, f"{step.title}: {step.why!r} is not one sentence"


def test_the_plan_follows_the_practice_order_whatever_the_gaps(every_step):
    """Crisis, relational, peer, professional, dependence, digital: never out of order."""
    rank = {
        SAFETY_PLAN_STEP: 0,
        CRISIS_LINE_STEP: 1,
        INVITE_STEP: 2,
        PEER_STEP: 3,
        PROFESSIONAL_STEP: 4,
        SECOND_PERSON_STEP: 5,
        OTHER_LAYER_STEP: 6,
        DIGITAL_STEP: 7,
    }
    for supports in NETWORKS.values():
        plan = [t for t in titles(personal_plan(run(supports), Scores())) if t in rank]
        assert plan == sorted(plan, key=rank.__getitem__), plan


# Perceived support (MSPSS) against the map.


def test_low_family_support_with_no_family_on_the_map_is_a_gap():
    result = run([person("Tom", relationship="friend")])

    gaps = support_gaps(result, Scores(mspss={"family": 2.5, "friends": 2.0}))

    assert gaps == (
        "Support from your family feels low right now, and no one from your family is on "
        "your map yet.",
    )


def test_low_support_with_a_matching_trusted_person_is_not_a_gap():
    result = run([person("Maria", relationship="family")])

    assert support_gaps(result, Scores(mspss={"family": 1.0})) == ()


def test_a_declined_family_member_does_not_fill_the_gap():
    result = run([person("Maria", relationship="family", active=False)])

    assert len(support_gaps(result, Scores(mspss={"family": 1.0}))) == 1


@pytest.mark.parametrize("mean", [3.0, 4.5, 7.0])
def test_a_subscale_of_three_or_more_is_never_a_gap(mean):
    result = run([])
    scores = Scores(mspss={"family": mean, "friends": mean, "significant_other": mean})

    assert support_gaps(result, scores) == ()


def test_no_mspss_means_no_perceived_support_gaps():
    assert support_gaps(run([]), Scores(phq9_band="severe")) == ()


def test_every_low_subscale_reads_as_a_plain_sentence():
    result = run([person("Ann", relationship="other")])  # "someone else" fills no subscale

    gaps = support_gaps(
        result, Scores(mspss={"family": 1.25, "friends": 2.75, "significant_other": 2.99})
    )

    assert gaps == (
        "Support from your family feels low right now, and no one from your family is on "
        "your map yet.",
        "Support from friends feels low right now, and no friend is on your map yet.",
        "Support from someone special feels low right now, and no partner or someone special "
        "is on your map yet.",
    )


@pytest.mark.parametrize(
    ("relationship", "filled"),
    [("family", "your family"), ("friend", "friends"), ("partner", "someone special")],
)
def test_each_subscale_is_filled_by_its_own_relationship(relationship, filled):
    result = run([person("X", relationship=relationship)])
    scores = Scores(mspss={"family": 1.0, "friends": 1.0, "significant_other": 1.0})

    gaps = support_gaps(result, scores)

    assert len(gaps) == 2
    assert not any(gap.startswith(f"Support from {filled} ") for gap in gaps)


def test_a_full_network_with_one_group_and_one_program_asks_for_a_second_of_each():
    supports = [*CRISIS_DONE, person("Maria"), person("Tom"), group(), program(), clinician()]

    plan = personal_plan(run(supports), Scores())

    assert titles(plan) == ["Find a second group or meeting", "Add a second program or app"]
    assert all(step.why.count(".") == 1 for step in plan)


def test_two_groups_are_not_a_single_point():
    supports = [*CRISIS_DONE, person("Maria"), person("Tom"), clinician(), program()]
    supports += [group("Parents group"), group("Veterans group")]

    plan = personal_plan(run(supports), Scores())

    assert titles(plan) == ["Add a second program or app"]
