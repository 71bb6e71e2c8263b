"""/api/v1 for the support network: the map, the plan, the safety plan and the supports."""

import json
from datetime import timedelta
from io import StringIO
from urllib.parse import quote
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tether.access import get_trusted_contact
from tether.access.links import Purpose, make_trusted_token
from tether.network.models import Consent, ConsentScope, SafetyPlan, SupportContact
from tether.network.services import (
    add_support,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    set_consent,
)
from tether.notifications.models import Delivery

ALLOWED = ["patient", "coordinator", "clinician", "admin"]
DENIED = [
    "other_patient",
    "other_coordinator",
    "other_clinician",
    "peer",
    "outside_admin",
    "outside_coordinator",
]
PHONE = "+14155552671"


def _user(people, persona: str):
    if persona in ("patient", "other_patient"):
        return getattr(people, persona).user
    return getattr(people, persona)


def _client(people, persona: str) -> Client:
    client = Client()
    client.force_login(_user(people, persona))
    return client


def _send(client: Client, method: str, url: str, body=None):
    if body is None:
        return getattr(client, method)(url)
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


def _counts() -> dict:
    return {
        "contacts": SupportContact.objects.count(),
        "consents": Consent.objects.count(),
        "plans": SafetyPlan.objects.count(),
        "emails": Delivery.objects.count(),
    }


def _trusted(people, **fields) -> SupportContact:
    values = {
        "kind": SupportContact.Kind.TRUSTED_PERSON,
        "name": "Maria Rivera",
        "relationship": "family",
        "email": "maria@example.com",
    }
    return add_support(patient=people.patient, by=people.patient.user, **(values | fields))


def _base(people) -> str:
    return f"/api/v1/patients/{people.patient.pk}"


@pytest.fixture
def maria(people) -> SupportContact:
    return _trusted(people)


@pytest.fixture
def patient_client(people) -> Client:
    return _client(people, "patient")


# Who may call what.

ENDPOINTS = [
    # (name, method, path under the patient, body, status for an allowed caller)
    ("network", "get", "/network", None, 200),
    ("plan", "get", "/plan", None, 200),
    ("safety plan", "get", "/safety-plan", None, 200),
    ("save safety plan", "put", "/safety-plan", {"warning_signs": ["Not sleeping"]}, 201),
    ("safety plan versions", "get", "/safety-plan/versions", None, 200),
    ("contacts", "get", "/contacts", None, 200),
    ("add contact", "post", "/contacts", {"kind": "peer_group", "name": "Tuesday group"}, 201),
    ("contact", "get", "/contacts/{contact}", None, 200),
    ("change contact", "patch", "/contacts/{contact}", {"state": "lapsed"}, 200),
    ("remove contact", "delete", "/contacts/{contact}", None, 204),
    ("consent", "post", "/contacts/{contact}/consent", {"scopes": ["missed_session"]}, 200),
    ("invite", "post", "/contacts/{contact}/invite", {"scopes": ["nudge_check_in"]}, 200),
]
ENDPOINT_IDS = [e[0] for e in ENDPOINTS]
# Consent belongs to the patient: their care team may see the person but not share for them.
PATIENT_ONLY = {"consent", "invite"}


def _url(people, contact: SupportContact, path: str) -> str:
    return _base(people) + path.format(contact=contact.pk)


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize(("name", "method", "path", "body", "status"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_answers_the_patient_and_their_care_team(
    people, maria, persona, name, method, path, body, status
):
    response = _send(_client(people, persona), method, _url(people, maria, path), body)

    if name in PATIENT_ONLY and persona != "patient":
        status = 403
    assert response.status_code == status, response.content


@pytest.mark.parametrize("persona", DENIED)
@pytest.mark.parametrize(("name", "method", "path", "body", "status"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_answers_404_to_everyone_else_and_changes_nothing(
    people, maria, persona, name, method, path, body, status
):
    before = _counts()

    response = _send(_client(people, persona), method, _url(people, maria, path), body)

    assert response.status_code == 404
    assert response.json()["detail"]
    assert _counts() == before
    maria.refresh_from_db()
    assert (maria.state, maria.invitation) == ("active", "not_invited")


@pytest.mark.parametrize(("name", "method", "path", "body", "status"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_it_answers_401_to_anonymous_callers(people, maria, name, method, path, body, status):
    before = _counts()

    response = _send(Client(), method, _url(people, maria, path), body)

    assert response.status_code == 401
    assert _counts() == before


@pytest.mark.parametrize(("name", "method", "path", "body", "status"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_forbidden_patient_looks_exactly_like_an_unknown_one(
    people, maria, name, method, path, body, status
):
    client = _client(people, "other_coordinator")
    unknown = f"/api/v1/patients/{uuid4()}" + path.format(contact=maria.pk)

    forbidden = _send(client, method, _url(people, maria, path), body)
    missing = _send(client, method, unknown, body)

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "12345", "' OR 1=1 --", "0" * 40])
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "status"),
    [e for e in ENDPOINTS if "{contact}" in e[2]],
    ids=[e[0] for e in ENDPOINTS if "{contact}" in e[2]],
)
def test_it_never_fails_on_a_malformed_contact_id(
    people, maria, bad_id, name, method, path, body, status
):
    before = _counts()
    url = _base(people) + path.format(contact=quote(bad_id))

    response = _send(_client(people, "admin"), method, url, body)

    assert response.status_code in (400, 404)
    assert response.json()["detail"]
    assert _counts() == before


def test_it_answers_404_for_another_patients_contact_under_this_patient(people, maria):
    theirs = add_support(
        patient=people.other_patient,
        kind="trusted_person",
        name="Kim",
        by=people.other_coordinator,
    )
    client = _client(people, "admin")  # may see both patients

    response = client.get(f"{_base(people)}/contacts/{theirs.pk}")

    assert response.status_code == 404
    other = f"/api/v1/patients/{people.other_patient.pk}/contacts/{theirs.pk}"
    assert client.get(other).status_code == 200


def test_it_answers_404_for_an_unknown_patient(people):
    response = _client(people, "admin").get(f"/api/v1/patients/{uuid4()}/network")

    assert response.status_code == 404


def test_it_accepts_a_bearer_token_for_writes(people):
    out = StringIO()
    call_command("create_api_token", "clinician", stdout=out)
    headers = {"Authorization": f"Bearer {out.getvalue().strip()}"}

    response = Client(enforce_csrf_checks=True).put(
        f"{_base(people)}/safety-plan",
        json.dumps({"reasons_for_living": ["My dog"]}),
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 201
    assert response.json()["with_clinician"] == people.clinician.display_name


# The map and the plan.


def test_it_shows_the_five_layers_in_order_with_who_holds_them(people, maria, patient_client):
    add_support(
        patient=people.patient, kind="peer_group", name="Tuesday group", by=people.coordinator
    )
    add_support(
        patient=people.patient,
        kind="program",
        name="Sleep course",
        state="declined",
        by=people.coordinator,
    )
    save_safety_plan(
        patient=people.patient, steps={"warning_signs": ["x"]}, written_by=people.patient.user
    )

    network = patient_client.get(f"{_base(people)}/network").json()

    assert network["summary"] == "4/5 layers, 3 single points"
    layers = {layer["layer"]: layer for layer in network["layers"]}
    assert list(layers) == ["crisis", "relational", "peer", "professional", "digital"]
    assert layers["relational"]["label"] == "People I trust"
    assert layers["relational"]["covered"] is True
    assert layers["relational"]["single_point"] is True
    assert layers["relational"]["supports"] == [
        {
            "contact_id": str(maria.pk),
            "name": "Maria Rivera",
            "kind": "trusted_person",
            "layer": "relational",
            "state": "active",
        }
    ]
    assert [s["kind"] for s in layers["crisis"]["supports"]] == ["safety_plan"]
    assert layers["crisis"]["supports"][0]["contact_id"] is None
    professional = layers["professional"]
    assert (professional["covered"], professional["single_point"]) == (True, False)
    assert {s["kind"] for s in professional["supports"]} == {"care_team"}
    assert len(professional["supports"]) == 2
    assert layers["digital"]["covered"] is False
    assert [(s["name"], s["state"]) for s in layers["digital"]["supports"]] == [
        ("Sleep course", "declined")
    ]
    assert network["lapses"] == []
    assert network["loads"] == []
    assert network["gaps_in_words"] == []
    assert network["plan"][0] == {
        "layer": "crisis",
        "title": "Save a crisis line you would call",
        "why": "Choosing one ahead of time makes it easier to reach out when it counts.",
        "action": "support_add_crisis_resource",
    }


def test_it_names_lapses_and_loads_in_words(people, maria):
    set_consent(contact=maria, scopes=["nudge_check_in"], by=people.patient.user)
    respond_to_invitation(contact=maria, accept=True)
    six_weeks_ago = timezone.now() - timedelta(weeks=6)
    for days in range(4):
        record_trusted_check_in(contact=maria, at=six_weeks_ago - timedelta(days=days))
    SupportContact.objects.filter(pk=maria.pk).update(last_checked_in_at=six_weeks_ago)

    network = _client(people, "coordinator").get(f"{_base(people)}/network").json()

    assert network["lapses"] == ["Maria Rivera hasn't checked in for 6 weeks."]
    assert network["loads"] == [{"name": "Maria Rivera", "check_ins": 4, "total": 4, "share": 1.0}]


def test_the_plan_is_the_networks_plan(people, patient_client):
    plan = patient_client.get(f"{_base(people)}/plan").json()
    network = patient_client.get(f"{_base(people)}/network").json()

    assert plan == network["plan"]
    assert [step["title"] for step in plan] == [
        "Write your safety plan",
        "Save a crisis line you would call",
        "Invite one person you trust to check in on you",
    ]
    assert plan[0]["layer"] == "crisis"
    assert plan[0]["why"]


def test_an_empty_network_has_no_layers(people):
    network = _client(people, "admin").get(f"{_base(people)}/network").json()

    # The care team alone holds the professional layer.
    assert network["summary"] == "1/5 layers"
    assert [layer["covered"] for layer in network["layers"]] == [False, False, False, True, False]


# The safety plan.

PLAN = {
    "warning_signs": ["Not sleeping", "Pulling away from people"],
    "coping_on_my_own": ["A walk round the block"],
    "reasons_for_living": ["My dog"],
}


def test_it_shows_no_plan_yet_with_the_crisis_lines(people, patient_client):
    response = patient_client.get(f"{_base(people)}/safety-plan")

    assert response.status_code == 200
    plan = response.json()
    assert plan["version"] is None
    assert plan["warning_signs"] == plan["reasons_for_living"] == []
    assert plan["written_by"] is plan["with_clinician"] is plan["created_at"] is None
    assert plan["crisis_lines"]
    assert {line["kind"] for line in plan["crisis_lines"]} <= {"emergency", "crisis_line"}
    contact = plan["crisis_lines"][0]["contacts"][0]
    assert contact["href"].startswith(("tel:", "sms:", "http"))


def test_it_saves_a_new_version_each_time_and_keeps_the_old(people, patient_client):
    first = _send(patient_client, "put", f"{_base(people)}/safety-plan", PLAN)

    assert first.status_code == 201
    assert first.json()["version"] == 1
    assert first.json()["warning_signs"] == PLAN["warning_signs"]
    assert first.json()["distractions"] == []
    assert first.json()["written_by"] == "Alex Rivera"
    assert first.json()["with_clinician"] is None
    assert first.json()["crisis_lines"]

    clinician = _client(people, "clinician")
    second = _send(clinician, "put", f"{_base(people)}/safety-plan", {"distractions": ["Gym"]})

    assert second.status_code == 201
    assert second.json()["version"] == 2
    assert second.json()["warning_signs"] == []
    assert second.json()["with_clinician"] == people.clinician.display_name
    assert second.json()["written_by"] == people.clinician.display_name

    current = patient_client.get(f"{_base(people)}/safety-plan").json()
    assert (current["version"], current["distractions"]) == (2, ["Gym"])
    versions = patient_client.get(f"{_base(people)}/safety-plan/versions").json()
    assert versions["count"] == 2
    assert [v["version"] for v in versions["items"]] == [2, 1]
    assert versions["items"][1]["warning_signs"] == PLAN["warning_signs"]
    assert "crisis_lines" not in versions["items"][0]
    assert SafetyPlan.objects.filter(patient=people.patient).count() == 2


@pytest.mark.parametrize("persona", ["coordinator", "admin", "patient"])
def test_only_a_clinician_is_recorded_as_making_the_plan_with_the_patient(people, persona):
    response = _send(_client(people, persona), "put", f"{_base(people)}/safety-plan", PLAN)

    assert response.status_code == 201
    assert response.json()["with_clinician"] is None
    assert response.json()["written_by"] == _user(people, persona).display_name


def test_it_pages_the_versions(people, patient_client):
    for n in range(3):
        save_safety_plan(
            patient=people.patient, steps={"warning_signs": [f"v{n}"]}, written_by=people.clinician
        )

    page = patient_client.get(f"{_base(people)}/safety-plan/versions", {"limit": 1, "offset": 1})

    assert page.json()["count"] == 3
    assert [v["version"] for v in page.json()["items"]] == [2]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "Write at least one thing"),
        ({"warning_signs": ["   ", ""]}, "Write at least one thing"),
        ({"warning_signs": [f"sign {n}" for n in range(21)]}, "21 entries"),
        ({"warning_signs": ["x" * 301]}, "longer than 300 characters"),
        ({"warning_signs": 5}, "warning_signs"),
        ({"warning_signs": "Not sleeping"}, "warning_signs"),
        ({"warning_signs": [1, 2]}, "warning_signs"),
        ({"warning_signs": None}, "warning_signs"),
        ({"wishes": ["a pony"]}, "wishes"),
        ([], "not valid"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_it_refuses_a_bad_safety_plan_and_saves_nothing(people, patient_client, body, words):
    save_safety_plan(patient=people.patient, steps=PLAN, written_by=people.patient.user)
    before = _counts()

    response = _send(patient_client, "put", f"{_base(people)}/safety-plan", body)

    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert _counts() == before


def test_it_names_the_step_in_a_safety_plan_problem(people, patient_client):
    body = {"warning_signs": ["x"] * 21}

    response = _send(patient_client, "put", f"{_base(people)}/safety-plan", body)

    assert response.json()["problems"] == [
        "warning_signs: “Signs that a hard time is starting” has 21 entries; please keep it "
        "to 20 or fewer."
    ]


# Supports.


def test_it_adds_a_trusted_person_with_the_phone_in_e164(people, patient_client):
    body = {
        "kind": "trusted_person",
        "name": "  Maria Rivera ",
        "relationship": "family",
        "phone": "(415) 555-2671",
        "email": "maria@example.com",
        "details": "Evenings are best",
    }

    response = _send(patient_client, "post", f"{_base(people)}/contacts", body)

    assert response.status_code == 201
    contact = response.json()
    stored = SupportContact.objects.get(pk=contact["id"])
    assert stored.patient == people.patient
    assert stored.created_by == people.patient.user
    assert {k: v for k, v in contact.items() if k not in ("id", "created_at", "updated_at")} == {
        "kind": "trusted_person",
        "layer": "relational",
        "name": "Maria Rivera",
        "relationship": "family",
        "phone": PHONE,
        "email": "maria@example.com",
        "details": "Evenings are best",
        "state": "active",
        "invitation": "not_invited",
        "check_in_every_days": None,
        "last_checked_in_at": None,
        "scopes": [],
        "suggested_scopes": [],
    }


def test_it_lists_contacts_with_their_active_scopes(people, maria, patient_client):
    add_support(patient=people.patient, kind="program", name="Sleep course", by=people.clinician)
    set_consent(contact=maria, scopes=["see_safety_plan", "missed_session"], by=people.patient.user)
    set_consent(contact=maria, scopes=["missed_session"], by=people.patient.user)

    response = patient_client.get(f"{_base(people)}/contacts")

    assert response.json()["count"] == 2
    rows = {row["name"]: row for row in response.json()["items"]}
    assert rows["Maria Rivera"]["scopes"] == ["missed_session"]
    assert rows["Sleep course"]["scopes"] == []
    assert rows["Sleep course"]["layer"] == "digital"
    one = patient_client.get(f"{_base(people)}/contacts/{maria.pk}").json()
    assert one["scopes"] == ["missed_session"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"phone": "12"}, "phone", "isn't a valid phone number"),
        ({"phone": "+1 555 000 0000"}, "phone", "isn't a valid phone number"),
        ({"phone": "call me"}, "phone", "doesn't look like a phone number"),
        ({"email": "maria@"}, "email", "doesn't look like an email address"),
        ({"name": ""}, "name", "Please add a name."),
        ({"name": "   "}, "name", "Please add a name."),
        ({"name": "x" * 121}, "name", "under 120 characters"),
        ({"kind": "friendship"}, "kind", "not a kind of support"),
        ({"state": "gone"}, "state", "not a state"),
        ({"relationship": "cousin"}, "relationship", "not a relationship"),
        ({"name": 5}, "name", "valid string"),
        ({"phone": ["+14155552671"]}, "phone", "valid string"),
        ({"details": "x" * 301}, "details", "at most 300"),
        ({"nickname": "M"}, "nickname", "not permitted"),
    ],
)
def test_it_refuses_a_bad_contact_and_saves_nothing(people, patient_client, change, field, words):
    body = {"kind": "trusted_person", "name": "Maria", "phone": PHONE} | change
    before = _counts()

    response = _send(patient_client, "post", f"{_base(people)}/contacts", body)

    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert any(p.startswith(f"{field}:") for p in response.json()["problems"])
    assert _counts() == before


def test_it_refuses_a_contact_without_a_name_or_kind(people, patient_client):
    response = _send(patient_client, "post", f"{_base(people)}/contacts", {"phone": PHONE})

    assert response.status_code == 400
    assert len(response.json()["problems"]) == 2
    assert SupportContact.objects.count() == 0


def test_it_changes_only_the_fields_sent(people, maria, patient_client):
    url = f"{_base(people)}/contacts/{maria.pk}"

    response = _send(patient_client, "patch", url, {"phone": "415 555 2671", "state": "lapsed"})

    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["state"]) == (PHONE, "lapsed")
    maria.refresh_from_db()
    assert (maria.name, maria.email, maria.phone, maria.state) == (
        "Maria Rivera",
        "maria@example.com",
        PHONE,
        "lapsed",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "12"},
        {"email": "nope"},
        {"name": ""},
        {"state": "gone"},
        {"kind": "program"},
        {"state": 3},
        {"name": "Maria R", "phone": "12"},
    ],
)
def test_it_refuses_a_bad_change_and_keeps_the_contact(people, maria, patient_client, change):
    before = SupportContact.objects.values().get(pk=maria.pk)

    response = _send(patient_client, "patch", f"{_base(people)}/contacts/{maria.pk}", change)

    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert SupportContact.objects.values().get(pk=maria.pk) == before


def test_an_invited_person_keeps_a_way_to_be_reached(people, maria, patient_client):
    set_consent(contact=maria, scopes=["nudge_check_in"], by=people.patient.user)
    SupportContact.objects.filter(pk=maria.pk).update(invitation="invited")

    response = _send(patient_client, "patch", f"{_base(people)}/contacts/{maria.pk}", {"email": ""})

    assert response.status_code == 400
    assert "so we can invite them" in response.json()["detail"]
    maria.refresh_from_db()
    assert maria.email == "maria@example.com"


def test_it_removes_a_contact_and_its_links(people, maria, patient_client):
    set_consent(contact=maria, scopes=["nudge_check_in"], by=people.patient.user)
    token = make_trusted_token(maria, Purpose.INVITATION)
    url = f"{_base(people)}/contacts/{maria.pk}"

    response = patient_client.delete(url)

    assert response.status_code == 204
    assert not SupportContact.objects.filter(pk=maria.pk).exists()
    assert patient_client.get(url).status_code == 404
    with pytest.raises(Http404):
        get_trusted_contact(token, Purpose.INVITATION)


# Consent and invitations.


def _consent(client, people, contact, body):
    return _send(client, "post", f"{_base(people)}/contacts/{contact.pk}/consent", body)


def _invite(client, people, contact, body):
    return _send(client, "post", f"{_base(people)}/contacts/{contact.pk}/invite", body)


def test_it_invites_a_trusted_person_by_email(people, maria, patient_client):
    body = {"scopes": ["nudge_check_in", "see_safety_plan"], "check_in_every_days": 14}

    response = _invite(patient_client, people, maria, body)

    assert response.status_code == 200
    assert response.json()["invitation"] == "invited"
    assert response.json()["scopes"] == ["nudge_check_in", "see_safety_plan"]
    assert response.json()["check_in_every_days"] == 14
    email = Delivery.objects.get()
    assert email.to == "maria@example.com"
    assert email.purpose == "trusted-invitation"
    # Nothing that names the patient or their health travels by email: the link says who.
    for private in (people.patient.first_name, people.patient.last_name, "score"):
        assert private not in email.subject + email.body
    token = email.body.split("/trusted/invitation/")[1].split("/")[0]
    assert get_trusted_contact(token, Purpose.INVITATION) == maria


@pytest.mark.parametrize(
    ("setup", "body", "words"),
    [
        ({}, {"scopes": []}, "Choose at least one thing to share"),
        ({}, {"scopes": ["see_scores"]}, "Unknown sharing choices: see_scores"),
        ({}, {"scopes": ["nudge_check_in"], "check_in_every_days": 10}, "Choose how often"),
        ({}, {"scopes": "nudge_check_in"}, "scopes"),
        ({}, {"check_in_every_days": 7}, "scopes"),
        ({"email": ""}, {"scopes": ["nudge_check_in"]}, "Add an email address"),
        ({"kind": "peer_group"}, {"scopes": ["nudge_check_in"]}, "Only a trusted person"),
    ],
)
def test_it_refuses_a_bad_invitation_and_saves_nothing(people, patient_client, setup, body, words):
    contact = _trusted(people, **setup)
    before = _counts()

    response = _invite(patient_client, people, contact, body)

    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert _counts() == before
    contact.refresh_from_db()
    assert (contact.invitation, contact.check_in_every_days) == ("not_invited", None)


@pytest.mark.parametrize(
    ("setup", "body", "words"),
    [
        ({}, {"scopes": ["see_scores"]}, "Unknown sharing choices"),
        ({}, {"scopes": ["nudge_check_in"], "check_in_every_days": 0}, "Choose how often"),
        ({}, {"scopes": [3]}, "scopes"),
        ({}, {"scopes": ["nudge_check_in"], "check_in_every_days": "weekly"}, "check_in"),
        ({"kind": "program"}, {"scopes": ["nudge_check_in"]}, "Only a trusted person"),
    ],
)
def test_it_refuses_bad_consent_and_saves_nothing(people, patient_client, setup, body, words):
    contact = _trusted(people, **setup)
    before = _counts()

    response = _consent(patient_client, people, contact, body)

    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert _counts() == before


def test_a_withdrawal_through_the_api_stops_links_at_once(people, maria, patient_client):
    _invite(patient_client, people, maria, {"scopes": ["nudge_check_in", "see_safety_plan"]})
    respond_to_invitation(contact=maria, accept=True)
    maria.refresh_from_db()
    plan_link = make_trusted_token(maria, Purpose.SAFETY_PLAN)
    check_in_link = make_trusted_token(maria, Purpose.CHECK_IN)
    assert get_trusted_contact(plan_link, Purpose.SAFETY_PLAN) == maria

    narrower = _consent(patient_client, people, maria, {"scopes": ["nudge_check_in"]})

    assert narrower.json()["scopes"] == ["nudge_check_in"]
    with pytest.raises(Http404):
        get_trusted_contact(plan_link, Purpose.SAFETY_PLAN)
    assert get_trusted_contact(check_in_link, Purpose.CHECK_IN) == maria

    withdrawn = _consent(patient_client, people, maria, {"scopes": []})

    assert withdrawn.status_code == 200
    assert withdrawn.json()["scopes"] == []
    with pytest.raises(Http404):
        get_trusted_contact(check_in_link, Purpose.CHECK_IN)
    assert not Consent.objects.filter(contact=maria, withdrawn_at__isnull=True).exists()
    assert Consent.objects.filter(contact=maria).count() == 2  # history is kept


def test_staff_cannot_share_or_set_the_check_in_schedule_for_the_patient(people, maria):
    # Consent belongs to the patient (issue 10): staff suggest instead.
    response = _consent(
        _client(people, "coordinator"),
        people,
        maria,
        {"scopes": [ConsentScope.NUDGE_CHECK_IN], "check_in_every_days": 28},
    )

    assert response.status_code == 403
    maria.refresh_from_db()
    assert maria.check_in_every_days is None
    assert not Consent.objects.filter(contact=maria).exists()


# The OpenAPI document.


@pytest.fixture
def openapi(db) -> dict:
    return Client().get("/api/v1/openapi.json").json()


def test_the_openapi_document_lists_the_network_paths(openapi):
    operations = {(path, method) for path, item in openapi["paths"].items() for method in item}
    base = "/api/v1/patients/{patient_id}"
    contact = base + "/contacts/{contact_id}"

    assert operations >= {
        (base + "/network", "get"),
        (base + "/plan", "get"),
        (base + "/safety-plan", "get"),
        (base + "/safety-plan", "put"),
        (base + "/safety-plan/versions", "get"),
        (base + "/contacts", "get"),
        (base + "/contacts", "post"),
        (contact, "get"),
        (contact, "patch"),
        (contact, "delete"),
        (contact + "/consent", "post"),
        (contact + "/invite", "post"),
        (contact + "/suggested-scopes", "put"),
        (contact + "/suggested-scopes/share", "post"),
    }
    network = openapi["paths"][base + "/network"]["get"]
    assert network["tags"] == ["network"]
    assert network["security"]


def test_the_openapi_document_describes_the_network_shapes(openapi):
    schemas = openapi["components"]["schemas"]

    assert {
        "NetworkOut",
        "LayerOut",
        "SupportOut",
        "StepOut",
        "SafetyPlanIn",
        "SafetyPlanOut",
        "SafetyPlanVersionOut",
        "CrisisLineOut",
        "ContactIn",
        "ContactPatch",
        "ContactOut",
        "ConsentIn",
    } <= set(schemas)
    assert schemas["ContactIn"]["properties"]["kind"]["enum"] == [
        "trusted_person",
        "peer_group",
        "professional",
        "program",
        "crisis_resource",
    ]
    scopes = schemas["ConsentIn"]["properties"]["scopes"]["items"]["enum"]
    assert scopes == ["nudge_check_in", "missed_session", "see_safety_plan"]
    warning_signs = schemas["SafetyPlanIn"]["properties"]["warning_signs"]
    assert warning_signs["maxItems"] == 20
    assert "Signs that a hard time is starting" in warning_signs["description"]
    assert schemas["LayerOut"]["properties"]["layer"]["enum"] == [
        "crisis",
        "relational",
        "peer",
        "professional",
        "digital",
    ]
