"""/api/v1 invitations: invite, read the state, re-send, withdraw; 404 for everyone else."""

import json

import pytest
from django.test import Client

from tether.invitations import services
from tether.invitations.models import Invitation
from tether.invitations.tests.helpers import GOOD, latest_token, new_patient, path_of


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_it_invites_and_follows_the_state(people):
    patient = new_patient(people)
    client = _client(people.coordinator)
    response = _post(
        client, "/api/v1/invitations", {"patient_id": str(patient.pk), "email": "r@example.org"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "sent" and body["by_email"] and not body["by_text"]
    assert "token" not in json.dumps(body) and "welcome" not in json.dumps(body)
    url = f"/api/v1/invitations/{body['id']}"
    old = path_of(latest_token(patient))
    resent = _post(client, url + "/resend")
    assert resent.status_code == 200 and resent.json()["times_sent"] == 2
    visitor = Client()
    assert visitor.get(old).status_code == 410
    new = path_of(latest_token(patient))
    visitor.get(new)
    assert client.get(url).json()["state"] == "opened"
    visitor.post(new, GOOD)
    assert client.get(url).json()["state"] == "accepted"
    refused = _post(client, url + "/withdraw")
    assert refused.status_code == 400 and refused.json()["detail"]


def test_withdraw_kills_the_link(people):
    patient = new_patient(people)
    invitation = services.invite_patient(patient=patient, by=people.admin, phone="2025550143")
    path = path_of(latest_token(patient, channel="sms"))
    response = _post(_client(people.admin), f"/api/v1/invitations/{invitation.pk}/withdraw")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert Client().get(path).status_code == 410


def test_bad_input_is_a_400_and_saves_nothing(people):
    patient = new_patient(people)
    client = _client(people.coordinator)
    for body in (
        {"patient_id": str(patient.pk)},
        {"patient_id": str(patient.pk), "phone": "not a phone"},
        {"patient_id": str(patient.pk), "email": "nope"},
        {"patient_id": str(patient.pk), "email": "a@b.org", "extra": 1},
    ):
        assert _post(client, "/api/v1/invitations", body).status_code == 400, body
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "who", ["clinician", "peer", "other_coordinator", "outside_admin", "outside_coordinator"]
)
def test_others_get_404(people, who):
    patient = new_patient(people)
    invitation = services.invite_patient(patient=patient, by=people.coordinator, email="r@x.org")
    client = _client(getattr(people, who))
    body = {"patient_id": str(patient.pk), "email": "a@b.org"}
    assert _post(client, "/api/v1/invitations", body).status_code == 404
    assert client.get(f"/api/v1/invitations/{invitation.pk}").status_code == 404
    for action in ("resend", "withdraw"):
        assert _post(client, f"/api/v1/invitations/{invitation.pk}/{action}").status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None and invitation.times_sent == 1
    assert Invitation.objects.count() == 1


def test_a_patient_gets_404(people):
    client = _client(people.patient.user)
    body = {"patient_id": str(people.patient.pk), "email": "a@b.org"}
    assert _post(client, "/api/v1/invitations", body).status_code == 404
