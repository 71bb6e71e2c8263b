"""The registry's support-network column (the caseload's before the caseload became the
registry), on the page and in the API, at a constant cost."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_patient
from tether.care import views_registry
from tether.network.layers import Layer
from tether.network.models import ConsentScope, SupportContact
from tether.network.selectors import network_for
from tether.network.services import (
    add_support,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    set_consent,
)


def _trusted(patient, name: str, check_ins: int = 0) -> SupportContact:
    contact = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name=name,
        relationship="friend",
        email=f"{name.lower()}@example.org",
        by=patient.user,
    )
    set_consent(contact=contact, scopes=[ConsentScope.NUDGE_CHECK_IN], by=patient.user)
    respond_to_invitation(contact=contact, accept=True)
    for n in range(check_ins):
        record_trusted_check_in(contact=contact, at=timezone.now() - timedelta(days=3 + 7 * n))
    return contact


def _full_network(patient) -> None:
    """Crisis (plan + line), two trusted people, a group, the care team, a program."""
    save_safety_plan(
        patient=patient, steps={"warning_signs": ["Not sleeping"]}, written_by=patient.user
    )
    for kind, name in (
        (SupportContact.Kind.CRISIS_RESOURCE, "988 Suicide & Crisis Lifeline"),
        (SupportContact.Kind.PEER_GROUP, "Tuesday group"),
        (SupportContact.Kind.PROGRAM, "MoodSteps"),
    ):
        add_support(patient=patient, kind=kind, name=name, by=patient.user)
    _trusted(patient, "Maria", check_ins=2)
    _trusted(patient, "Tom", check_ins=2)


def _get(user, url: str):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_registry_page_shows_each_patients_network_coverage(people):
    _full_network(people.patient)
    make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        first_name="Cy",
        last_name="Zed",
    )

    page = _get(people.coordinator, "/staff/registry/").content.decode()

    assert '<th scope="col">Support network</th>' in page
    rivera, zed = page.index("Rivera, Alex"), page.index("Zed, Cy")
    assert "5/5 layers, 2 single points" in page[rivera:zed]
    # Care team only: the coordinator and the clinician hold one layer between them.
    assert "1/5 layers" in page[zed:]


def test_the_caseload_api_shows_each_patients_network_coverage(people):
    patient = people.patient
    _trusted(patient, "Maria", check_ins=5)

    (row,) = _get(people.coordinator, "/api/v1/caseload").json()["items"]

    assert row["patient_id"] == str(patient.pk)
    assert row["network"] == "2/5 layers, 1 single point"


def test_the_openapi_document_describes_the_network_column(people):
    schema = _get(people.coordinator, "/api/v1/openapi.json").json()

    row = schema["components"]["schemas"]["RegistryRowOut"]
    assert "network" in row["required"]
    assert "3/5 layers, 1 single point" in row["properties"]["network"]["description"]


def _grow(people, upto: int) -> None:
    """Give the coordinator `upto` patients, every one with a support network to read."""
    have = people.coordinator.care_teams.count()
    for n in range(have, upto):
        patient = make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            first_name=f"Pat{n:02d}",
            last_name=f"Net{n:02d}",
        )
        if n % 3 == 0:
            _full_network(patient)
        elif n % 3 == 1:
            _trusted(patient, f"Friend{n}", check_ins=n % 5)


def _count(user, url: str) -> tuple[int, object]:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_network_column_costs_the_same_queries_for_3_and_30_patients(people, monkeypatch):
    monkeypatch.setattr(views_registry, "REGISTRY_PAGE_SIZE", 50)

    _grow(people, 3)
    page_few, page = _count(people.coordinator, "/staff/registry/")
    api_few, api = _count(people.coordinator, "/api/v1/caseload?limit=50")
    assert page.content.decode().count("/5 layers") == 3
    assert len(api.json()["items"]) == 3

    _grow(people, 30)
    page_many, page = _count(people.coordinator, "/staff/registry/")
    api_many, api = _count(people.coordinator, "/api/v1/caseload?limit=50")
    assert page.content.decode().count("5/5 layers, 2 single points") == 9
    assert {row["network"] for row in api.json()["items"]} == {
        "5/5 layers, 2 single points",
        "2/5 layers, 1 single point",
        "1/5 layers",
    }

    assert (page_many, api_many) == (page_few, api_few)


def test_check_ins_are_counted_once_whatever_the_consents(people):
    """Three consents (one withdrawn) must not triple the check-ins and invent a load."""
    patient = people.patient
    maria = _trusted(patient, "Maria", check_ins=2)
    set_consent(
        contact=maria,
        scopes=[ConsentScope.NUDGE_CHECK_IN, ConsentScope.SEE_SAFETY_PLAN],
        by=patient.user,
    )
    set_consent(
        contact=maria,
        scopes=[ConsentScope.NUDGE_CHECK_IN, ConsentScope.MISSED_SESSION],
        by=patient.user,
    )

    network = network_for(patient)

    (support,) = network.analysis.layers[Layer.RELATIONAL].active
    assert support.check_ins == 2
    assert support.expects_check_ins
    assert network.analysis.loads == ()  # 2 check-ins are too few to call a load
