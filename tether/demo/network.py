"""Demo support networks, from full and redundant to thin: trusted people and their
check-ins, crisis lines, peer groups, outside professionals, programs, safety plans, perceived
support (MSPSS) and what the patient wants help with. All through the network's own services;
patient number -> network in NETWORKS (demo.patients builds them)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tether.accounts.models import Patient, User
from tether.assessments.instruments import MSPSS
from tether.assessments.services import submit_assessment
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    set_consent,
    set_help_wanted,
)


@dataclass(frozen=True)
class Trusted:
    """A trusted person: check-ins are days ago; `declined` said no to the invitation."""

    name: str
    relationship: str
    check_ins: tuple[int, ...] = ()
    declined: bool = False
    every_days: int = 7


@dataclass(frozen=True)
class Network:
    safety_plan: bool = False
    with_clinician: bool = False  # the plan was written together in a session
    crisis_lines: tuple[str, ...] = ()
    people: tuple[Trusted, ...] = ()
    groups: tuple[str, ...] = ()
    lapsed_groups: tuple[str, ...] = ()
    professionals: tuple[str, ...] = ()  # outside the practice; the care team joins by itself
    programs: tuple[str, ...] = ()
    mspss: tuple[int, int, int] | None = None  # (someone special, family, friends), 1–7
    help_wanted: str = ""


LIFELINE = "988 Suicide & Crisis Lifeline (call or text 988)"
TEXT_LINE = "Crisis Text Line (text HOME to 741741)"
MOOD_GROUP = "Tuesday evening mood support group"
PROGRAM = "MoodSteps guided CBT (weekly coach check-ins)"

# Patient number -> their network. Everyone else has the care team only: a thin network.
NETWORKS: dict[int, Network] = {
    # demo-patient: every layer held, the check-ins shared between two people.
    0: Network(
        safety_plan=True,
        with_clinician=True,
        crisis_lines=(LIFELINE,),
        people=(
            Trusted("Maria Bennett", "family", check_ins=(3, 17, 31, 45)),
            Trusted("Tom Okoye", "friend", check_ins=(10, 24, 38), every_days=14),
        ),
        groups=(MOOD_GROUP,),
        programs=(PROGRAM,),
        mspss=(5, 6, 5),
        help_wanted="Sleeping properly again, and going back to work without dreading Mondays.",
    ),
    # Full and redundant: no single point anywhere.
    1: Network(
        safety_plan=True,
        crisis_lines=(LIFELINE, TEXT_LINE),
        people=(
            Trusted("Jo Chen", "partner", check_ins=(2, 9, 16, 23)),
            Trusted("Priya Shah", "friend", check_ins=(6, 20, 34), every_days=14),
        ),
        groups=(MOOD_GROUP, "Saturday walking group"),
        programs=(PROGRAM, "Sleep Well (app with a sleep coach)"),
        mspss=(7, 5, 6),
    ),
    # One trusted person carries every check-in.
    2: Network(
        safety_plan=True,
        people=(Trusted("Linda Diaz", "family", check_ins=(1, 8, 15, 22, 29, 36)),),
        help_wanted="My mum is the only one I talk to and I worry I'm too much for her.",
    ),
    # The only trusted person stopped checking in six weeks ago.
    3: Network(
        safety_plan=True,
        crisis_lines=(LIFELINE,),
        people=(Trusted("Chris Evans", "friend", check_ins=(59, 52, 45)),),
    ),
    4: Network(safety_plan=True, with_clinician=True, crisis_lines=(LIFELINE,)),
    # Asked their brother, who declined.
    5: Network(
        people=(Trusted("Ben Garcia", "family", declined=True),),
        help_wanted="Feeling less alone. Things with my family are hard.",
    ),
    6: Network(safety_plan=True, with_clinician=True),
    # One person doing all check-ins, plus a peer group.
    7: Network(
        people=(Trusted("Dana Ibrahim", "partner", check_ins=(4, 11, 18, 25, 32)),),
        groups=(MOOD_GROUP,),
    ),
    # Low family support and no family member on the map.
    8: Network(
        safety_plan=True,
        crisis_lines=(TEXT_LINE,),
        people=(Trusted("Sasha Jensen", "friend", check_ins=(5, 19, 33)),),
        groups=("Young adults peer circle",),
        mspss=(5, 2, 5),
        help_wanted="Getting through the holidays with my family.",
    ),
    9: Network(
        safety_plan=True,
        with_clinician=True,
        crisis_lines=(LIFELINE,),
        people=(
            Trusted("Rosa Lopez", "family", check_ins=(3, 10, 24)),
            Trusted("Ivy Moreau", "friend", check_ins=(6, 20)),
        ),
    ),
    # Every layer but the crisis layer.
    10: Network(
        people=(Trusted("Kim Nguyen", "friend", check_ins=(7, 21)),),
        groups=("Grief support circle",),
        professionals=("Dr. Sara Olsen, therapist (outside the practice)",),
        programs=(PROGRAM,),
        mspss=(6, 6, 6),
    ),
    11: Network(programs=("Sleep Well (app with a sleep coach)",)),
    12: Network(lapsed_groups=(MOOD_GROUP,), help_wanted="Help getting back to the group."),
    # Low support from friends and someone special; family is on the map.
    14: Network(
        crisis_lines=(LIFELINE,),
        people=(Trusted("Ana Rossi", "family", check_ins=(2, 16)),),
        mspss=(2, 5, 2),
    ),
    15: Network(people=(Trusted("Max Singh", "friend", check_ins=(2, 9, 16, 23)),)),
    25: Network(
        safety_plan=True,
        crisis_lines=(LIFELINE,),
        people=(
            Trusted("Noor Umar", "family", check_ins=(5, 12, 26)),
            Trusted("Eli Quist", "partner", check_ins=(1, 15)),
        ),
        groups=("Parents' peer group",),
        programs=(PROGRAM,),
    ),
    30: Network(
        safety_plan=True,
        people=(Trusted("Ruth Patel", "family", check_ins=(3, 10, 17, 24, 31)),),
        help_wanted="Staying well after the baby arrives.",
    ),
}

PLAN_STEPS = {
    "warning_signs": ["Not sleeping", "Cancelling plans", "Thinking “what's the point”"],
    "coping_on_my_own": ["A walk round the block", "A hot shower", "My calm playlist"],
    "distractions": ["The library", "Coffee with my neighbour"],
    "people_to_ask": ["My sister", "My friend from work"],
    "professionals": ["My care coordinator at Riverside", "My GP"],
    "safer_surroundings": ["Ask my sister to keep my medication"],
    "reasons_for_living": ["My dog", "Seeing my niece grow up"],
}


def _mspss_answers(significant_other: int, family: int, friends: int) -> list[int]:
    """Return 12 answers whose subscale means are the three values given."""
    by_item = {}
    for subscale, value in zip(MSPSS.subscales, (significant_other, family, friends), strict=True):
        by_item.update(dict.fromkeys(subscale.item_numbers, value))
    return [by_item[n] for n in range(1, 13)]


def _add_trusted(
    patient: Patient, user: User, person: Trusted, now: datetime, *, plan: bool
) -> None:
    # Not invite_trusted_person: it would email an invitation dated today to people whose
    # acceptance the demo backdates by weeks, and print it on the console during `make demo`.
    # Consent and the answer go through the same services the invitation link uses.
    contact = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name=person.name,
        relationship=person.relationship,
        email=f"{person.name.split()[0].lower()}@example.org",
        by=user,
    )
    # Added before their first check-in, so the map's dates tell a consistent story.
    first = max(person.check_ins, default=0) + 14
    SupportContact.objects.filter(pk=contact.pk).update(created_at=now - timedelta(days=first))
    scopes = [ConsentScope.NUDGE_CHECK_IN, *([ConsentScope.SEE_SAFETY_PLAN] if plan else [])]
    set_consent(contact=contact, scopes=scopes, by=user, check_in_every_days=person.every_days)
    respond_to_invitation(contact=contact, accept=not person.declined)
    for days in sorted(person.check_ins, reverse=True):  # oldest first: the last one stays
        record_trusted_check_in(contact=contact, at=now - timedelta(days=days))


def build_network(
    patient: Patient, user: User, clinician: User, network: Network, now: datetime
) -> None:
    """Give the patient the support network `network` describes, through the network's
    own services, dated relative to `now`."""
    if network.safety_plan:
        save_safety_plan(
            patient=patient,
            steps=PLAN_STEPS,
            written_by=user,
            with_clinician=clinician if network.with_clinician else None,
        )
    for person in network.people:
        _add_trusted(patient, user, person, now, plan=network.safety_plan)
    kinds = (
        (SupportContact.Kind.CRISIS_RESOURCE, network.crisis_lines, SupportContact.State.ACTIVE),
        (SupportContact.Kind.PEER_GROUP, network.groups, SupportContact.State.ACTIVE),
        (SupportContact.Kind.PEER_GROUP, network.lapsed_groups, SupportContact.State.LAPSED),
        (SupportContact.Kind.PROFESSIONAL, network.professionals, SupportContact.State.ACTIVE),
        (SupportContact.Kind.PROGRAM, network.programs, SupportContact.State.ACTIVE),
    )
    for kind, names, state in kinds:
        for name in names:
            add_support(patient=patient, kind=kind, name=name, state=state, by=user)
    if network.mspss:
        submit_assessment(
            patient=patient,
            instrument="mspss",
            answers=_mspss_answers(*network.mspss),
            entered_by=user,
            completed_at=now - timedelta(days=6),
            send_intake_summary=False,
        )
    if network.help_wanted:
        set_help_wanted(patient=patient, text=network.help_wanted)
