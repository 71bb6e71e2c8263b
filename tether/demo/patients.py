"""Demo patients: 40 with 3–12 months of PHQ-9/GAD-7 history (improving, partly responding
or not improving), a few risk alerts (open today, handled and resolved in the past, one
"I'm not safe" acknowledged) and, for some, a support network (demo.network)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tether.accounts.models import Practice, Role, User
from tether.accounts.services import register_patient
from tether.assessments.instruments import GAD7, PHQ9, Instrument
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert
from tether.crisis.services import acknowledge_alert, raise_risk_alert, resolve_alert
from tether.demo.network import NETWORKS, build_network

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


def load(*, practice: Practice, staff: dict[str, User], password: str, now: datetime) -> None:
    """Register the demo patients with their care teams, score histories and alerts."""
    rng = random.Random(20261125)  # noqa: S311  (a fixed seed: the same demo every time)
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
        kind = "improving" if n == 0 or n % 2 else ("not_improving" if n % 4 == 0 else "partial")
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
            phq = round(course.phq_start + (course.phq_end - course.phq_start) * progress) + noise
            gad = round(course.gad_start + (course.gad_end - course.gad_start) * progress) + noise
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
            build_network(patient, user, team[0], NETWORKS[n], now)
