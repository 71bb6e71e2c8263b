"""Schemathesis against /api/v1's own OpenAPI document: requests generated from the document,
valid and deliberately invalid, sent in-process through the WSGI app as a patient and as a
clinician (bearer tokens), must never meet a server error, and every answer must match the
document (status code, content type and body schema).

Bounded for `make test`: a fixed number of examples per operation, derandomized so CI
replays the same cases. Each example runs in a savepoint that is rolled back, so one case's
writes never change the next and a database error cannot poison the test's transaction.
A well-formed id in a path is replaced by the id of one of the personas' real records (a
random one would only ever read as 404), so the endpoints' own rules are reached too.
"""

import json
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tether.accounts.tokens import create_api_token
from tether.api.api import api
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.network.services import add_support
from tether.peers import services as peers
from tether.wsgi import application

EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


# The document GET /api/v1/openapi.json serves (a test below checks they are the same), read
# at collection so schemathesis can make one test per operation. (Its pytest fixture loader,
# schemathesis.pytest.from_fixture, does not run on pytest 9.)
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application


def test_the_tested_document_is_the_served_one(people):
    client = Client()
    client.force_login(people.admin)
    assert client.get("/api/v1/openapi.json").json() == schema.raw_schema


@pytest.fixture(autouse=True)
def _wsgi_host(settings):
    # Schemathesis's WSGI client calls the app at http://localhost.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@pytest.fixture
def tokens(peer_world) -> dict[str, str]:
    people = peer_world.people
    return {
        who: create_api_token(user=user, name=f"schemathesis {who}")
        for who, user in [("patient", people.patient.user), ("clinician", people.clinician)]
    }


@pytest.fixture
def real_ids(peer_world) -> dict[str, str]:
    """The personas' own records, by the path parameter that names them."""
    people = peer_world.people
    post = peers.create_post(membership=peer_world.heron, body="Hello, everyone.").post
    alert = raise_risk_alert(
        patient=people.patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
    )
    contact = add_support(
        patient=people.patient, by=people.patient.user, kind="trusted_person", name="Ann Lee"
    )
    return {
        "patient_id": str(people.patient.pk),
        "group_id": str(peer_world.parents.pk),
        "post_id": str(post.pk),
        "alert_id": str(alert.pk),
        "contact_id": str(contact.pk),
    }


@pytest.fixture
def in_process_requests():
    """Keep the test's database connection through the WSGI handler's requests, as Django's
    test client does: the handler otherwise closes a connection that is inside a transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _send(case, token: str) -> None:
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        transaction.set_rollback(True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document_and_never_fails(case, tokens, real_ids, in_process_requests):
    # A well-formed id names a real record; a malformed one (negative cases) is sent as is.
    for name, value in (case.path_parameters or {}).items():
        if name in real_ids and _is_uuid(value):
            case.path_parameters[name] = real_ids[name]
    for token in tokens.values():
        _send(case, token)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def test_no_two_shapes_share_a_component_name():
    # Ninja names a component after its class alone: a second class of the same name replaced
    # the first in the document (the questionnaires' BandOut and the outcomes' one did).
    components = schema.raw_schema["components"]["schemas"]
    classes = {
        (cls.__module__, cls.__qualname__)
        for cls in _subclasses(Schema)
        if cls.__module__.startswith("tether.") and cls.__name__ in components
    }
    names = [qualname.rsplit(".", 1)[-1] for _, qualname in classes]
    assert sorted(names) == sorted(set(names))
