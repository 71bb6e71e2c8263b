"""What the page benchmarks (registry.py) share: a throwaway database, Django set
up with the product's URLs plus a bare view to compare against, and the timing helpers.

A database is either a temporary SQLite file (the default) or, when DATABASE_URL names
PostgreSQL, a `bench_<name>` database beside it that is dropped at the end.
"""

import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

BARE_URL = "/bench/bare/"

# Filled in by run() once Django is set up: the bare view plus the product's URLs.
urlpatterns: list = []


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def configure(prefix: str) -> tuple[str, str | None]:
    """Point Django at a fresh database before setup. Return (description, temp dir)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    given = os.environ.get("DATABASE_URL", "")
    if given and not given.startswith("sqlite"):
        return "PostgreSQL (throwaway database)", None
    tmp = tempfile.mkdtemp(prefix=prefix)
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


def run(*, prefix: str, seed: Callable, measure: Callable, before: Callable | None = None) -> int:
    """Set Django up on a throwaway database, call `seed()`, then `measure(*seeded)`, and
    clean up whatever happens. Returns measure's exit code."""
    # WhiteNoise warns that collectstatic has not run; static files come from sources here.
    warnings.filterwarnings("ignore", message=r"No directory at: .*staticfiles")
    described, tmp = configure(prefix)
    temporary_sqlite = tmp is not None

    import django
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    django.setup()

    from django.test.utils import setup_test_environment
    from django.urls import include, path

    urlpatterns[:] = [path(BARE_URL.lstrip("/"), bare), path("", include("tether.urls"))]
    setup_test_environment()  # lets the test Client's "testserver" host in
    # No collectstatic here: serve static files from sources, as the tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from django.db import connection

    if before:
        before()
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    create_database(temporary_sqlite)
    print(f"database: {described}, migrated in {time.perf_counter() - started:.1f} s")
    try:
        started = time.perf_counter()
        seeded = seed()
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        return measure(*seeded)
    finally:
        drop_database(temporary_sqlite, old_name)
        if tmp:
            for leftover in Path(tmp).iterdir():
                leftover.unlink()
            Path(tmp).rmdir()


def client_for(user):
    from django.test import Client

    from tests.second_factor import pass_second_factor

    client = Client()
    client.force_login(user)
    # Staff reach no page before their second step (tether.mfa): pass it, as after a code.
    session = client.session
    pass_second_factor(session, user)
    session.save()
    return client


def interleaved(requests: dict, *, warmup: int, runs: int) -> dict[str, list[float]]:
    """Time several GETs in turn, one of each per round, so that a change in the machine's
    load during the run weighs on all of them alike. `requests` maps a name to (client, url,
    expected text); return each name's timed runs in milliseconds."""
    samples: dict[str, list[float]] = {name: [] for name in requests}
    for i in range(warmup + runs):
        for name, (client, url, expect) in requests.items():
            start = time.perf_counter()
            response = client.get(url)
            body = _body(response)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200 or expect.encode() not in body:
                raise SystemExit(f"GET {url} gave {response.status_code}, without {expect!r}")
            if i >= warmup:
                samples[name].append(elapsed)
    return samples


def _body(response) -> bytes:
    """The whole body, read to the end (a streamed export included)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        _body(response)  # a streamed response queries while it is read
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)
