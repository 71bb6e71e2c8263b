"""Who may open the staff side of peer communities: every persona against the moderator's
pages, the admin's group form and the care team's pseudonym look-up. Everyone else gets the
same 404 as for a page that does not exist, and a refused request writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from tether.accounts.models import Patient
from tether.audit.models import AuditEvent
from tether.peers import services
from tether.peers.models import ModerationAction, PeerGroup, Post

# Opening pages records reads too; these tests are about the pseudonym look-up.
REVEALS = AuditEvent.objects.filter(action=AuditEvent.Action.PSEUDONYM_REVEALED)

PERSONAS = [
    "patient",
    "other_patient",
    "peer",
    "other_peer",
    "coordinator",
    "clinician",
    "other_coordinator",
    "admin",
    "outside_admin",
    "outside_coordinator",
]


def _user(peer_world, persona):
    if persona == "other_peer":
        return peer_world.other_peer
    found = getattr(peer_world.people, persona)
    return found.user if isinstance(found, Patient) else found


def _client(peer_world, persona) -> Client:
    client = Client()
    client.force_login(_user(peer_world, persona))
    return client


@pytest.fixture
def reported(peer_world) -> Post:
    """A post by Willow in New parents that Heron reported."""
    post = services.create_post(membership=peer_world.willow, body="Rough night again.").post
    services.report_post(post=post, reporter=peer_world.heron, reason="Worried about her")
    return post


# --- The queue -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue(peer_world, reported, persona):
    response = _client(peer_world, persona).get("/peers/moderation/")

    if persona in ("peer", "admin"):
        assert response.status_code == 200
        assert "Rough night again." in response.content.decode()
    elif persona in ("other_peer", "outside_admin"):
        # They have a queue of their own, without this group's posts.
        assert response.status_code == 200
        assert "Rough night again." not in response.content.decode()
    else:
        assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, reported):
    for url in ("/peers/moderation/", "/peers/groups/", f"/peers/groups/{reported.group_id}/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


# --- Moderating ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_moderating_a_post(peer_world, reported, persona):
    response = _client(peer_world, persona).post(
        reverse("moderate_post", args=[reported.pk]), {"kind": "hide"}
    )

    reported.refresh_from_db()
    if persona in ("peer", "admin"):
        assert response.status_code == 302
        assert reported.status == Post.Status.HIDDEN
        assert ModerationAction.objects.filter(post=reported).count() == 1
    else:
        assert response.status_code == 404
        assert reported.status == Post.Status.VISIBLE and reported.needs_review
        assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_escalating_a_post(peer_world, reported, persona):
    response = _client(peer_world, persona).post(
        reverse("moderate_post", args=[reported.pk]), {"kind": "escalate", "note": "Worried."}
    )

    reported.refresh_from_db()
    if persona in ("peer", "admin"):
        assert response.status_code == 302 and reported.risk_alert is not None
    else:
        assert response.status_code == 404 and reported.risk_alert is None


def test_an_unknown_post_is_a_404(peer_world):
    url = reverse("moderate_post", args=["00000000-0000-0000-0000-000000000000"])
    response = _client(peer_world, "peer").post(url, {"kind": "keep"})

    assert response.status_code == 404


# --- Groups ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_group_list(peer_world, persona):
    response = _client(peer_world, persona).get("/peers/groups/")

    if persona in ("peer", "other_peer", "admin", "outside_admin"):
        assert response.status_code == 200
        page = response.content.decode()
        assert ("New parents" in page) == (persona in ("peer", "admin"))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_group_page(peer_world, reported, persona):
    url = reverse("peer_group_detail", args=[peer_world.parents.pk])
    response = _client(peer_world, persona).get(url)

    expected = 200 if persona in ("peer", "admin") else 404
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_adding_a_group(peer_world, persona):
    client = _client(peer_world, persona)
    moderator = peer_world.people.peer

    get = client.get("/peers/groups/new/")
    post = client.post(
        "/peers/groups/new/",
        {"name": "Late shift", "who_for": "Night workers.", "moderator": moderator.pk},
    )

    if persona == "admin":
        assert get.status_code == 200 and post.status_code == 302
        assert PeerGroup.objects.filter(name="Late shift").exists()
    elif persona == "outside_admin":
        # Their own practice's form: another practice's peer supporter is not a choice.
        assert get.status_code == 200 and post.status_code == 400
        assert not PeerGroup.objects.filter(name="Late shift").exists()
    else:
        assert get.status_code == 404 and post.status_code == 404
        assert not PeerGroup.objects.filter(name="Late shift").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_a_group(peer_world, persona):
    parents = peer_world.parents
    url = reverse("peer_group_edit", args=[parents.pk])
    client = _client(peer_world, persona)

    get = client.get(url)
    post = client.post(
        url, {"name": "Renamed", "who_for": parents.who_for, "moderator": peer_world.people.peer.pk}
    )

    parents.refresh_from_db()
    if persona == "admin":
        assert get.status_code == 200 and post.status_code == 302
        assert parents.name == "Renamed"
    else:
        assert get.status_code == 404 and post.status_code == 404
        assert parents.name == "New parents"


# --- Linking a pseudonym to the patient ------------------------------------------------------

REVEAL_PERSONAS = [*PERSONAS, "other_clinician", "outside_clinician"]


@pytest.mark.parametrize("persona", REVEAL_PERSONAS)
def test_revealing_a_pseudonym(peer_world, persona):
    url = reverse("reveal_member", args=[peer_world.willow.pk])

    response = _client(peer_world, persona).post(url)

    if persona in ("coordinator", "clinician"):
        assert response.status_code == 200
        assert "Willow" in response.content.decode()
        assert REVEALS.count() == 1
    else:
        assert response.status_code == 404
        assert not REVEALS.exists()


def test_revealing_needs_a_post_request(peer_world):
    url = reverse("reveal_member", args=[peer_world.willow.pk])

    assert _client(peer_world, "coordinator").get(url).status_code == 405
    assert _client(peer_world, "peer").get(url).status_code == 404
    assert not REVEALS.exists()


def test_revealing_anonymously_is_sent_to_sign_in(client, peer_world):
    response = client.post(reverse("reveal_member", args=[peer_world.willow.pk]))

    assert response.status_code == 302 and response.url.startswith("/login/")
    assert not REVEALS.exists()
