"""Time the registry page against a bare Django view at 150 and at 10,000 patients, and check
that its query count does not grow with them.

Run with `make bench`, or alone: `SECRET_KEY=x .venv/bin/python benchmarks/registry.py`
(`--large 2000` for a quicker run). In one process this script:

1. creates a fresh database: a temporary SQLite file by default, or, when DATABASE_URL names
   PostgreSQL, a throwaway `bench_<name>` database beside it (dropped at the end);
2. seeds two practices. "Bench Psychiatry": coordinator "big" with 150 patients and "small"
   with 15. "Large Psychiatry": coordinator "huge" with 10,000. Every patient has an open
   treatment episode started about two years ago and a PHQ-9 and a GAD-7 every two weeks
   since (53 of each), following one of five realistic courses (early response and
   remission, slow response, partial response, no response, remission then relapse) with
   noise; about 3% have an open risk alert. Rows go in with bulk_create a few hundred
   patients at a time (about 1.06 million assessments), then the registry entries are built
   once (care.entries.refresh_entries), as after any bulk load, and the database ANALYZEd;
3. times GET /staff/registry/ as "big" (150 patients) and as "huge" (10,000), the CSV as
   "big" and the API's first page (/api/v1/registry) as both, and a bare view returning
   "ok", with Django's test Client (same middleware, same signed-in session): median and
   p95, the ratio to the bare view, and the 10,000-patient page's median over the
   150-patient page's (the requirement: within 1.5x);
4. counts the SQL queries of the registry page for 15, 150 and 10,000 patients (and of the
   CSV and the API for 15 and 150) and exits non-zero if they differ, which would mean a
   query per row, or if the 10,000-patient page takes more than 1.5x the 150-patient one;
5. times the 150-patient page and CSV again with the audit trail of reads turned off
   (tether.lib.reads.reads_not_recorded) and prints both medians: the trail's cost.

Caveats: the test Client skips the network and WSGI server and keeps the database connection
open between requests; static files are served from sources.
"""

import argparse
import functools
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
from pagebench import client_for, count_queries, interleaved, p95  # noqa: E402

BIG, SMALL, LARGE = 150, 15, 10_000
YEARS_DAYS = 728  # two years of treatment: 52 fortnights
EVERY_DAYS = 14
CHUNK = 250  # patients per bulk insert: about 26,500 assessments
RATIO_LIMIT = 1.5


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


@functools.cache
def answers_for(total: int, items: int) -> tuple[int, ...]:
    """Item answers (0–3) adding up to `total`, spread evenly; question 9 of the PHQ-9 stays
    at 0."""
    scored = items - 1 if items == 9 else items
    total = max(0, min(3 * scored, total))
    answers = [0] * items
    for i in range(total):
        answers[i % scored] += 1
    return tuple(answers)


def band(total: int) -> str:
    for limit, name in ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe")):
        if total <= limit:
            return name
    return "severe"


def seed_practice(rng: random.Random, name: str, slug: str, caseloads: dict[str, int]):
    """Seed one practice whose coordinators have `caseloads` patients each; return its admin
    and its coordinators."""
    from django.utils import timezone

    from tether.accounts.models import CareTeamMember, Patient, Practice, Role, User
    from tether.assessments.models import Assessment
    from tether.care.entries import refresh_entries
    from tether.care.models import TreatmentEpisode
    from tether.crisis.models import RiskAlert
    from tether.engagement.models import Program

    practice = Practice.objects.create(name=name, slug=slug)
    # Staff sign in with force_login: no password, so no hashing in the seed.
    admin = User.objects.create_user(f"{slug}-admin", practice=practice, role=Role.ADMIN)
    clinician = User.objects.create_user(
        f"{slug}-clinician", practice=practice, role=Role.CLINICIAN, first_name="Clin"
    )
    coordinators = [
        User.objects.create_user(
            username, practice=practice, role=Role.COORDINATOR, first_name=username.title()
        )
        for username in caseloads
    ]
    programs = [
        Program.objects.create(practice=practice, name=program)
        for program in ("Collaborative care", "Guided CBT for depression", "Anxiety steps")
    ]
    now = timezone.now()
    today = timezone.localdate()
    courses = ["early", "slow", "partial", "none", "relapse"]
    weights = [30, 25, 20, 15, 10]
    fortnights = YEARS_DAYS // EVERY_DAYS + 1
    owners = [c for c in coordinators for _ in range(caseloads[c.username])]
    counts = {"patients": 0, "assessments": 0, "alerts": 0}
    for first in range(0, len(owners), CHUNK):
        chunk = owners[first : first + CHUNK]
        patients = Patient.objects.bulk_create(
            Patient(
                practice=practice,
                first_name=f"Pat{first + n:05d}",
                last_name=rng.choice(["Rivera", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad"]),
            )
            for n in range(len(chunk))
        )
        members, episodes, assessments, alerts = [], [], [], []
        for patient, coordinator in zip(patients, chunk, strict=True):
            members.append(
                CareTeamMember(patient=patient, staff=coordinator, team_role="coordinator")
            )
            members.append(CareTeamMember(patient=patient, staff=clinician, team_role="clinician"))
            started_days_ago = YEARS_DAYS + rng.randint(0, 14)
            episodes.append(
                TreatmentEpisode(
                    patient=patient,
                    started_on=today - timedelta(days=started_days_ago),
                    program=rng.choice(programs),
                    started_by=coordinator,
                )
            )
            course = rng.choices(courses, weights)[0]
            phq_base, gad_base = rng.randint(10, 24), rng.randint(6, 19)
            # The latest score lands 0–20 days ago: some reassessments due, a few overdue.
            last_gap = rng.randint(0, 20)
            for instrument, base, items in (("phq9", phq_base, 9), ("gad7", gad_base, 7)):
                for k, total in enumerate(trajectory(rng, base, fortnights, course)):
                    days_ago = max(started_days_ago - k * EVERY_DAYS, last_gap)
                    answers = answers_for(total, items)
                    at = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
                    assessments.append(
                        Assessment(
                            patient=patient,
                            instrument=instrument,
                            answers=list(answers),
                            total=sum(answers),
                            severity=band(sum(answers)),
                            source=Assessment.Source.SELF_REPORT,
                            entered_by=coordinator,
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
        CareTeamMember.objects.bulk_create(members)
        TreatmentEpisode.objects.bulk_create(episodes)
        Assessment.objects.bulk_create(assessments, batch_size=2000)
        RiskAlert.objects.bulk_create(alerts)
        # bulk_create skips the signals that keep the registry entries current.
        refresh_entries(p.pk for p in patients)
        counts["patients"] += len(patients)
        counts["assessments"] += len(assessments)
        counts["alerts"] += len(alerts)
    per = counts["assessments"] / counts["patients"] / 2
    print(
        f"seeded {name}: {counts['patients']} patients with open episodes, "
        f"{counts['assessments']} assessments ({per:.0f} PHQ-9 and {per:.0f} GAD-7 each), "
        f"{counts['alerts']} open risk alerts"
    )
    return admin, coordinators


def seed(rng: random.Random, large: int) -> tuple[dict, dict]:
    """Seed the three practices; return their admins and one coordinator of each, by size."""
    small_admin, (small,) = seed_practice(rng, "Small Psychiatry", "small", {"small": SMALL})
    bench_admin, (big,) = seed_practice(rng, "Bench Psychiatry", "bench", {"big": BIG})
    # The large practice's coordinators hold BIG patients each, the last one the rest.
    caseloads = {f"large-{n:02d}": BIG for n in range(1, large // BIG + 1)}
    caseloads[next(reversed(caseloads))] += large % BIG
    large_admin, coordinators = seed_practice(rng, "Large Psychiatry", "large", caseloads)
    # After loading a million rows a database has statistics (PostgreSQL's autovacuum, SQLite's
    # PRAGMA optimize): without them SQLite guesses that a practice has ten patients and reads
    # a coordinator's 150 through all 10,000.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admins = {SMALL: small_admin, BIG: bench_admin, large: large_admin}
    return admins, {SMALL: small, BIG: big, large: coordinators[0]}


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


class Unaudited:
    """A test Client whose requests record no reads (tether.lib.reads.reads_not_recorded), to
    time a page with and without the audit trail; a streamed body is read inside too."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str):
        from tether.lib.reads import reads_not_recorded

        with reads_not_recorded():
            response = self.client.get(url)
            if response.streaming:
                content = b"".join(response.streaming_content)
                response.streaming_content = [content]
        return response


def measure(admins: dict, coordinators: dict, *, warmup: int, runs: int) -> int:
    from tether.care.views_registry import REGISTRY_PAGE_SIZE

    large = max(admins)
    clients = {size: client_for(user) for size, user in admins.items()}
    coordinator = {size: client_for(user) for size, user in coordinators.items()}
    page, csv_url, api = "/staff/registry/", "/staff/registry.csv", "/api/v1/registry?limit=25"

    # One request of each kind per round, so that other work on the machine weighs on all.
    timings = interleaved(
        {
            "bare view": (clients[BIG], pagebench.BARE_URL, "ok"),
            f"page, admin, {BIG}": (clients[BIG], page, f"{BIG} patients"),
            f"page, admin, {large:,}": (clients[large], page, f"{large} patients"),
            f"page, coordinator, {BIG}": (coordinator[BIG], page, f"{BIG} patients"),
            f"  … of a {large:,} practice": (coordinator[large], page, f"{BIG} patients"),
            f"CSV, all {BIG}": (coordinator[BIG], csv_url, "patient,"),
            f"API, admin, {BIG}": (clients[BIG], api, f'"count": {BIG}'),
            f"API, admin, {large:,}": (clients[large], api, f'"count": {large}'),
            # The same requests with the audit trail of reads turned off: its cost.
            f"page, admin, {BIG}, no audit": (Unaudited(clients[BIG]), page, f"{BIG} patients"),
            f"CSV, all {BIG}, no audit": (Unaudited(coordinator[BIG]), csv_url, "patient,"),
        },
        warmup=warmup,
        runs=runs,
    )
    base = statistics.median(timings["bare view"])
    print(
        f"\n{runs} rounds of timed GETs after {warmup} warm-ups (page and API: the first "
        f"{REGISTRY_PAGE_SIZE} rows, CSV: every row), as a practice admin seeing every patient "
        f"or a coordinator seeing their own; milliseconds"
    )
    print(f"{'':<30}{'median':>8}{'p95':>8}{'× bare':>8}")
    for name, samples in timings.items():
        median = statistics.median(samples)
        print(f"{name:<30}{median:>8.2f}{p95(samples):>8.2f}{median / base:>8.1f}")
    ratio = statistics.median(timings[f"page, admin, {large:,}"]) / statistics.median(
        timings[f"page, admin, {BIG}"]
    )
    too_slow = ratio > RATIO_LIMIT
    verdict = "ok" if not too_slow else f"OVER {RATIO_LIMIT}x"
    print(f"\npage median at {large:,} patients / at {BIG}: {ratio:.2f}x (at most {RATIO_LIMIT}x)")
    print(f"  {verdict}")

    counts = {
        "page, admin": [count_queries(clients[n], page) for n in (SMALL, BIG, large)],
        "page, coordinator": [count_queries(coordinator[n], page) for n in (SMALL, BIG, large)],
        "CSV, coordinator": [count_queries(coordinator[n], csv_url) for n in (SMALL, BIG)],
        "API, admin": [count_queries(clients[n], api) for n in (SMALL, BIG, large)],
    }
    print(f"\nSQL queries per request{SMALL:>10} pts{BIG:>9} pts{large:>9,} pts")
    failed = too_slow
    for name, found in counts.items():
        differ = len(set(found)) > 1
        failed = failed or differ
        cells = "".join(f"{n:>13}" for n in found) + " " * 13 * (3 - len(found))
        print(f"{name:<22}{cells}  {'DIFFER: a query per row?' if differ else 'ok'}")
    print(f"(the coordinator's third column: {BIG} patients of the {large:,}-patient practice)")
    for name in (f"page, admin, {BIG}", f"CSV, all {BIG}"):
        audited = statistics.median(timings[name])
        bare = statistics.median(timings[f"{name}, no audit"])
        print(f"audit trail: {name}: {audited:.2f} ms with, {bare:.2f} ms without")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument(
        "--large", type=int, default=LARGE, help="patients of the large coordinator"
    )
    args = parser.parse_args()

    def before() -> None:
        print(machine())
        print(f"started {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")

    return pagebench.run(
        prefix="tether-bench-registry-",
        seed=lambda: seed(random.Random(2026), args.large),
        measure=lambda admins, coordinators: measure(
            admins, coordinators, warmup=args.warmup, runs=args.runs
        ),
        before=before,
    )


if __name__ == "__main__":
    sys.exit(main())
