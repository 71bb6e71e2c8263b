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
import math
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BIG, SMALL = 200, 20
PER_INSTRUMENT = 10  # PHQ-9s and GAD-7s per patient: 20 assessments each
RISK_SHARE = 0.04  # of PHQ-9s answered with question 9 above 0

# Filled in by main() once Django is set up: the product's URLs plus the bare view.
urlpatterns: list = []


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def configure() -> tuple[str, str | None]:
    """Point Django at a fresh database before setup. Return (description, temp dir)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    given = os.environ.get("DATABASE_URL", "")
    if given and not given.startswith("sqlite"):
        return "PostgreSQL (throwaway database)", None
    tmp = tempfile.mkdtemp(prefix="tether-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    return f"SQLite ({tmp}/bench.sqlite3)", tmp


def create_database(temporary_sqlite: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    if temporary_sqlite:
        call_command("migrate", verbosity=0, interactive=False)
    else:
        # Migrates too; named bench_<name> so a real database is never touched.
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def drop_database(temporary_sqlite: bool, old_name: str) -> None:
    from django.db import connection

    if not temporary_sqlite:
        connection.creation.destroy_test_db(old_name, verbosity=0)


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


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def timed(client, url: str, *, warmup: int, runs: int, expect: str) -> list[float]:
    """GET `url` warmup + runs times; return the timed runs in milliseconds."""
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        response = client.get(url)
        body = response.content
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or expect.encode() not in body:
            raise SystemExit(f"GET {url} gave {response.status_code}, without {expect!r}")
        if i >= warmup:
            samples.append(elapsed)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    args = parser.parse_args()

    # WhiteNoise warns that collectstatic has not run; static files come from sources here.
    warnings.filterwarnings("ignore", message=r"No directory at: .*staticfiles")
    described, tmp = configure()
    temporary_sqlite = tmp is not None

    import django
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    django.setup()

    from django.test.utils import setup_test_environment
    from django.urls import include, path

    urlpatterns[:] = [path("bench/bare/", bare), path("", include("tether.urls"))]
    setup_test_environment()  # lets the test Client's "testserver" host in
    # No collectstatic here: serve static files from sources, as the tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    create_database(temporary_sqlite)
    print(f"database: {described}, migrated in {time.perf_counter() - started:.1f} s")
    try:
        started = time.perf_counter()
        big, small = seed(random.Random(2026))
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        return measure(big, small, warmup=args.warmup, runs=args.runs)
    finally:
        drop_database(temporary_sqlite, old_name)
        if tmp:
            for leftover in Path(tmp).iterdir():
                leftover.unlink()
            Path(tmp).rmdir()


def measure(big, small, *, warmup: int, runs: int) -> int:
    from ninja.conf import settings as ninja_settings

    from tether.care.views import CASELOAD_PAGE_SIZE

    big_client, small_client = client_for(big), client_for(small)
    timings = {
        "bare view": timed(big_client, "/bench/bare/", warmup=warmup, runs=runs, expect="ok"),
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


if __name__ == "__main__":
    sys.exit(main())
