"""Consent belongs to the patient (issue 10, item 10): staff cannot grant or widen what a
trusted person sees, through the web or the API; they may suggest, and the patient confirms.
Every persona: patient, coordinator, clinician, admin, peer supporter, outsider."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tether.network.models import ConsentScope, SupportContact
from tether.network.services import active_scopes, add_support, set_consent
from tether.notifications.models import Delivery

NUDGE, MISSED, PLAN = (
    ConsentScope.NUDGE_CHECK_IN,
    ConsentScope.MISSED_SESSION,
    ConsentScope.SEE_SAFETY_PLAN,
)
STAFF = ["coordinator", "clinician", "admin"]
STRANGERS = ["peer", "other_coordinator", "outside_admin", "outside_coordinator", "other_patient"]


def _user(people, persona):
    found = getattr(people, persona)
    return found.user if persona in ("patient", "other_patient") else found


def _client(people, persona) -> Client:
    client = Client()
    client.force_login(_user(people, persona))
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def maria(people):
    """A trusted person the coordinator added; nothing shared, never invited."""
    return add_support(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        email="maria@example.org",
        by=people.coordinator,
    )


def _url(people, contact, tail=""):
    return f"/api/v1/patients/{people.patient.pk}/contacts/{contact.pk}/{tail}"


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_cannot_grant_or_widen_scopes_through_the_api(people, maria, persona):
    client = _client(people, persona)
    response = _post(client, _url(people, maria, "consent"), {"scopes": [PLAN]})
    assert response.status_code == 403, response.content
    assert "Only the patient" in response.json()["detail"]
    response = _post(client, _url(people, maria, "invite"), {"scopes": [NUDGE]})
    assert response.status_code == 403
    assert active_scopes(maria) == set()
    assert not Delivery.objects.filter(purpose="trusted-invitation").exists()
    maria.refresh_from_db()
    assert maria.invitation == SupportContact.Invitation.NOT_INVITED


@pytest.mark.parametrize("persona", STAFF)
def test_staff_cannot_widen_what_the_patient_already_shares(people, maria, persona):
    set_consent(contact=maria, scopes=[NUDGE], by=people.patient.user, check_in_every_days=7)
    client = _client(people, persona)
    widen = _post(client, _url(people, maria, "consent"), {"scopes": [NUDGE, MISSED]})
    assert widen.status_code == 403
    schedule = _post(
        client, _url(people, maria, "consent"), {"scopes": [NUDGE], "check_in_every_days": 14}
    )
    assert schedule.status_code == 403
    assert active_scopes(maria) == {NUDGE}
    # Withdrawing never widens: staff may stop sharing (e.g. when the patient asks them to).
    narrowed = _post(client, _url(people, maria, "consent"), {"scopes": []})
    assert narrowed.status_code == 200
    assert active_scopes(maria) == set()


@pytest.mark.parametrize("persona", STRANGERS)
def test_others_get_404_for_every_consent_route(people, maria, persona):
    client = _client(people, persona)
    for tail, send, body in [
        ("consent", _post, {"scopes": [PLAN]}),
        ("invite", _post, {"scopes": [NUDGE]}),
        ("suggested-scopes", _put, {"scopes": [PLAN]}),
        ("suggested-scopes/share", _post, {}),
    ]:
        assert send(client, _url(people, maria, tail), body).status_code == 404, tail
    maria.refresh_from_db()
    assert (maria.suggested_scopes, active_scopes(maria)) == ([], set())


@pytest.mark.parametrize("persona", STAFF)
def test_staff_suggest_and_only_the_patient_confirms_through_the_api(
    people, maria, persona, mailoutbox, django_capture_on_commit_callbacks
):
    staff = _client(people, persona)
    response = _put(staff, _url(people, maria, "suggested-scopes"), {"scopes": [PLAN, NUDGE]})
    assert response.status_code == 200, response.content
    assert response.json()["suggested_scopes"] == [NUDGE, PLAN]
    assert response.json()["scopes"] == []
    # Staff cannot confirm their own suggestion.
    assert _post(staff, _url(people, maria, "suggested-scopes/share"), {}).status_code == 403

    patient = _client(people, "patient")
    assert (
        _put(patient, _url(people, maria, "suggested-scopes"), {"scopes": [MISSED]}).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        one = _post(patient, _url(people, maria, "suggested-scopes/share"), {"scopes": [NUDGE]})
    assert one.status_code == 200, one.content
    assert (one.json()["scopes"], one.json()["suggested_scopes"]) == ([NUDGE], [PLAN])
    assert one.json()["invitation"] == "invited"
    [invitation] = mailoutbox
    assert "asked for you" in invitation.body  # true: the patient did
    assert "safety plan" not in invitation.body
    with django_capture_on_commit_callbacks(execute=True):
        rest = _post(patient, _url(people, maria, "suggested-scopes/share"), {"scopes": None})
    assert (rest.json()["scopes"], rest.json()["suggested_scopes"]) == ([NUDGE, PLAN], [])
    assert len(mailoutbox) == 1  # already invited: no second invitation


def test_the_patient_shares_directly_and_cannot_confirm_what_was_not_suggested(people, maria):
    patient = _client(people, "patient")
    response = _post(patient, _url(people, maria, "suggested-scopes/share"), {"scopes": [PLAN]})
    assert response.status_code == 400
    assert active_scopes(maria) == set()
    response = _post(patient, _url(people, maria, "invite"), {"scopes": [PLAN]})
    assert response.status_code == 200
    assert response.json()["scopes"] == [PLAN]


def test_suggestions_are_checked(people, maria):
    staff = _client(people, "coordinator")
    bad = _put(staff, _url(people, maria, "suggested-scopes"), {"scopes": ["see_scores"]})
    assert bad.status_code == 400
    crisis_line = add_support(
        patient=people.patient,
        kind=SupportContact.Kind.CRISIS_RESOURCE,
        name="988",
        by=people.coordinator,
    )
    other = _put(staff, _url(people, crisis_line, "suggested-scopes"), {"scopes": [NUDGE]})
    assert other.status_code == 400
    maria.refresh_from_db()
    assert maria.suggested_scopes == []


# --- The web ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_suggest_on_the_web_and_the_patient_taps_share_this(
    client, people, maria, persona, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(_user(people, persona))
    staff_page = reverse("staff_support", args=[people.patient.pk])
    page = client.get(staff_page).content.decode()
    assert "Suggest what Alex could share" in page
    url = reverse("staff_support_suggest", args=[people.patient.pk, maria.pk])
    response = client.post(url, {"scopes": [MISSED, PLAN]})
    assert response.status_code == 302
    assert active_scopes(maria) == set()
    assert "Waiting for the patient to decide" in client.get(staff_page).content.decode()
    # The patient's own pages are not staff's to use.
    share = reverse("support_share_suggested", args=[maria.pk])
    assert client.post(share, {"scope": MISSED}).status_code == 404
    assert client.post(reverse("support_sharing", args=[maria.pk])).status_code == 404

    client.force_login(people.patient.user)
    page = client.get(reverse("my_support")).content.decode()
    assert "Your care team suggests" in page
    assert "Share this" in page and "Share all of these" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(share, {"scope": MISSED})
    assert response.status_code == 302
    assert active_scopes(maria) == {MISSED}
    maria.refresh_from_db()
    assert maria.suggested_scopes == [PLAN]
    assert maria.invitation == SupportContact.Invitation.INVITED
    [invitation] = mailoutbox
    assert "asked for you" in invitation.body
    client.post(reverse("support_suggestions_aside", args=[maria.pk]))
    maria.refresh_from_db()
    assert maria.suggested_scopes == []
    assert active_scopes(maria) == {MISSED}


@pytest.mark.parametrize("persona", ["peer", "other_coordinator", "outside_admin"])
def test_others_cannot_suggest_on_the_web(client, people, maria, persona):
    client.force_login(_user(people, persona))
    url = reverse("staff_support_suggest", args=[people.patient.pk, maria.pk])
    assert client.post(url, {"scopes": [PLAN]}).status_code == 404
    maria.refresh_from_db()
    assert maria.suggested_scopes == []


def test_another_patient_cannot_share_on_maria(client, people, maria):
    maria.suggested_scopes = [PLAN]
    maria.save(update_fields=["suggested_scopes"])
    client.force_login(people.other_patient.user)
    assert client.post(reverse("support_share_suggested", args=[maria.pk])).status_code == 404
    assert active_scopes(maria) == set()


def test_a_patient_suggesting_on_the_staff_route_gets_404(client, people, maria):
    client.force_login(people.patient.user)
    url = reverse("staff_support_suggest", args=[people.patient.pk, maria.pk])
    assert client.post(url, {"scopes": [PLAN]}).status_code == 404
