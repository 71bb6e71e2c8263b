"""Every /api/v1 list is paginated in the database with a maximum page size, the OpenAPI
document says so, and a list that has a bound of its own in the code says why it is not."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tether.api.pagination import MAX_OFFSET
from tether.engagement.services import book_appointment
from tether.lib.pagination import MAX_PAGE_SIZE

# Lists whose length the code bounds, so a page would only add a wrapper.
BOUNDED = {
    ("get", "/api/v1/instruments"): "the questionnaires defined in code (five)",
    ("get", "/api/v1/patients/{patient_id}/plan"): "one to three next steps",
    ("get", "/api/v1/me/group-suggestions"): "at most five suggestions",
}


@pytest.fixture
def openapi(people):
    client = Client()
    client.force_login(people.admin)
    return client.get("/api/v1/openapi.json").json()


def _lists(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200", {}).get("content", {})
            schema = ok.get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                schema = openapi["components"]["schemas"][schema["$ref"].split("/")[-1]]
            yield (method, path), operation, schema


def test_the_page_size_maximum_is_the_same_for_pages_and_the_api():
    assert settings.NINJA_PAGINATION_MAX_LIMIT == MAX_PAGE_SIZE == 100


def test_every_list_endpoint_is_paginated_with_a_maximum(openapi):
    paged, bare = set(), set()
    for key, operation, schema in _lists(openapi):
        if schema.get("type") == "array":
            bare.add(key)
        elif set(schema.get("properties", {})) == {"items", "count"}:
            limit = next(p for p in operation["parameters"] if p["name"] == "limit")
            assert limit["schema"]["maximum"] == MAX_PAGE_SIZE, key
            offset = next(p for p in operation["parameters"] if p["name"] == "offset")
            assert offset["schema"]["maximum"] == MAX_OFFSET, key
            paged.add(key)
    assert bare == set(BOUNDED)
    for key in [
        ("get", "/api/v1/registry"),
        ("get", "/api/v1/caseload"),
        ("get", "/api/v1/on-call"),
        ("get", "/api/v1/programs"),
        ("get", "/api/v1/patients/{patient_id}/appointments"),
        ("get", "/api/v1/patients/{patient_id}/enrollments"),
        ("get", "/api/v1/peers/tags"),
        ("get", "/api/v1/me/memberships"),
        ("get", "/api/v1/me/belonging-checks"),
    ]:
        assert key in paged, key


def test_a_limit_above_the_maximum_is_refused(people):
    client = Client()
    client.force_login(people.coordinator)
    response = client.get("/api/v1/registry", {"limit": MAX_PAGE_SIZE + 1})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]
    assert client.get("/api/v1/registry", {"limit": MAX_PAGE_SIZE}).status_code == 200


def test_an_offset_past_any_list_is_refused_not_a_server_error(people):
    # 89334509131215028224 does not fit the database's integers: it was a 500.
    client = Client(raise_request_exception=False)
    client.force_login(people.coordinator)
    for offset in ("89334509131215028224", str(MAX_OFFSET + 1), "-1"):
        response = client.get("/api/v1/registry", {"offset": offset})
        assert response.status_code == 400, offset
        assert "offset" in response.json()["detail"]
    past_the_end = client.get("/api/v1/registry", {"offset": MAX_OFFSET})
    assert past_the_end.status_code == 200
    assert past_the_end.json()["items"] == []


def test_appointments_come_a_page_at_a_time_soonest_first(people):
    start = timezone.now() + timedelta(days=1)
    for day in (3, 1, 2):
        at = start + timedelta(days=day)
        book_appointment(
            patient=people.patient,
            kind="check_in",
            mode="phone",
            staff=people.coordinator,
            starts_at=at,
            ends_at=at + timedelta(minutes=30),
            booked_by=people.coordinator,
        )
    client = Client()
    client.force_login(people.coordinator)
    url = f"/api/v1/patients/{people.patient.pk}/appointments"

    first = client.get(url, {"limit": 2}).json()
    rest = client.get(url, {"limit": 2, "offset": 2}).json()

    assert first["count"] == rest["count"] == 3
    starts = [a["starts_at"] for a in first["items"] + rest["items"]]
    assert len(starts) == 3 and starts == sorted(starts)


def test_enrollments_are_paginated(people):
    client = Client()
    client.force_login(people.coordinator)
    body = client.get(f"/api/v1/patients/{people.patient.pk}/enrollments").json()
    assert body == {"items": [], "count": 0}
