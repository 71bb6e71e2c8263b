"""Who may open what, generated from the routes: every URL pattern of tether.urls and every
operation of the API, for every persona, on own, other-team and other-practice data.

The routes are read from Django's resolver and from the API's OpenAPI document; each must have
a row in tests/access_table.py (a new route fails here until it has one). Each row is then
exercised: the people it allows get its success status; everyone else gets the same 404 as for
a record that does not exist (or the 403 the row documents), anonymous visitors are sent to
/login/ on pages and get 401 from the API, a refused write changes nothing, and every answer to
a signed-in person or from the API says `Cache-Control: no-store` (tether/lib/no_store.py).

The world (tests/access_world.py) is built once for the module; each test runs in a savepoint
that is rolled back, so the tests stay independent.
"""

import hashlib
import json
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_table import ENDPOINTS, NOBODY, PAGES, Call, Route
from tests.access_world import OWN, PERSONAS, SCOPES, World, build_world
from tether.api.api import api

API_PREFIX = "/api/v1"
ADMIN_ANY = "admin:*"
TABLE = "tests/access_table.py"

# --- Reading the routes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # how the table names it
    route: str  # the full pattern, e.g. "staff/patients/<uuid:patient_id>/"
    name: str | None  # the namespaced URL name, for reverse()
    params: tuple[str, ...]


def _params(route: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)) + tuple(re.findall(r"\(\?P<(\w+)>", route))


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(entry, prefix + str(entry.pattern), full)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry, namespace


def _is_api_operation(entry: URLPattern) -> bool:
    return "PathView" in getattr(entry.callback, "__qualname__", "")


def url_patterns() -> list[Pattern]:
    """Return every URL pattern of the site except the API's operations (read from its
    OpenAPI document instead), each with the key the table knows it by."""
    patterns = []
    for route, name, entry, namespace in _walk(get_resolver()):
        if _is_api_operation(entry):
            continue
        key = name or route
        if namespace == "admin" and key not in PAGES:
            key = ADMIN_ANY
        patterns.append(Pattern(key, route, name, _params(route)))
    return patterns


def api_url_patterns() -> list[str]:
    """Return the API operations' URL patterns, as OpenAPI paths ("/patients/{patient_id}")."""
    found = []
    for route, _name, entry, _namespace in _walk(get_resolver()):
        if _is_api_operation(entry):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            found.append("/" + path.removeprefix(API_PREFIX.strip("/") + "/"))
    return found


def api_operations() -> dict[str, tuple[str, ...]]:
    """Return every API operation as "METHOD /path" with its path parameters."""
    operations = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            key = f"{method.upper()} {path.removeprefix(API_PREFIX)}"
            operations[key] = tuple(re.findall(r"{(\w+)}", path))
    return operations


PATTERNS = url_patterns()
OPERATIONS = api_operations()


def coverage() -> dict[str, int]:
    """Return how many URL patterns and API operations there are and how many are classified
    (printed by the last test of this module)."""
    return {
        "url_patterns": len(PATTERNS),
        "url_patterns_classified": sum(p.key in PAGES for p in PATTERNS),
        "api_operations": len(OPERATIONS),
        "api_operations_classified": sum(k in ENDPOINTS for k in OPERATIONS),
    }


# --- Every route is classified ------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    missing = sorted({f"{p.key!r} ({p.route})" for p in PATTERNS if p.key not in PAGES})

    assert not missing, (
        f"Classify these URL patterns in {TABLE}, PAGES (by URL name): who may open them and "
        "on whose data: " + ", ".join(missing)
    )


def test_every_api_operation_is_classified():
    missing = sorted(key for key in OPERATIONS if key not in ENDPOINTS)

    assert not missing, (
        f"Classify these API operations in {TABLE}, ENDPOINTS (by 'METHOD /path'): who may "
        "call them and on whose data: " + ", ".join(missing)
    )


def test_every_api_url_is_an_operation_of_the_openapi_document():
    # An operation left out of the document would escape the table: count them both ways.
    documented = sorted(key.split(" ", 1)[1] for key in OPERATIONS)

    assert sorted(api_url_patterns()) == documented


def test_the_table_names_only_routes_that_exist():
    keys = {p.key for p in PATTERNS}

    assert sorted(set(PAGES) - keys) == []
    assert sorted(set(ENDPOINTS) - set(OPERATIONS)) == []


# --- The world, once per module -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        # Everything the module builds is rolled back at its end; each test's own savepoint
        # (pytest-django's `db`) is rolled back after the test.
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


# Django's own bookkeeping, which no request changes (sessions: every request saves one).
UNWATCHED = {"auth.Permission", "contenttypes.ContentType", "sessions.Session"}


def _watched_tables() -> list[str]:
    queries = []
    for model in apps.get_models():
        meta = model._meta
        if meta.label in UNWATCHED or meta.proxy or not meta.managed:
            continue
        columns = ", ".join(connection.ops.quote_name(f.column) for f in meta.concrete_fields)
        table = connection.ops.quote_name(meta.db_table)
        order = connection.ops.quote_name(meta.pk.column)
        queries.append(f"SELECT {columns} FROM {table} ORDER BY {order}")  # noqa: S608
    return queries


WATCHED = _watched_tables()


def _fingerprint() -> str:
    """Return a digest of every row the app keeps."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for query in WATCHED:
            cursor.execute(query)
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


# --- The cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str  # the table's key
    api: bool
    pattern: Pattern | None
    params: tuple[str, ...]
    call: int  # index into the route's calls
    persona: str
    scope: str | None  # None: the route reads no record by id

    @property
    def route(self) -> Route:
        return (ENDPOINTS if self.api else PAGES)[self.key]

    @property
    def request(self) -> Call:
        return self.route.calls[self.call]

    @property
    def allowed(self) -> bool:
        return (self.request.who or self.route.who).allows(self.persona, self.scope)

    def __str__(self) -> str:
        where = self.pattern.route if self.pattern and self.key == ADMIN_ANY else self.key
        return f"{where}|{self.request.method.upper()}|{self.persona}|{self.scope or '-'}"


# Path parameters that name a record: a route with one is exercised on every scope's data.
NOT_RECORDS = {"code", "kind", "token", "object_id", "app_label", "url"}


def _scopes(route: Route, call: Call, params: tuple[str, ...]) -> tuple[str | None, ...]:
    if route.who is NOBODY:  # Django's admin turns everyone away before reading any id
        return (None,)
    scoped = call.scoped
    if scoped is None:
        scoped = any(p not in NOT_RECORDS and p not in route.params for p in params) or any(
            p in route.params and not route.params[p].startswith("tokens.") for p in params
        )
    return SCOPES if scoped else (None,)


def _cases() -> list[Case]:
    cases = []
    for pattern in PATTERNS:
        route = PAGES.get(pattern.key)
        if route is None:
            continue
        for index, call in enumerate(route.calls):
            for scope in _scopes(route, call, pattern.params):
                for persona in PERSONAS:
                    cases.append(
                        Case(pattern.key, False, pattern, pattern.params, index, persona, scope)
                    )
    for key, params in OPERATIONS.items():
        route = ENDPOINTS.get(key)
        if route is None:
            continue
        for index, call in enumerate(route.calls):
            for scope in _scopes(route, call, params):
                for persona in PERSONAS:
                    cases.append(Case(key, True, None, params, index, persona, scope))
    return cases


CASES = _cases()

# Values for the admin's path parameters: it turns everyone away before reading them.
ADMIN_SAMPLES = {"app_label": "accounts", "url": "nowhere/"}


def _value(world: World, route: Route, name: str, scope: str) -> object:
    source = route.params.get(name)
    if source is None:
        return world.ids(scope)[name]
    extra = world.scopes[scope].extra
    if source.startswith("tokens."):
        return extra["tokens"][source.removeprefix("tokens.")]
    return extra[source]


def _url(world: World, case: Case) -> str:
    scope = case.scope or OWN
    if case.api:
        path = case.key.split(" ", 1)[1]
        values = {n: _value(world, case.route, n, scope) for n in case.params}
        url = API_PREFIX + path.format(**values)
    elif case.key == ADMIN_ANY or case.pattern.name is None:
        url = "/" + case.pattern.route
        for name in case.params:
            sample = ADMIN_SAMPLES.get(name, "1")
            url = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", sample, url)
        url = url.replace("^", "").replace("$", "")
    else:
        kwargs = {n: _value(world, case.route, n, scope) for n in case.params}
        url = reverse(case.pattern.name, kwargs=kwargs)
    query = case.request.query
    if query:
        url += "?" + query.format(**world.ids(scope))
    return url


def _send(world: World, case: Case):
    call = case.request
    client = world.client(case.persona)
    url = _url(world, case)
    data = call.data(world, case.scope or OWN, case.persona) if callable(call.data) else call.data
    if call.method == "get":
        return client.get(url)
    if case.api:
        body = json.dumps(data) if data is not None else ""
        return client.generic(call.method.upper(), url, body, content_type="application/json")
    assert call.method == "post", "pages are read with GET and changed with POST"
    return client.post(url, data or {})


def _expected(case: Case) -> tuple[int, str | None]:
    """Return the status the persona must get and, for a redirect, where it must lead."""
    route, call = case.route, case.request
    persona, scope = case.persona, case.scope
    if case.allowed:
        ok = call.ok(persona, scope) if callable(call.ok) else call.ok
        return ok, None
    if case.key == ADMIN_ANY:
        return 302, "/django-admin/login/?next="
    if persona == "anonymous":
        return (401, None) if case.api else (302, "/login/?next=")
    if route.forbidden is not None and route.forbidden.allows(persona, scope):
        return 403, None
    return 404, None


def test_every_path_parameter_names_a_record_of_the_world(world):
    missing = set()
    for case in CASES:
        if case.route.who is NOBODY:
            continue
        for name in case.params:
            if name not in case.route.params and name not in world.ids(OWN):
                missing.add(f"{name} ({case.key})")

    assert not missing, (
        "Give these path parameters a record of each scope in tests/access_world.py "
        "(Records.ids), or name the record in the row's `params`: " + ", ".join(sorted(missing))
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_answers_by_role_and_data(world, db, case):
    expected, location = _expected(case)
    refused = not case.allowed
    if case.route.prepare is not None:
        case.route.prepare(world, case.scope or OWN)
    before = _fingerprint() if case.request.method != "get" else None

    response = _send(world, case)

    assert response.status_code == expected, response.content[:300]
    if case.persona != "anonymous" or case.api:
        # Whatever a signed-in person or the API is answered may carry health information.
        assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")
    if location is not None:
        assert response["Location"].startswith(location), response["Location"]
    if case.api and refused:
        assert response.json()["detail"]
    if before is not None:
        changed = _fingerprint() != before
        if refused:
            assert not changed, "a refused request changed data"
        elif case.request.writes:
            assert changed, "an allowed write changed nothing"


def test_it_covers_every_route(capsys):
    figures = coverage()
    exercised_pages = {c.key for c in CASES if not c.api}
    exercised_api = {c.key for c in CASES if c.api}
    with capsys.disabled():
        print(
            f"\naccess matrix: {figures['url_patterns_classified']}/{figures['url_patterns']} "
            f"URL patterns and {figures['api_operations_classified']}/"
            f"{figures['api_operations']} API operations classified; "
            f"{sum(p.key in exercised_pages for p in PATTERNS)} patterns and "
            f"{len(exercised_api)} operations exercised in {len(CASES)} cases"
        )

    assert figures["url_patterns_classified"] == figures["url_patterns"]
    assert figures["api_operations_classified"] == figures["api_operations"]
