"""Time the missed-appointment and overdue-outreach sweeps as the number of appointments that
are NOT due grows, beside a bare indexed count of the due rows in the same run.

Run with `make bench` (after benchmarks/registry.py). For each database — a temporary SQLite
file, and PostgreSQL when TEST_DATABASE_URL / DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/tether) is reachable, in a throwaway `bench_sweeps`
database dropped at the end — a child process:

1. migrates a fresh database and seeds one practice with 1,000 patients;
2. inserts 100,000 future, pending appointments with fast raw INSERT … SELECT, plus 200
   pending appointments that ended an hour ago (due) and 20,000 open outreach tasks not yet
   due plus, after the first sweep, the 200 tasks it opened, made overdue;
3. times the bare count of due rows, `sweep_missed_appointments` and `sweep_overdue_outreach`
   (median of 3, state reset between runs), prints the query plans of the due-row selects;
   and times the same due rows claimed as the sweeps did before batching, one row per
   transaction, to print the time per claimed row before and now side by side;
4. grows the table to 1,000,000 appointments with the same 200 due and repeats.

The sweep must cost about the same at both sizes: it reads only due rows through the partial
indexes appointment_pending_end and outreach_open_unescalated.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (100_000, 1_000_000)
DUE = 200
PATIENTS = 1_000
NOT_DUE_TASKS = 20_000
RUNS = 3
NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)  # a Friday


def _postgres_url() -> str | None:
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgres"):
            return url
    return "postgres://postgres@127.0.0.1:5432/tether"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help="database URL to measure (internal)")
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    targets = []
    tmp = tempfile.mkdtemp(prefix="tether-bench-sweeps-")
    targets.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
    pg = _postgres_url()
    reachable = subprocess.run(  # noqa: S603 (our own helper, fixed arguments)
        [sys.executable, str(ROOT / "scripts" / "db_reachable.py"), pg], check=False
    )
    if reachable.returncode == 0:
        targets.append(("PostgreSQL", pg))
    else:
        print(f"PostgreSQL at {pg} not reachable: measuring SQLite only.")
    failed = 0
    for label, url in targets:
        print(f"\n== {label} ==", flush=True)
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--child", url], check=False
        )
        failed |= done.returncode
    return failed


# --- The measuring child ---------------------------------------------------------------------


def child(url: str) -> int:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    if postgres:
        connection.settings_dict["TEST"]["NAME"] = "bench_sweeps"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        return measure(postgres)
    finally:
        if postgres:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def seed_people():
    from tether.accounts.models import CareTeamMember, Patient, Practice, Role, User

    practice = Practice.objects.create(name="Bench Psychiatry", slug="bench")
    User.objects.create_user("admin", email="admin@example.org", practice=practice, role=Role.ADMIN)
    coordinator = User.objects.create_user("coordinator", practice=practice, role=Role.COORDINATOR)
    patients = Patient.objects.bulk_create(
        Patient(practice=practice, first_name=f"Pat{n:04d}", last_name="Bench")
        for n in range(PATIENTS)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(patient=p, staff=coordinator, team_role="coordinator") for p in patients
    )
    return patients, coordinator


def insert_future(postgres: bool, start: int, count: int) -> None:
    """Insert `count` pending appointments starting in the future, numbered from `start`."""
    from django.db import connection

    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                """
                WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_patient)
                INSERT INTO engagement_appointment
                  (id, patient_id, kind, mode, starts_at, ends_at, attendance, created_at)
                SELECT gen_random_uuid(), p.ids[1 + g %% array_length(p.ids, 1)],
                       'check_in', 'phone',
                       %s + g * interval '1 minute',
                       %s + g * interval '1 minute' + interval '30 minutes',
                       'pending', %s
                FROM p, generate_series(%s, %s) AS g
                """,
                [NOW, NOW, NOW, start, start + count - 1],
            )
        else:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bench_patient AS "
                "SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM accounts_patient"
            )
            cursor.execute(
                """
                WITH RECURSIVE g(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM g WHERE n < %s)
                INSERT INTO engagement_appointment
                  (id, patient_id, kind, mode, starts_at, ends_at, attendance, created_at)
                SELECT lower(hex(randomblob(16))), bench_patient.id, 'check_in', 'phone',
                       strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || n || ' minutes'),
                       strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || (n + 30) || ' minutes'),
                       'pending', %s
                FROM g JOIN bench_patient ON bench_patient.k = g.n %% %s
                """,
                [
                    start,
                    start + count - 1,
                    NOW.strftime("%Y-%m-%d %H:%M:%S"),
                    NOW.strftime("%Y-%m-%d %H:%M:%S"),
                    NOW.strftime("%Y-%m-%d %H:%M:%S"),
                    PATIENTS,
                ],
            )
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE engagement_appointment")


def seed_not_due_tasks(postgres: bool, coordinator) -> None:
    """Open outreach tasks on future appointments, due next month: never overdue here."""
    from django.db import connection

    due = NOW + timedelta(days=30)
    with connection.cursor() as cursor:
        uuid = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
        cursor.execute(
            f"""
            INSERT INTO engagement_outreachtask
              (id, appointment_id, patient_id, assigned_to_id, route, status, due_at, created_at,
               kind, urgent)
            SELECT {uuid}, a.id, a.patient_id, %s, 'coordinator', 'open', %s, %s,
                   'missed_session', %s
            FROM engagement_appointment a WHERE a.ends_at > %s
            ORDER BY a.ends_at LIMIT %s
            """,  # noqa: S608 (no user input: a fixed expression chosen by backend)
            [coordinator.pk, due, NOW, False, NOW, NOT_DUE_TASKS],
        )


def book_due(patients) -> list:
    from tether.engagement.models import Appointment

    ended = NOW - timedelta(hours=1)
    rows = Appointment.objects.bulk_create(
        Appointment(
            patient=patients[n % len(patients)],
            kind="check_in",
            mode="phone",
            starts_at=ended - timedelta(minutes=30, seconds=n),
            ends_at=ended - timedelta(seconds=n),
        )
        for n in range(DUE)
    )
    return [row.pk for row in rows]


def reset_due(due_ids) -> None:
    """Put the due appointments back to pending and remove the tasks the sweep opened."""
    from tether.engagement.models import Appointment, OutreachTask

    OutreachTask.objects.filter(appointment_id__in=due_ids).delete()
    Appointment.objects.filter(pk__in=due_ids).update(
        attendance="pending", attendance_recorded_at=None
    )


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def plan(queryset, postgres: bool) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql, params)
        rows = cursor.fetchall()
    return " | ".join(str(row[-1] if not postgres else row[0]).strip() for row in rows[:3])


def one_row_per_transaction(due, claim) -> int:
    """The sweeps as they were before batching (up to a42c164): read up to 500 due ids, then
    claim each in its own transaction (the claim services are @transaction.atomic)."""
    done = 0
    while True:
        ids = list(due().values_list("pk", flat=True)[:500])
        batch = sum(bool(claim(pk)) for pk in ids)
        done += batch
        if len(ids) < 500 or not batch:
            return done


def measure(postgres: bool) -> int:
    from tether.engagement.models import Appointment, OutreachTask
    from tether.engagement.services import claim_missed, escalate_outreach
    from tether.engagement.sweeps import (
        due_missed_appointments,
        due_overdue_outreach,
        sweep_missed_appointments,
        sweep_overdue_outreach,
    )
    from tether.lib.claims import CLAIM_BATCH

    def missed_before() -> int:
        return one_row_per_transaction(
            lambda: due_missed_appointments(now=NOW).order_by("ends_at"),
            lambda pk: claim_missed(appointment_id=pk, at=NOW) is not None,
        )

    def overdue_before() -> int:
        return one_row_per_transaction(
            lambda: due_overdue_outreach(now=later).order_by("due_at"),
            lambda pk: escalate_outreach(task_id=pk, at=later),
        )

    def unescalate() -> None:
        OutreachTask.objects.filter(appointment_id__in=due_ids).update(escalated_at=None)

    patients, coordinator = seed_people()
    due_ids = book_due(patients)
    later = NOW + timedelta(days=7)  # every task the sweep opens is overdue by then
    results = []
    seeded = 0
    for size in SIZES:
        started = time.perf_counter()
        insert_future(postgres, seeded + 1, size - seeded)
        if seeded == 0:
            seed_not_due_tasks(postgres, coordinator)
        seeded = size
        total = Appointment.objects.count()
        print(f"seeded {total:,} appointments in {time.perf_counter() - started:.1f} s", flush=True)

        timings: dict[str, list[float]] = {
            "count": [],
            "missed before": [],
            "missed": [],
            "overdue count": [],
            "overdue before": [],
            "overdue": [],
        }

        def run(name: str, sweep, timings=timings) -> None:
            done = []
            timings[name].append(timed(lambda: done.append(sweep())))
            assert done == [DUE], (name, done)

        for _ in range(RUNS):
            reset_due(due_ids)
            timings["count"].append(timed(lambda: due_missed_appointments(now=NOW).count()))
            run("missed before", missed_before)
            reset_due(due_ids)
            run("missed", lambda: sweep_missed_appointments(now=NOW))
            assert OutreachTask.objects.filter(appointment_id__in=due_ids).count() == DUE
            timings["overdue count"].append(timed(lambda: due_overdue_outreach(now=later).count()))
            run("overdue before", overdue_before)
            unescalate()
            run("overdue", lambda: sweep_overdue_outreach(now=later))
            # Idempotent: a second run finds nothing.
            assert sweep_missed_appointments(now=NOW) == 0
            assert sweep_overdue_outreach(now=later) == 0
        results.append((total, {name: statistics.median(ms) for name, ms in timings.items()}))
    print(
        "plan, due appointments:",
        plan(due_missed_appointments(now=NOW).order_by("ends_at").values("pk")[:500], postgres),
    )
    print("plan, overdue outreach: ", plan(due_overdue_outreach(now=later), postgres))
    print(
        f"\n{'appointments':>12} {'due':>4} | {'bare count':>10} {'missed sweep':>12} | "
        f"{'overdue count':>13} {'overdue sweep':>13}   (ms, median of {RUNS})"
    )
    for total, ms in results:
        print(
            f"{total:>12,} {DUE:>4} | {ms['count']:>10.2f} {ms['missed']:>12.1f} | "
            f"{ms['overdue count']:>13.2f} {ms['overdue']:>13.1f}"
        )
    small, large = results[0][1]["missed"], results[-1][1]["missed"]
    print(f"missed sweep at {SIZES[-1]:,} / at {SIZES[0]:,}: {large / small:.2f}x")
    print(
        f"\ntime per claimed row (ms, median of {RUNS}): one row per transaction (before) "
        f"vs batches of up to {CLAIM_BATCH} rows per transaction (now)"
    )
    print(
        f"{'appointments':>12} | {'missed: before':>14} {'now':>6} {'ratio':>6} | "
        f"{'overdue: before':>15} {'now':>6} {'ratio':>6}"
    )
    for total, ms in results:
        cells = []
        for sweep, width in (("missed", 14), ("overdue", 15)):
            before, now = ms[f"{sweep} before"] / DUE, ms[sweep] / DUE
            cells.append(f"{before:>{width}.2f} {now:>6.2f} {now / before:>5.2f}x")
        print(f"{total:>12,} | " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
