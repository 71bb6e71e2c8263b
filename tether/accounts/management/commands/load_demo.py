"""Load realistic, synthetic demo data: one practice, its staff and about 40 patients with
3–12 months of PHQ-9/GAD-7 history. Running it again changes nothing."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Practice, Role, User
from tether.accounts.services import register_patient
from tether.assessments.instruments import GAD7, PHQ9, Instrument
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert
from tether.crisis.services import acknowledge_alert, raise_risk_alert, resolve_alert

DEMO_SLUG = "demo"
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
                "  demo-patient      a patient: check-ins, scores, Get help now\n"
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
                )
                submit_assessment(
                    patient=patient,
                    instrument="gad7",
                    answers=_answers(GAD7, max(0, min(21, gad)), rng),
                    entered_by=user,
                    completed_at=at + timedelta(minutes=4),
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
        self.stdout.write(self.style.SUCCESS("Loaded the demo practice, 7 staff and 40 patients."))
