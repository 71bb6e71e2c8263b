"""Time the registry page against a bare Django view, and check its query count.

Run with `make bench`, or alone: `SECRET_KEY=x .venv/bin/python benchmarks/registry.py`.
In one process this script:

1. creates a fresh database: a temporary SQLite file by default, or, when DATABASE_URL names
   PostgreSQL, a throwaway `bench_<name>` database beside it (dropped at the end) — the same
   setup as benchmarks/caseload.py;
2. seeds one practice: coordinator "big" with 150 patients and coordinator "small" with 15,
   each with an open treatment episode started about two years ago and a PHQ-9 and a GAD-7
   every two weeks since (about 52 of each), following one of five realistic courses
   (early response and remission, slow response, partial response, no response, remission
   then relapse) with noise; a few patients have an open risk alert;
3. times GET /staff/registry/ (and /staff/registry.csv) as "big" and a bare view returning
   "ok" with Django's test Client (same middleware, same signed-in session): median and p95,
   and the ratio to the bare view;
4. counts the SQL queries of the registry page for 15 and for 150 patients and exits non-zero
   if the counts differ, which would mean a query per row.

Caveats: the test Client skips the network and WSGI server and keeps the database connection
open between requests; static files are served from sources.
"""

import argparse
import math
import os
import platform
import random
import statistics
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pagebench  # noqa: E402  (beside this script)
from pagebench import client_for, count_queries, p95, timed  # noqa: E402

BIG, SMALL = 150, 15
YEARS_DAYS = 728  # two years of treatment: 52 fortnights
EVERY_DAYS = 14


# --- Courses of treatment ------------------------------------------------------------------


def trajectory(rng: random.Random, baseline: int, fortnights: int, course: str) -> list[int]:
    """Totals at each fortnight (0 = baseline) for one course of treatment."""
    totals = []
    relapse_at = rng.randint(20, 40)
    for k in range(fortnights):
        weeks = 2 * k
        if course == "early":  # half-life about 4 weeks, settles in remission
            expected = 2 + (baseline - 2) * math.exp(-weeks / 6)
        elif course == "slow":  # responds over about 4 months
            expected = 4 + (baseline - 4) * math.exp(-weeks / 16)
        elif course == "partial":  # improves by about a third and stays there
            expected = baseline * (0.65 + 0.35 * math.exp(-weeks / 8))
        elif course == "none":
            expected = baseline - 1
        else:  # "relapse": remits, then comes back for a while, then improves again
            expected = 3 + (baseline - 3) * math.exp(-weeks / 6)
            if relapse_at <= k < relapse_at + 8:
                expected = baseline * 0.8
        totals.append(round(expected + rng.gauss(0, 1.5)))
    return totals


def answers_for(rng: random.Random, total: int, items: int) -> list[int]:
    """Item answers (0–3) adding up to `total`; question 9 of the PHQ-9 stays at 0."""
    scored = items - 1 if items == 9 else items
    total = max(0, min(3 * scored, total))
    answers = [0] * items
    for _ in range(total):
        open_items = [i for i in range(scored) if answers[i] < 3]
        answers[rng.choice(open_items)] += 1
    return answers


def band(total: int) -> str:
    for limit, name in ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe")):
        if total <= limit:
            return name
    return "severe"


def seed(rng: random.Random):
    """Seed the practice; return the two coordinators (big, small)."""
    from django.utils import timezone

    from tether.accounts.models import CareTeamMember, Patient, Practice, Role, User
    from tether.assessments.models import Assessment
    from tether.care.models import TreatmentEpisode
    from tether.crisis.models import RiskAlert
    from tether.engagement.models import Program

    practice = Practice.objects.create(name="Bench Psychiatry", slug="bench")
    big, small, clinician = (
        User.objects.create_user(name, practice=practice, role=role, first_name=name.title())
        for name, role in (
            ("big", Role.COORDINATOR),
            ("small", Role.COORDINATOR),
            ("clinician", Role.CLINICIAN),
        )
    )
    programs = [
        Program.objects.create(practice=practice, name=name)
        for name in ("Collaborative care", "Guided CBT for depression", "Anxiety steps")
    ]
    patients = Patient.objects.bulk_create(
        Patient(
            practice=practice,
            first_name=f"Pat{n:03d}",
            last_name=rng.choice(["Rivera", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad"]),
        )
        for n in range(BIG + SMALL)
    )
    members = []
    for n, patient in enumerate(patients):
        coordinator = big if n < BIG else small
        members.append(CareTeamMember(patient=patient, staff=coordinator, team_role="coordinator"))
        members.append(CareTeamMember(patient=patient, staff=clinician, team_role="clinician"))
    CareTeamMember.objects.bulk_create(members)

    now = timezone.now()
    today = timezone.localdate()
    episodes, assessments, alerts = [], [], []
    courses = ["early", "slow", "partial", "none", "relapse"]
    weights = [30, 25, 20, 15, 10]
    for patient in patients:
        started_days_ago = YEARS_DAYS + rng.randint(0, 14)
        started_on = today - timedelta(days=started_days_ago)
        episodes.append(
            TreatmentEpisode(
                patient=patient,
                started_on=started_on,
                program=rng.choice(programs),
                started_by=big,
            )
        )
        fortnights = YEARS_DAYS // EVERY_DAYS + 1
        course = rng.choices(courses, weights)[0]
        phq_base, gad_base = rng.randint(10, 24), rng.randint(6, 19)
        # The latest score lands 0–20 days ago: some reassessments due, a few overdue.
        last_gap = rng.randint(0, 20)
        for instrument, base, items in (("phq9", phq_base, 9), ("gad7", gad_base, 7)):
            totals = trajectory(rng, base, fortnights, course)
            for k, total in enumerate(totals):
                days_ago = started_days_ago - k * EVERY_DAYS
                days_ago = max(days_ago, last_gap)
                answers = answers_for(rng, total, items)
                at = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
                assessments.append(
                    Assessment(
                        patient=patient,
                        instrument=instrument,
                        answers=answers,
                        total=sum(answers),
                        severity=band(sum(answers)),
                        source=Assessment.Source.SELF_REPORT,
                        entered_by=big,
                        completed_at=at + timedelta(minutes=3 if instrument == "gad7" else 0),
                    )
                )
        if rng.random() < 0.03:
            alerts.append(
                RiskAlert(
                    patient=patient,
                    reason=RiskAlert.Reason.PHQ9_ITEM9,
                    detail="Question 9 above 0.",
                    raised_by=clinician,
                    created_at=now - timedelta(days=1),
                )
            )
    TreatmentEpisode.objects.bulk_create(episodes)
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    RiskAlert.objects.bulk_create(alerts)
    per = len(assessments) / len(patients) / 2
    print(
        f"seeded {len(patients)} patients with open episodes, {len(assessments)} assessments "
        f"({per:.0f} PHQ-9 and {per:.0f} GAD-7 each), {len(alerts)} open risk alerts"
    )
    return big, small


# --- Measuring -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def measure(big, small, *, warmup: int, runs: int) -> int:
    from tether.care.views_registry import REGISTRY_PAGE_SIZE

    big_client, small_client = client_for(big), client_for(small)
    timings = {
        "bare view": timed(big_client, pagebench.BARE_URL, warmup=warmup, runs=runs, expect="ok"),
        "registry page": timed(
            big_client, "/staff/registry/", warmup=warmup, runs=runs, expect=f"{BIG} patients"
        ),
        "registry CSV": timed(
            big_client, "/staff/registry.csv", warmup=warmup, runs=runs, expect="patient,"
        ),
    }
    base = statistics.median(timings["bare view"])
    print(
        f"\n{runs} timed GETs each after {warmup} warm-ups, as the coordinator with {BIG} "
        f"patients (page: {REGISTRY_PAGE_SIZE} rows, CSV: all {BIG}); milliseconds"
    )
    print(f"{'':<22}{'median':>8}{'p95':>8}{'× bare':>8}")
    for name, samples in timings.items():
        median = statistics.median(samples)
        print(f"{name:<22}{median:>8.2f}{p95(samples):>8.2f}{median / base:>8.1f}")

    counts = {
        "registry page": (
            count_queries(small_client, "/staff/registry/"),
            count_queries(big_client, "/staff/registry/"),
        ),
        "registry CSV": (
            count_queries(small_client, "/staff/registry.csv"),
            count_queries(big_client, "/staff/registry.csv"),
        ),
    }
    print(f"\nSQL queries per request{'':<3}{SMALL:>4} pts{BIG:>5} pts")
    failed = False
    for name, (few, many) in counts.items():
        verdict = "ok" if few == many else "DIFFER: a query per row?"
        failed = failed or few != many
        print(f"{name:<26}{few:>8}{many:>9}  {verdict}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    args = parser.parse_args()

    def before() -> None:
        print(machine())
        print(f"started {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")

    return pagebench.run(
        prefix="tether-bench-registry-",
        seed=lambda: seed(random.Random(2026)),
        measure=lambda big, small: measure(big, small, warmup=args.warmup, runs=args.runs),
        before=before,
    )


if __name__ == "__main__":
    sys.exit(main())
