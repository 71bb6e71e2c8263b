"""Load realistic, synthetic demo data: one practice, its staff and about 40 patients with
3–12 months of PHQ-9/GAD-7 history and support networks from full to thin. Running it again
changes nothing."""

import random
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient, Practice, Role, User
from tether.accounts.services import register_patient
from tether.assessments.instruments import GAD7, MSPSS, PHQ9, Instrument
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert
from tether.crisis.services import acknowledge_alert, raise_risk_alert, resolve_alert
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    set_consent,
    set_help_wanted,
)

DEMO_SLUG = "demo"
DEMO_MODULES = (
    "tether.engagement.demo",
    "tether.crisis.demo",
    "tether.notifications.demo",
    "tether.peers.demo",
    "tether.care.demo",
)
DEMO_PASSWORD = "demo"  # noqa: S105  (synthetic demo accounts only)

STAFF = [
    ("demo-admin", Role.ADMIN, "Morgan", "Hale"),
    ("demo-coordinator", Role.COORDINATOR, "Priya", "Nair"),
    ("demo-coordinator-2", Role.COORDINATOR, "Luis", "Ortega"),
    ("demo-clinician", Role.CLINICIAN, "Dr. Hannah", "Weiss"),
    ("demo-clinician-2", Role.CLINICIAN, "Dr. Kwame", "Mensah"),
    ("demo-clinician-3", Role.CLINICIAN, "Dr. Aiko", "Tanaka"),
    ("demo-peer", Role.PEER_SUPPORTER, "Jordan", "Reyes"),
]

FIRST = [
    "Alex",
    "Sam",
    "Jamie",
    "Taylor",
    "Riley",
    "Casey",
    "Morgan",
    "Avery",
    "Quinn",
    "Drew",
    "Maya",
    "Noah",
    "Leila",
    "Omar",
    "Grace",
    "Mateo",
    "Chloe",
    "Ethan",
    "Zara",
    "Ivan",
]
LAST = [
    "Bennett",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nguyen",
    "Olsen",
    "Patel",
    "Quist",
    "Rossi",
    "Singh",
    "Thompson",
    "Umar",
]


@dataclass(frozen=True)
class Course:
    """How a demo patient's scores move: start, end and noise."""

    phq_start: int
    phq_end: int
    gad_start: int
    gad_end: int


def _answers(
    instrument: Instrument, total: int, rng: random.Random, *, item9: int = 0
) -> list[int]:
    """Return answers summing to `total` (item 9 fixed for the PHQ-9)."""
    n = len(instrument.items)
    fixed = {8: item9} if instrument is PHQ9 else {}
    answers = [fixed.get(i, 0) for i in range(n)]
    remaining = max(0, min(total - sum(answers), 3 * (n - len(fixed))))
    free = [i for i in range(n) if i not in fixed]
    while remaining:
        i = rng.choice(free)
        if answers[i] < 3:
            answers[i] += 1
            remaining -= 1
    return answers


def _course(kind: str, rng: random.Random) -> Course:
    phq, gad = rng.randint(11, 22), rng.randint(9, 18)
    if kind == "improving":
        return Course(phq, rng.randint(2, 8), gad, rng.randint(2, 7))
    if kind == "not_improving":
        return Course(phq, max(10, phq - rng.randint(0, 4)), gad, max(8, gad - rng.randint(0, 3)))
    return Course(phq, rng.randint(9, 14), gad, rng.randint(7, 12))  # partial response


# --- Support networks --------------------------------------------------------------------


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


def _add_trusted(patient: Patient, user: User, person: Trusted, now, *, plan: bool) -> None:
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


def _build_network(patient: Patient, user: User, clinician: User, network: Network, now) -> None:
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


class Command(BaseCommand):
    help = "Load synthetic demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if Practice.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("Demo data is already loaded; nothing to do.")
        else:
            self._load()
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo logins (password: demo) at http://127.0.0.1:8000/login/\n"
                "  demo-patient      a patient: check-ins, scores, a full support network, "
                "Get help now\n"
                "  demo-coordinator  a care coordinator: caseload and alerts\n"
                "  demo-clinician    a clinician on call for alerts\n"
                "  demo-admin        the practice admin: every patient of the practice\n"
            )
        )

    @transaction.atomic
    def _load(self) -> None:
        rng = random.Random(20261125)  # fixed seed: the same demo every time
        now = timezone.now()
        practice = Practice.objects.create(
            name="Riverside Psychiatry (demo)",
            slug=DEMO_SLUG,
            country="US",
            time_zone="America/New_York",
            # Texted when nobody on the rota acknowledges an alert (a fictional number).
            after_hours_name="Riverside answering service",
            after_hours_phone="+12025550143",
        )
        password = make_password(DEMO_PASSWORD)
        staff = {
            username: User.objects.create(
                username=username,
                password=password,
                role=role,
                first_name=first,
                last_name=last,
                practice=practice,
                email=f"{username}@example.org",
            )
            for username, role, first, last in STAFF
        }
        coordinators = [staff["demo-coordinator"], staff["demo-coordinator-2"]]
        clinicians = [staff["demo-clinician"], staff["demo-clinician-2"], staff["demo-clinician-3"]]

        for n in range(40):
            username = "demo-patient" if n == 0 else f"demo-patient-{n + 1:02d}"
            first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
            user = User.objects.create(
                username=username,
                password=password,
                role=Role.PATIENT,
                first_name=first,
                last_name=last,
                practice=practice,
                email=f"{username}@example.org",
            )
            team = [clinicians[n % 3]] if n % 4 else [clinicians[n % 3], clinicians[(n + 1) % 3]]
            patient = register_patient(
                practice=practice,
                user=user,
                first_name=first,
                last_name=last,
                coordinator=coordinators[0] if n < 25 else coordinators[1],
                clinicians=team,
            )
            kind = (
                "improving" if n == 0 or n % 2 else ("not_improving" if n % 4 == 0 else "partial")
            )
            course = _course(kind, rng)
            months = rng.randint(3, 12)
            start = now - timedelta(days=30 * months)
            moments = []
            moment = start
            while moment < now - timedelta(days=3):
                moments.append(moment)
                moment += timedelta(days=rng.randint(14, 28), hours=rng.randint(-4, 4))
            open_risk = n in (6, 13, 22)  # a few patients with an open alert today
            past_risk = n in (4, 9)  # an alert in the past, handled and resolved
            for i, at in enumerate(moments):
                progress = i / max(len(moments) - 1, 1)
                noise = rng.randint(-2, 2)
                phq = (
                    round(course.phq_start + (course.phq_end - course.phq_start) * progress) + noise
                )
                gad = (
                    round(course.gad_start + (course.gad_end - course.gad_start) * progress) + noise
                )
                last_one = i == len(moments) - 1
                item9 = 1 if (open_risk and last_one) or (past_risk and i == 1) else 0
                phq = max(item9, min(27, phq))
                result = submit_assessment(
                    patient=patient,
                    instrument="phq9",
                    answers=_answers(PHQ9, phq, rng, item9=item9),
                    difficulty=rng.randint(0, 3),
                    entered_by=user,
                    completed_at=at,
                    # Months-old history: the first conversation happened long ago.
                    send_intake_summary=False,
                )
                submit_assessment(
                    patient=patient,
                    instrument="gad7",
                    answers=_answers(GAD7, max(0, min(21, gad)), rng),
                    entered_by=user,
                    completed_at=at + timedelta(minutes=4),
                    send_intake_summary=False,
                )
                if result.alert and past_risk:
                    clinician = team[0]
                    acknowledge_alert(alert=result.alert, by=clinician)
                    resolve_alert(
                        alert=result.alert,
                        by=clinician,
                        note="Called the same day. Passive thoughts, no plan or intent. "
                        "Safety plan reviewed; follow-up call booked for Friday.",
                    )
            if n == 17:
                alert = raise_risk_alert(
                    patient=patient,
                    reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
                    raised_by=user,
                    detail="The patient pressed “I'm not safe right now”.",
                    at=now - timedelta(hours=2),
                )
                acknowledge_alert(alert=alert, by=coordinators[0])
            if n in NETWORKS:
                _build_network(patient, user, team[0], NETWORKS[n], now)
        # Each later app adds its own demo data in its own `demo.py` (`load(practice=, now=)`).
        for module in DEMO_MODULES:
            try:
                load = import_module(module).load
            except ModuleNotFoundError:
                continue
            load(practice=practice, now=now)
        self.stdout.write(self.style.SUCCESS("Loaded the demo practice, 7 staff and 40 patients."))
