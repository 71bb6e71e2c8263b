"""A person's own API tokens, through /api/v1/me/tokens and the page /me/api-tokens/: list,
make (shown once), revoke (recorded); another person's token is a 404."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.accounts.models import ApiToken
from tether.accounts.tokens import issue_token
from tether.audit.models import AuditEvent


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _post(client: Client, url: str, body: dict | None = None, **kwargs):
    data = json.dumps(body) if body is not None else ""
    return client.post(url, data, content_type="application/json", **kwargs)


@pytest.fixture
def signed_in(people) -> Client:
    client = Client()
    client.force_login(people.patient.user)
    return client


# The API.


def test_it_lists_only_my_own_tokens_newest_first_with_their_status(people):
    mine = issue_token(user=people.clinician, name="EHR sync")
    old = issue_token(user=people.clinician, name="Old export")
    ApiToken.objects.filter(pk=old.token.pk).update(
        created_at=timezone.now() - timedelta(days=100),
        expires_at=timezone.now() - timedelta(days=10),
    )
    issue_token(user=people.coordinator, name="Not mine")

    body = Client().get("/api/v1/me/tokens", headers=_bearer(mine.secret)).json()

    assert body["count"] == 2
    assert [(t["name"], t["status"]) for t in body["items"]] == [
        ("EHR sync", "active"),
        ("Old export", "expired"),
    ]
    assert body["items"][0]["id"] == str(mine.token.public_id)
    assert body["items"][0]["last_used_at"] is not None
    assert "token" not in body["items"][0] and "key_hash" not in body["items"][0]


def test_it_makes_a_token_shown_once(people, signed_in):
    made = _post(signed_in, "/api/v1/me/tokens", {"name": "EHR sync", "expires_in_days": 30})

    assert made.status_code == 201
    body = made.json()
    stored = ApiToken.objects.get(public_id=body["id"])
    assert stored.user == people.patient.user
    assert stored.key_hash == ApiToken.hash(body["token"])
    assert timedelta(days=29, hours=23) < stored.expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get("/api/v1/me/tokens", headers=_bearer(body["token"])).status_code == 200
    listed = signed_in.get("/api/v1/me/tokens").json()["items"]
    assert all("token" not in t for t in listed)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "EHR", "expires_in_days": 366},
        {"name": "EHR", "expires_in_days": 0},
        {"name": "EHR", "scopes": ["all"]},
    ],
)
def test_it_refuses_a_bad_request_and_makes_nothing(people, signed_in, body):
    made = _post(signed_in, "/api/v1/me/tokens", body)

    assert made.status_code == 400
    assert made.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_token_made_with_a_token_expires_no_later_than_it(people):
    short = issue_token(user=people.clinician, name="Short", expires_in_days=7)

    made = _post(
        Client(),
        "/api/v1/me/tokens",
        {"name": "Longer", "expires_in_days": 365},
        headers=_bearer(short.secret),
    )

    assert made.status_code == 201
    assert ApiToken.objects.get(name="Longer").expires_at == short.token.expires_at


def test_it_revokes_my_token_and_records_it(people):
    issued = issue_token(user=people.clinician, name="EHR sync")
    other = issue_token(user=people.clinician, name="Export")
    url = f"/api/v1/me/tokens/{issued.token.public_id}/revoke"

    revoked = _post(Client(), url, headers=_bearer(other.secret))
    again = _post(Client(), url, headers=_bearer(other.secret))

    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_because"] == "owner"
    assert again.status_code == 200
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert Client().get("/api/v1/alerts", headers=_bearer(issued.secret)).status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_REVOKED)
    assert (event.actor, event.subject) == (people.clinician, people.clinician)
    assert "EHR sync" in event.detail


@pytest.mark.parametrize("owner", ["coordinator", "admin", "outside_admin", "patient"])
def test_another_persons_token_is_not_found(people, owner):
    someone = people.patient.user if owner == "patient" else getattr(people, owner)
    theirs = issue_token(user=someone, name="Theirs")
    mine = issue_token(user=people.clinician, name="Mine")
    unknown = "00000000-0000-0000-0000-000000000000"

    refused = _post(
        Client(), f"/api/v1/me/tokens/{theirs.token.public_id}/revoke", headers=_bearer(mine.secret)
    )
    missing = _post(Client(), f"/api/v1/me/tokens/{unknown}/revoke", headers=_bearer(mine.secret))

    assert (refused.status_code, missing.status_code) == (404, 404)
    assert refused.json() == missing.json()
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert not AuditEvent.objects.exists()


def test_the_token_endpoints_need_someone_signed_in(people):
    assert Client().get("/api/v1/me/tokens").status_code == 401
    assert _post(Client(), "/api/v1/me/tokens", {"name": "EHR"}).status_code == 401
    assert not ApiToken.objects.exists()


def test_the_openapi_document_describes_the_token_endpoints(db):
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]

    assert set(paths["/api/v1/me/tokens"]) == {"get", "post"}
    assert set(paths["/api/v1/me/tokens/{token_id}/revoke"]) == {"post"}
    created = paths["/api/v1/me/tokens"]["post"]["responses"]["201"]["content"]
    ref = created["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][ref]
    assert "token" in schema["required"]
    assert schema["properties"]["status"]["enum"] == ["active", "expired", "revoked"]
    request = document["components"]["schemas"]["TokenIn"]["properties"]["expires_in_days"]
    assert (request["default"], request["minimum"], request["maximum"]) == (90, 1, 365)


# The page.


def test_the_page_lists_my_tokens_and_nobody_elses(people, signed_in):
    issue_token(user=people.patient.user, name="Mood diary app")
    revoked = issue_token(user=people.patient.user, name="Old phone").token
    ApiToken.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revoked_because="password_changed"
    )
    issue_token(user=people.other_patient.user, name="Someone else's")

    page = signed_in.get("/me/api-tokens/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Mood diary app" in html and "Old phone" in html
    assert "Revoked when your password changed" in html
    assert "Someone else" not in html
    assert html.count(">Revoke</button>") == 1  # only the active token can be revoked


def test_the_page_makes_a_token_and_shows_it_once(people, signed_in):
    made = signed_in.post("/me/api-tokens/", {"name": "Mood diary app", "expires_in_days": "30"})

    assert made.status_code == 200
    token = ApiToken.objects.get()
    secret = made.context["issued"].secret
    assert token.key_hash == ApiToken.hash(secret)
    assert secret in made.content.decode()
    assert "only time Tether shows it" in made.content.decode()
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert secret not in signed_in.get("/me/api-tokens/").content.decode()


@pytest.mark.parametrize(
    "form", [{"name": "", "expires_in_days": "90"}, {"name": "EHR", "expires_in_days": "400"}]
)
def test_the_page_explains_a_mistake_and_makes_nothing(people, signed_in, form):
    made = signed_in.post("/me/api-tokens/", form)

    assert made.status_code == 400
    assert 'class="error"' in made.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_revokes_my_token_and_records_it(people, signed_in):
    issued = issue_token(user=people.patient.user, name="Mood diary app")

    revoked = signed_in.post(f"/me/api-tokens/{issued.token.public_id}/revoke/", follow=True)

    assert revoked.status_code == 200
    assert "“Mood diary app” is revoked" in revoked.content.decode()
    assert ApiToken.objects.get().revoked_because == "owner"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED).count() == 1


def test_the_page_answers_404_for_another_persons_token(people, signed_in):
    theirs = issue_token(user=people.other_patient.user, name="Theirs")

    refused = signed_in.post(f"/me/api-tokens/{theirs.token.public_id}/revoke/")

    assert refused.status_code == 404
    assert ApiToken.objects.get().revoked_at is None
