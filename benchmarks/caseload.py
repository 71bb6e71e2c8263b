"""Time the caseload page and API against a bare Django view, and check the query count.

Run with `make bench`. In one process this script:

1. creates a fresh database: a temporary SQLite file by default, or, when DATABASE_URL names
   PostgreSQL, a throwaway `bench_<name>` database beside it (dropped at the end);
2. migrates it and seeds one practice: coordinator "big" with 200 patients and coordinator
   "small" with 20, each patient with 20 assessments (10 PHQ-9 + 10 GAD-7, one every two
   weeks), scored by the product's own scoring code; every PHQ-9 whose question 9 is above 0
   has its risk alert with the matching history, as submit_assessment would have written;
3. times GET /staff/caseload/, GET /api/v1/caseload and a bare view returning "ok" with
   Django's test Client (same middleware, same signed-in session), and prints median and p95;
4. counts the SQL queries of the caseload page (and API) for 20 and for 200 patients and exits
   non-zero if the counts differ, which would mean a query per row.

Caveats: the test Client skips the network and WSGI server and keeps the database connection
open between requests (production SQLite reconnects per request), and static files are served
from sources rather than collectstatic's manifest.
"""

import argparse
import random
import statistics
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pagebench  # noqa: E402  (beside this script)
from pagebench import client_for, count_queries, p95, timed  # noqa: E402

BIG, SMALL = 200, 20
PER_INSTRUMENT = 10  # PHQ-9s and GAD-7s per patient: 20 assessments each
RISK_SHARE = 0.04  # of PHQ-9s answered with question 9 above 0


def seed(rng: random.Random):
    """Seed the practice; return the two coordinators (big, small)."""
    from django.utils import timezone

    from tether.accounts.models import CareTeamMember, Patient, Practice, Role, User
    from tether.assessments.instruments import GAD7, PHQ9
    from tether.assessments.models import Assessment
    from tether.assessments.scoring import score
    from tether.crisis.models import AlertEvent, RiskAlert

    practice = Practice.objects.create(name="Bench Psychiatry", slug="bench")
    # Staff sign in with force_login: no password, so no hashing in the seed.
    big, small, clinician = (
        User.objects.create_user(name, practice=practice, role=role, first_name=name.title())
        for name, role in (
            ("big", Role.COORDINATOR),
            ("small", Role.COORDINATOR),
            ("clinician", Role.CLINICIAN),
        )
    )
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
    assessments, risky = [], []
    for patient in patients:
        level = rng.randint(0, 3)  # how unwell this patient tends to be
        for k in range(PER_INSTRUMENT):
            at = now - timedelta(days=14 * (PER_INSTRUMENT - k), hours=rng.randint(0, 48))
            for instrument, offset in ((PHQ9, 0), (GAD7, 3)):
                answers = [max(0, min(3, level + rng.randint(-2, 1))) for _ in instrument.items]
                if instrument is PHQ9:
                    answers[8] = rng.randint(1, 3) if rng.random() < RISK_SHARE else 0
                result = score(instrument, answers)
                assessment = Assessment(
                    patient=patient,
                    instrument=instrument.code,
                    answers=answers,
                    total=result.total,
                    severity=result.band.name,
                    risk=result.risk,
                    source=Assessment.Source.STAFF_ENTERED,
                    entered_by=clinician,
                    completed_at=at + timedelta(minutes=offset),
                )
                assessments.append(assessment)
                if result.risk:
                    risky.append((assessment, " ".join(result.risk_reasons)))
    Assessment.objects.bulk_create(assessments, batch_size=1000)

    # Every risk answer has its alert; older ones have been worked through.
    alerts, events = [], []
    for assessment, reason in risky:
        age = now - assessment.completed_at
        status = (
            RiskAlert.Status.RESOLVED
            if age > timedelta(days=28)
            else rng.choice([RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED])
        )
        alert = RiskAlert(
            patient=assessment.patient,
            reason=RiskAlert.Reason.PHQ9_ITEM9,
            detail=reason,
            assessment=assessment,
            status=status,
            raised_by=clinician,
            created_at=assessment.completed_at,
        )
        history = [(AlertEvent.Kind.RAISED, alert.created_at, reason)]
        if status != RiskAlert.Status.OPEN:
            alert.acknowledged_at = alert.created_at + timedelta(hours=2)
            alert.acknowledged_by = big
            history.append((AlertEvent.Kind.ACKNOWLEDGED, alert.acknowledged_at, ""))
        if status == RiskAlert.Status.RESOLVED:
            alert.resolved_at = alert.created_at + timedelta(days=1)
            alert.resolved_by = clinician
            alert.resolution_note = "Called the patient; safety plan reviewed."
            history.append((AlertEvent.Kind.RESOLVED, alert.resolved_at, alert.resolution_note))
        alerts.append(alert)
        events.extend(
            AlertEvent(alert=alert, kind=kind, actor=clinician, at=at, note=note)
            for kind, at, note in history
        )
    RiskAlert.objects.bulk_create(alerts)
    AlertEvent.objects.bulk_create(events)
    active = sum(a.status != RiskAlert.Status.RESOLVED for a in alerts)
    print(
        f"seeded {len(patients)} patients, {len(assessments)} assessments, "
        f"{len(alerts)} risk alerts ({active} unresolved)"
    )
    return big, small


def measure(big, small, *, warmup: int, runs: int) -> int:
    from ninja.conf import settings as ninja_settings

    from tether.care.views import CASELOAD_PAGE_SIZE

    big_client, small_client = client_for(big), client_for(small)
    timings = {
        "bare view": timed(big_client, pagebench.BARE_URL, warmup=warmup, runs=runs, expect="ok"),
        "caseload page": timed(
            big_client, "/staff/caseload/", warmup=warmup, runs=runs, expect=f"{BIG} patients"
        ),
        "caseload API": timed(
            big_client, "/api/v1/caseload", warmup=warmup, runs=runs, expect=f'"count": {BIG}'
        ),
    }
    base = statistics.median(timings["bare view"])
    api_rows = ninja_settings.PAGINATION_PER_PAGE
    print(
        f"\n{runs} timed GETs each after {warmup} warm-ups, as the coordinator with {BIG} "
        f"patients (page: {CASELOAD_PAGE_SIZE} rows, API: first {api_rows}); milliseconds"
    )
    print(f"{'':<22}{'median':>8}{'p95':>8}{'× bare':>8}")
    for name, samples in timings.items():
        median = statistics.median(samples)
        print(f"{name:<22}{median:>8.2f}{p95(samples):>8.2f}{median / base:>8.1f}")

    counts = {
        "caseload page": (
            count_queries(small_client, "/staff/caseload/"),
            count_queries(big_client, "/staff/caseload/"),
        ),
        "caseload API": (
            count_queries(small_client, "/api/v1/caseload"),
            count_queries(big_client, "/api/v1/caseload"),
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
    parser.add_argument("--runs", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    args = parser.parse_args()

    return pagebench.run(
        prefix="tether-bench-",
        seed=lambda: seed(random.Random(2026)),
        measure=lambda big, small: measure(big, small, warmup=args.warmup, runs=args.runs),
    )


if __name__ == "__main__":
    sys.exit(main())
