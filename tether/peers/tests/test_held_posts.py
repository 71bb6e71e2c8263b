"""A possible-crisis post is held: its author and the group's moderator see it at once, other
members only after a moderator has read it. A concern stays up and goes to the queue. Through
the web pages and the API."""

import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from tether.crisis import screening
from tether.crisis.models import RiskAlert, ScreenedText
from tether.peers import services
from tether.peers.models import ModerationAction, Post

CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"
HELD_NOTE = "A peer supporter will read this first, then it appears for the group."
RECOVERY = "Five years ago I was suicidal. Today I am well, back at work and sleeping again."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _group_page(client, group) -> str:
    response = client.get(reverse("group_page", args=[group.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api_bodies(client, group) -> list:
    response = client.get(f"/api/v1/peer-groups/{group.pk}/posts")
    assert response.status_code == 200
    return [(item["body"], item["status"]) for item in response.json()["items"]]


@pytest.fixture
def held(peer_world) -> Post:
    response = _client(peer_world.people.patient.user).post(
        reverse("create_post", args=[peer_world.parents.pk]), {"body": CRISIS_TEXT}
    )
    assert response.status_code == 302
    return Post.objects.get(author=peer_world.willow)


def test_a_crisis_post_is_saved_held_with_one_alert(peer_world, held):
    assert held.status == Post.Status.HELD
    assert held.needs_review and held.crisis_language and held.crisis_reason
    alert = RiskAlert.objects.get()
    assert held.risk_alert == alert and alert.patient == peer_world.people.patient
    assert ScreenedText.objects.get().alert == alert


def test_its_author_sees_it_marked_kindly(peer_world, held):
    page = _group_page(_client(peer_world.people.patient.user), peer_world.parents)
    assert CRISIS_TEXT in page and HELD_NOTE in page
    assert _api_bodies(_client(peer_world.people.patient.user), peer_world.parents) == [
        (CRISIS_TEXT, "held")
    ]


def test_other_members_do_not_see_it_until_a_moderator_keeps_it(peer_world, held):
    heron = _client(peer_world.people.other_patient.user)
    assert CRISIS_TEXT not in _group_page(heron, peer_world.parents)
    assert _api_bodies(heron, peer_world.parents) == []
    assert heron.post(reverse("report_post", args=[held.pk])).status_code == 404

    response = _client(peer_world.people.peer).post(
        reverse("moderate_post", args=[held.pk]), {"kind": "keep"}
    )

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Post.Status.VISIBLE and not held.needs_review
    assert CRISIS_TEXT in _group_page(heron, peer_world.parents)
    assert _api_bodies(heron, peer_world.parents) == [(CRISIS_TEXT, "visible")]


def test_the_moderator_sees_it_first_with_the_detectors_reasons(peer_world, held):
    services.report_post(
        post=services.create_post(membership=peer_world.heron, body="Buy my stuff").post,
        reporter=peer_world.willow,
    )
    page = _client(peer_world.people.peer).get(reverse("moderation_queue")).content.decode()

    assert page.index(f'id="post-{held.pk}"') < page.index("Buy my stuff")
    assert "Possible crisis language:" in page and held.crisis_reason in page
    assert "The post is held" in page
    api = _client(peer_world.people.peer).get("/api/v1/moderation/queue").json()["items"]
    assert api[0]["id"] == str(held.pk) and api[0]["status"] == "held"


def test_hiding_keeps_it_from_the_group(peer_world, held):
    services.moderate(post=held, by=peer_world.people.peer, kind=ModerationAction.Kind.HIDE)
    held.refresh_from_db()
    assert held.status == Post.Status.HIDDEN and not held.needs_review
    assert CRISIS_TEXT not in _group_page(
        _client(peer_world.people.other_patient.user), peer_world.parents
    )


def test_escalating_keeps_it_held_and_in_the_queue_until_kept_or_hidden(peer_world, held):
    services.moderate(post=held, by=peer_world.people.peer, kind="escalate", note="Worried")
    held.refresh_from_db()
    assert held.status == Post.Status.HELD and held.needs_review
    assert RiskAlert.objects.count() == 1  # the note went on the post's open alert


def test_a_crisis_reply_is_held_too(peer_world):
    thread = services.create_post(membership=peer_world.heron, body="How is everyone?").post
    reply = services.create_post(membership=peer_world.willow, body=CRISIS_TEXT, parent=thread)

    assert reply.post.status == Post.Status.HELD
    page = _group_page(_client(peer_world.people.other_patient.user), peer_world.parents)
    assert "How is everyone?" in page and CRISIS_TEXT not in page


def test_a_concern_post_stays_up_and_goes_to_the_queue(peer_world, monkeypatch):
    reasons = ("Hopelessness: “so hopeless”",)
    signal = SimpleNamespace(
        tier=screening.CONCERN, flagged=False, reasons=reasons, reason=reasons[0]
    )
    monkeypatch.setattr(screening, "detect", lambda text: signal)

    post = services.create_post(membership=peer_world.willow, body="I feel so hopeless").post

    assert post.status == Post.Status.VISIBLE and post.needs_review
    assert not post.crisis_language and "so hopeless" in post.crisis_reason
    assert not RiskAlert.objects.exists()
    assert ScreenedText.objects.get().tier == ScreenedText.Tier.CONCERN
    page = _client(peer_world.people.peer).get(reverse("moderation_queue")).content.decode()
    assert "Worth a look soon" in page


def test_a_recovery_story_is_posted_as_usual(peer_world):
    client = _client(peer_world.people.patient.user)
    response = client.post(
        f"/api/v1/peer-groups/{peer_world.parents.pk}/posts",
        json.dumps({"body": RECOVERY}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["crisis_resources"] == []
    post = Post.objects.get()
    assert post.status == Post.Status.VISIBLE and not post.needs_review
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()
