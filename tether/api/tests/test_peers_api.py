"""/api/v1 for peer communities: experience and suggestions, joining and leaving, posts,
reports, moderation and the belonging check, with members known only by pseudonym.

In `peer_world`, `people.patient` (Alex Rivera) is "Willow" and `people.other_patient`
(Sam Okafor) is "Heron" in the "New parents" group, which `people.peer` moderates."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.crisis.models import RiskAlert
from tether.crisis.resources import resources_for
from tether.notifications.models import Notification
from tether.peers import services, sweeps
from tether.peers.models import (
    BelongingCheck,
    ExperienceProfile,
    IdentityTag,
    Membership,
    ModerationAction,
    Post,
    PostReport,
)

CRISIS_TEXT = "I can't do this anymore. I want to end my life."
PARENT_STORY = (
    "I had a baby four months ago and I can't sleep. I worry about her all the time and I feel "
    "like I should be happier than I am."
)
STUDENT_STORY = "I'm at university and I get panic attacks before exams; my heart races."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, body=None):
    raw = json.dumps(body if body is not None else {})
    return getattr(client, method)(f"/api/v1{url}", raw, content_type="application/json")


def _get(client: Client, url: str, **params):
    return client.get(f"/api/v1{url}", params)


def _tag_ids(*labels: str) -> list[int]:
    return [IdentityTag.objects.get(label=label).pk for label in labels]


def _post(membership, body: str = "Hello, everyone.", **kwargs) -> Post:
    return services.create_post(membership=membership, body=body, **kwargs).post


def _problems(response) -> list[str]:
    assert response.status_code == 400, response.content
    return response.json()["problems"]


@pytest.fixture
def world(peer_world):
    return peer_world


@pytest.fixture
def willow(world) -> Client:
    return _client(world.people.patient.user)


@pytest.fixture
def heron(world) -> Client:
    return _client(world.people.other_patient.user)


@pytest.fixture
def peer(world) -> Client:
    return _client(world.people.peer)


# --- Tags and experience -------------------------------------------------------------------


def test_it_lists_the_tag_vocabulary(world, willow):
    response = _get(willow, "/peers/tags")

    assert response.status_code == 200
    tags = response.json()["items"]  # paginated: at most 100 a page
    assert len(tags) == response.json()["count"] == IdentityTag.objects.count()
    assert set(tags[0]) == {"id", "kind", "label"}
    new_parent = next(tag for tag in tags if tag["label"] == "New parent")
    assert new_parent == {
        "id": _tag_ids("New parent")[0],
        "kind": "life_stage",
        "label": "New parent",
    }


def test_it_shows_an_empty_experience_before_one_is_written(world, willow):
    response = _get(willow, "/me/experience")

    assert response.status_code == 200
    assert response.json() == {
        "description": "",
        "tags": [],
        "share_for_matching": False,
        "updated_at": None,
    }


def test_it_saves_and_shows_the_experience_to_its_author(world, willow):
    body = {
        "description": f"  {PARENT_STORY}  ",
        "tag_ids": _tag_ids("New parent", "Anxiety"),
        "share_for_matching": True,
    }

    saved = _send(willow, "put", "/me/experience", body)
    shown = _get(willow, "/me/experience")

    assert saved.status_code == 200, saved.content
    assert saved.json() == shown.json() | {"crisis_resources": [], "support_message": None}
    assert shown.json()["description"] == PARENT_STORY
    assert [t["label"] for t in shown.json()["tags"]] == ["Anxiety", "New parent"]
    assert shown.json()["share_for_matching"] is True
    assert shown.json()["updated_at"]
    profile = ExperienceProfile.objects.get(patient=world.people.patient)
    assert profile.embedding


def test_saving_again_replaces_the_experience(world, willow):
    _send(
        willow,
        "put",
        "/me/experience",
        {"description": PARENT_STORY, "tag_ids": _tag_ids("Student")},
    )

    response = _send(willow, "put", "/me/experience", {"description": STUDENT_STORY})

    assert response.json()["description"] == STUDENT_STORY
    assert response.json()["tags"] == []
    assert response.json()["share_for_matching"] is False
    assert ExperienceProfile.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"description": ""}, "description", "Please write a few words"),
        ({"description": "   "}, "description", "Please write a few words"),
        ({"description": "x" * 2001}, "description", "2,000 characters"),
        ({"description": "Fine.", "tag_ids": [999999]}, "tag_ids", "does not exist"),
        ({"description": "Fine.", "tag_ids": "1"}, "tag_ids", "valid list"),
        ({}, "description", "required"),
        ({"description": "Fine.", "sharing": True}, "sharing", "not permitted"),
    ],
)
def test_it_refuses_a_bad_experience_and_saves_nothing(world, willow, body, field, words):
    response = _send(willow, "put", "/me/experience", body)

    problems = _problems(response)
    assert any(p.startswith(f"{field}:") and words in p for p in problems), problems
    assert not ExperienceProfile.objects.exists()


# --- Suggestions ---------------------------------------------------------------------------


def test_it_has_no_suggestions_before_the_experience_is_described(world, willow):
    response = _get(willow, "/me/group-suggestions")

    assert response.status_code == 200
    assert response.json() == []


def test_it_ranks_groups_by_closeness_of_experience(world, willow):
    services.save_experience(
        patient=world.people.patient, description=STUDENT_STORY, tag_ids=_tag_ids("Student")
    )

    response = _get(willow, "/me/group-suggestions")

    assert response.status_code == 200
    suggestions = response.json()
    # The patient is already in "New parents"; the other practice's group is never offered.
    assert [s["group"]["name"] for s in suggestions] == ["Students with panic", "Veterans together"]
    assert [s["rank"] for s in suggestions] == [1, 2]
    first = suggestions[0]
    assert set(first) == {"rank", "group", "closeness", "reason", "shared_tags"}
    assert set(first["group"]) == {"id", "name", "who_for", "tags"}
    assert first["group"]["id"] == str(world.students.pk)
    assert first["group"]["who_for"] == "Students with panic attacks and exam anxiety."
    assert {t["label"] for t in first["group"]["tags"]} == {"Student", "Panic attacks"}
    assert first["shared_tags"] == ["Student"]
    assert "you share: Student" in first["reason"]
    assert first["closeness"].endswith("what you described")


def test_suggestions_never_mention_size_or_activity(world, willow):
    services.save_experience(patient=world.people.patient, description=STUDENT_STORY)
    for _ in range(3):
        _post(world.heron)

    suggestions = _get(willow, "/me/group-suggestions").json()

    assert _keys(suggestions) == {
        *("rank", "group", "closeness", "reason", "shared_tags"),
        *("id", "name", "who_for", "tags", "kind", "label"),
    }


# --- Joining and leaving -------------------------------------------------------------------


def test_it_joins_an_open_group_under_a_pseudonym(world, willow):
    body = {"pseudonym": "  Fern   Leaf ", "match_reason": "Close to what you described."}

    response = _send(willow, "post", f"/peer-groups/{world.students.pk}/join", body)

    assert response.status_code == 201, response.content
    joined = response.json()
    assert set(joined) == {"id", "group", "pseudonym", "joined_at"}
    assert joined["pseudonym"] == "Fern Leaf"
    assert joined["group"]["id"] == str(world.students.pk)
    assert joined["group"]["name"] == "Students with panic"
    membership = Membership.objects.get(pk=joined["id"])
    assert membership.patient == world.people.patient
    assert membership.match_reason == "Close to what you described."


@pytest.mark.parametrize(
    ("pseudonym", "words"),
    [
        ("", "at least 2 characters"),
        ("F", "at least 2 characters"),
        ("F" * 31, "30 characters"),
        ("<b>Fern</b>", "letters, numbers"),
        ("Fern!", "letters, numbers"),
        ("Alex", "not your own"),
        ("alex", "not your own"),
        ("Mrs Rivera", "not your own"),
    ],
)
def test_it_refuses_a_bad_pseudonym(world, willow, pseudonym, words):
    response = _send(
        willow, "post", f"/peer-groups/{world.students.pk}/join", {"pseudonym": pseudonym}
    )

    problems = _problems(response)
    assert len(problems) == 1
    assert problems[0].startswith("pseudonym:")
    assert words in problems[0]
    assert not Membership.objects.filter(group=world.students).exists()


def test_it_refuses_to_join_a_group_twice(world, willow):
    url = f"/peer-groups/{world.parents.pk}/join"

    response = _send(willow, "post", url, {"pseudonym": "Another Willow"})

    assert _problems(response) == ["group: You are already a member of this group."]
    assert Membership.objects.filter(patient=world.people.patient).count() == 1


def test_it_refuses_a_pseudonym_already_used_in_the_group(world, willow):
    services.join_group(patient=world.people.other_patient, group=world.students, pseudonym="Fern")
    url = f"/peer-groups/{world.students.pk}/join"

    response = _send(willow, "post", url, {"pseudonym": "fern"})

    assert _problems(response) == [
        "pseudonym: Someone in this group already uses that name. Please pick another."
    ]


def test_it_answers_404_for_a_group_that_cannot_be_joined(world, willow):
    world.veterans.is_open = False
    world.veterans.save(update_fields=["is_open"])

    for group in (world.veterans, world.outside_group):
        url = f"/peer-groups/{group.pk}/join"
        response = _send(willow, "post", url, {"pseudonym": "Fern"})
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "problems": []}
    assert Membership.objects.filter(patient=world.people.patient).count() == 1


def test_it_lists_the_patients_memberships(world, willow):
    response = _get(willow, "/me/memberships")

    assert response.status_code == 200
    (membership,) = response.json()["items"]
    assert membership["id"] == str(world.willow.pk)
    assert membership["pseudonym"] == "Willow"
    assert membership["group"]["name"] == "New parents"
    assert {t["label"] for t in membership["group"]["tags"]} == {
        "New parent",
        "Postnatal depression or anxiety",
    }


def test_it_leaves_a_group(world, willow):
    response = willow.delete(f"/api/v1/me/memberships/{world.parents.pk}")

    assert response.status_code == 204
    world.willow.refresh_from_db()
    assert world.willow.status == Membership.Status.LEFT
    assert _get(willow, "/me/memberships").json() == {"items": [], "count": 0}
    assert _get(willow, f"/peer-groups/{world.parents.pk}/posts").status_code == 404
    assert willow.delete(f"/api/v1/me/memberships/{world.parents.pk}").status_code == 404


def test_leaving_a_group_one_is_not_in_is_404(world, heron):
    response = heron.delete(f"/api/v1/me/memberships/{world.veterans.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}


# --- Reading posts -------------------------------------------------------------------------


def test_it_lists_the_groups_posts_newest_first_by_pseudonym(world, willow):
    now = timezone.now()
    first = _post(world.willow, "First.", now=now - timedelta(hours=2))
    reply = _post(world.heron, "A reply.", parent=first, now=now - timedelta(hours=1))

    response = _get(willow, f"/peer-groups/{world.parents.pk}/posts")

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert page["items"] == [
        {
            "id": str(reply.pk),
            "parent_id": str(first.pk),
            "author": "Heron",
            "created_at": page["items"][0]["created_at"],
            "body": "A reply.",
            "status": "visible",
        },
        {
            "id": str(first.pk),
            "parent_id": None,
            "author": "Willow",
            "created_at": page["items"][1]["created_at"],
            "body": "First.",
            "status": "visible",
        },
    ]


def test_it_shows_a_hidden_post_without_its_words(world, willow):
    post = _post(world.heron, "Something unkind.")
    services.moderate(post=post, by=world.people.peer, kind="hide", note="Unkind.")

    (item,) = _get(willow, f"/peer-groups/{world.parents.pk}/posts").json()["items"]

    assert item["id"] == str(post.pk)
    assert item["author"] == "Heron"
    assert item["status"] == "hidden"
    assert item["body"] is None


def test_it_pages_the_posts(world, willow):
    now = timezone.now()
    posts = [_post(world.heron, f"Post {n}.", now=now - timedelta(hours=n)) for n in range(5)]

    first = _get(willow, f"/peer-groups/{world.parents.pk}/posts", limit=3).json()
    rest = _get(willow, f"/peer-groups/{world.parents.pk}/posts", limit=3, offset=3).json()

    assert first["count"] == rest["count"] == 5
    assert [i["id"] for i in first["items"] + rest["items"]] == [str(p.pk) for p in posts]


def test_reading_the_posts_counts_as_a_visit(world, willow):
    long_ago = timezone.now() - timedelta(weeks=4)
    Membership.objects.filter(pk=world.willow.pk).update(
        last_visited_at=long_ago, inactivity_nudged_at=long_ago
    )

    _get(willow, f"/peer-groups/{world.parents.pk}/posts")

    world.willow.refresh_from_db()
    assert world.willow.last_visited_at > long_ago
    assert world.willow.inactivity_nudged_at is None


# --- Writing posts -------------------------------------------------------------------------


def test_it_posts_without_crisis_resources_when_none_are_needed(world, willow):
    response = _send(
        willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": "  Slept 4 hours!  "}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["crisis_resources"] == []
    assert body["support_message"] is None
    assert body["post"]["author"] == "Willow"
    assert body["post"]["body"] == "Slept 4 hours!"
    assert body["post"]["status"] == "visible"
    assert body["post"]["parent_id"] is None
    post = Post.objects.get(pk=body["post"]["id"])
    assert (post.author, post.group, post.crisis_language) == (world.willow, world.parents, False)
    assert not RiskAlert.objects.exists()


def test_a_post_in_crisis_is_saved_and_answered_with_crisis_resources(world, willow, heron):
    response = _send(
        willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": CRISIS_TEXT}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["post"]["body"] == CRISIS_TEXT
    assert body["post"]["status"] == "held"  # a peer supporter reads it first
    expected = resources_for(country="US", practice_slug="riverside")
    assert [r["name"] for r in body["crisis_resources"]] == [r.name for r in expected]
    line = next(r for r in body["crisis_resources"] if r["name"] == "988 Suicide & Crisis Lifeline")
    assert line["kind"] == "crisis_line"
    assert {"method": "call", "label": "Call 988", "value": "988", "href": "tel:988"} in line[
        "contacts"
    ]
    assert "care team" in body["support_message"]
    post = Post.objects.get(pk=body["post"]["id"])
    assert post.crisis_language and post.needs_review
    assert post.risk_alert.patient == world.people.patient
    assert post.risk_alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    # Its author sees it, marked held; other members see nothing until a moderator keeps it.
    (mine,) = _get(willow, f"/peer-groups/{world.parents.pk}/posts").json()["items"]
    assert (mine["body"], mine["status"]) == (CRISIS_TEXT, "held")
    assert _get(heron, f"/peer-groups/{world.parents.pk}/posts").json()["items"] == []
    services.moderate(post=post, by=world.people.peer, kind="keep")
    (item,) = _get(heron, f"/peer-groups/{world.parents.pk}/posts").json()["items"]
    assert (item["body"], item["status"]) == (CRISIS_TEXT, "visible")


def test_crisis_resources_follow_the_practices_country(world, willow):
    world.people.practice.country = "GB"
    world.people.practice.save(update_fields=["country"])

    response = _send(
        willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": CRISIS_TEXT}
    )

    names = [r["name"] for r in response.json()["crisis_resources"]]
    assert names == [r.name for r in resources_for(country="GB", practice_slug="riverside")]
    assert names != [r.name for r in resources_for(country="US")]


def test_it_posts_a_reply(world, willow):
    parent = _post(world.heron, "How is everyone sleeping?")

    response = _send(
        willow,
        "post",
        f"/peer-groups/{world.parents.pk}/posts",
        {"body": "Badly!", "parent_id": str(parent.pk)},
    )

    assert response.status_code == 201
    assert response.json()["post"]["parent_id"] == str(parent.pk)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"body": ""}, "body: Please write something before posting."),
        ({"body": " \n\t "}, "body: Please write something before posting."),
        ({"body": "x" * 2001}, "body: Please keep a post to 2,000 characters (it has 2,001)."),
        # The shared handler (api._readable) drops every "body" from an error's location, so
        # these two do not name the field.
        ({}, "Field required"),
        ({"body": None}, "Input should be a valid string"),
        ({"body": "Hi", "pinned": True}, "pinned: Extra inputs are not permitted"),
    ],
)
def test_it_refuses_a_bad_post_and_saves_nothing(world, willow, body, problem):
    response = _send(willow, "post", f"/peer-groups/{world.parents.pk}/posts", body)

    (found,) = _problems(response)
    assert found.endswith(problem)
    assert response.json()["detail"]
    assert not Post.objects.exists()


def test_a_post_of_exactly_the_limit_is_fine(world, willow):
    response = _send(willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": "x" * 2000})

    assert response.status_code == 201


def test_it_refuses_a_reply_outside_the_thread_rules(world, willow):
    top = _post(world.heron, "Top.")
    reply = _post(world.heron, "Reply.", parent=top)
    hidden = _post(world.heron, "Hidden.")
    services.moderate(post=hidden, by=world.people.peer, kind="hide")
    oak = services.join_group(patient=world.people.patient, group=world.veterans, pseudonym="Oak")
    elsewhere = _post(oak, "In another group.")
    before = Post.objects.count()

    for parent_id in (reply.pk, hidden.pk, elsewhere.pk, uuid.uuid4()):
        body = {"body": "Me too.", "parent_id": str(parent_id)}
        response = _send(willow, "post", f"/peer-groups/{world.parents.pk}/posts", body)
        assert _problems(response) == ["parent_id: You can reply only to a post in this group."]
    assert Post.objects.count() == before


def test_it_slows_down_a_flood_of_posts(world, willow):
    for n in range(services.POSTS_PER_WINDOW):
        _post(world.willow, f"Post {n}.")

    response = _send(willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": "More."})

    assert _problems(response)[0].startswith("body: You have posted a lot")


def test_a_post_in_crisis_is_never_refused_for_posting_often(world, willow):
    for n in range(services.POSTS_PER_WINDOW):
        _post(world.willow, f"Post {n}.")

    response = _send(
        willow, "post", f"/peer-groups/{world.parents.pk}/posts", {"body": CRISIS_TEXT}
    )

    assert response.status_code == 201
    assert response.json()["crisis_resources"]
    assert RiskAlert.objects.filter(patient=world.people.patient).exists()


# --- Reports -------------------------------------------------------------------------------


def test_a_member_reports_a_post_once(world, heron):
    post = _post(world.willow, "Something.")

    first = _send(heron, "post", f"/posts/{post.pk}/report", {"reason": "  Unkind.  "})
    again = _send(heron, "post", f"/posts/{post.pk}/report", {"reason": "Still unkind."})

    assert first.status_code == 200, first.content
    assert first.json()["post_id"] == str(post.pk)
    assert first.json()["reason"] == "Unkind."
    assert again.json() == first.json()
    assert PostReport.objects.get().reporter == world.heron
    post.refresh_from_db()
    assert post.needs_review
    assert Notification.objects.filter(user=world.people.peer, purpose="peer-report").count() == 1


def test_a_report_without_a_reason_is_fine(world, heron):
    post = _post(world.willow, "Something.")

    response = _send(heron, "post", f"/posts/{post.pk}/report")

    assert response.status_code == 200
    assert response.json()["reason"] == ""


def test_it_refuses_to_report_ones_own_post(world, willow):
    post = _post(world.willow, "Mine.")

    response = _send(willow, "post", f"/posts/{post.pk}/report", {})

    assert _problems(response)[0].startswith("post: You cannot report your own post")
    assert not PostReport.objects.exists()


def test_it_answers_404_when_reporting_a_hidden_post(world, heron):
    post = _post(world.willow, "Something.")
    services.moderate(post=post, by=world.people.peer, kind="hide")

    assert _send(heron, "post", f"/posts/{post.pk}/report", {}).status_code == 404


# --- Moderation ----------------------------------------------------------------------------


def test_the_queue_puts_possible_crisis_first_by_pseudonym(world, peer, heron):
    now = timezone.now()
    reported = _post(world.willow, "Something unkind.", now=now - timedelta(hours=2))
    _send(heron, "post", f"/posts/{reported.pk}/report", {"reason": "Unkind."})
    crisis = _post(world.heron, CRISIS_TEXT, now=now - timedelta(hours=1))
    _post(world.heron, "Nothing to see.")

    response = _get(peer, "/moderation/queue")

    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 2
    first, second = page["items"]
    assert first["id"] == str(crisis.pk)
    assert first["crisis_language"] is True
    assert first["crisis_reason"]
    assert first["author"] == "Heron"
    assert first["group"] == "New parents"
    assert first["group_id"] == str(world.parents.pk)
    assert first["reports"] == []
    assert second["id"] == str(reported.pk)
    assert second["crisis_language"] is False
    assert second["author"] == "Willow"
    assert second["reports"] == ["Unkind."]


@pytest.mark.parametrize(
    ("who", "sees"),
    [("peer", True), ("admin", True), ("other_peer", False), ("outside_admin", False)],
)
def test_the_queue_holds_only_the_callers_groups(world, who, sees):
    post = _post(world.heron, CRISIS_TEXT)
    user = world.other_peer if who == "other_peer" else getattr(world.people, who)

    response = _get(_client(user), "/moderation/queue")

    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == ([str(post.pk)] if sees else [])


@pytest.mark.parametrize("who", ["patient", "coordinator", "clinician"])
def test_the_queue_is_403_for_those_who_do_not_moderate(world, who):
    _post(world.heron, CRISIS_TEXT)
    user = world.people.patient.user if who == "patient" else getattr(world.people, who)

    response = _get(_client(user), "/moderation/queue")

    assert response.status_code == 403
    assert response.json()["problems"] == []
    assert "peer supporters" in response.json()["detail"]


def _moderate(client, post, kind, note=""):
    return _send(client, "post", f"/posts/{post.pk}/moderation", {"kind": kind, "note": note})


def test_a_moderator_hides_and_restores_a_post(world, peer, willow):
    post = _post(world.heron, "Something unkind.")

    hidden = _moderate(peer, post, "hide", "  Unkind to another member.  ")

    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["kind"] == "hide"
    assert hidden.json()["note"] == "Unkind to another member."
    assert hidden.json()["post"]["status"] == "hidden"
    assert hidden.json()["post"]["body"] == "Something unkind."  # the moderator still reads it
    assert hidden.json()["post"]["author"] == "Heron"
    (item,) = _get(willow, f"/peer-groups/{world.parents.pk}/posts").json()["items"]
    assert (item["status"], item["body"]) == ("hidden", None)

    restored = _moderate(peer, post, "restore")

    assert restored.json()["post"]["status"] == "visible"
    (item,) = _get(willow, f"/peer-groups/{world.parents.pk}/posts").json()["items"]
    assert item["body"] == "Something unkind."
    kinds = list(ModerationAction.objects.values_list("kind", "actor__username"))
    assert kinds == [("hide", "peer"), ("restore", "peer")]


def test_keeping_a_post_takes_it_out_of_the_queue(world, peer):
    post = _post(world.heron, CRISIS_TEXT)

    response = _moderate(peer, post, "keep", "Talked to them; they are safe for now.")

    assert response.status_code == 200
    assert response.json()["post"]["status"] == "visible"
    assert _get(peer, "/moderation/queue").json()["count"] == 0


def test_an_admin_escalates_a_post_to_the_authors_care_team(world):
    post = _post(world.willow, "Everything feels pointless lately.")

    response = _moderate(_client(world.people.admin), post, "escalate", "Sounds very low.")

    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.risk_alert.reason == RiskAlert.Reason.PEER_ESCALATED
    assert post.risk_alert.patient == world.people.patient
    assert "patient" not in json.dumps(response.json())


@pytest.mark.parametrize(
    ("kind", "note", "problem"),
    [
        ("escalate", "", "note: Please say in a few words what worried you."),
        ("escalate", "   ", "note: Please say in a few words what worried you."),
        ("restore", "", "kind: This post is not hidden."),
        ("delete", "", "kind: Choose hide, restore, escalate or keep."),
    ],
)
def test_it_refuses_a_bad_moderation(world, peer, kind, note, problem):
    post = _post(world.heron, "Something.")

    response = _moderate(peer, post, kind, note)

    assert _problems(response) == [problem]
    assert not ModerationAction.objects.exists()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_peer", "outside_admin", "coordinator", "clinician", "patient", "other_patient"]
)
def test_moderation_is_404_for_anyone_but_the_groups_moderators(world, who):
    post = _post(world.heron, "Something.")
    users = {
        "other_peer": world.other_peer,
        "patient": world.people.patient.user,
        "other_patient": world.people.other_patient.user,
    }
    user = users.get(who) or getattr(world.people, who)

    response = _moderate(_client(user), post, "hide", "No.")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}
    post.refresh_from_db()
    assert post.status == Post.Status.VISIBLE
    assert not ModerationAction.objects.exists()


# --- Belonging -----------------------------------------------------------------------------


@pytest.fixture
def asked(world):
    """Both members of "New parents" have their first belonging question waiting."""
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(days=15))
    return {
        "willow": BelongingCheck.objects.get(membership=world.willow),
        "heron": BelongingCheck.objects.get(membership=world.heron),
    }


def _answer(client, check, body):
    return _send(client, "post", f"/belonging-checks/{check.pk}", body)


def test_it_lists_open_belonging_questions(world, willow, asked):
    response = _get(willow, "/me/belonging-checks")

    assert response.status_code == 200
    (question,) = response.json()["items"]
    assert question["id"] == asked["willow"].pk
    assert question["group_id"] == str(world.parents.pk)
    assert question["question"] == "I identify with New parents."
    assert [o["value"] for o in question["options"]] == [1, 2, 3, 4, 5, 6, 7]
    assert question["options"][0]["label"] == "Strongly disagree"
    assert question["asked_at"]


def test_a_high_answer_needs_no_suggestions(world, willow, asked):
    response = _answer(willow, asked["willow"], {"score": 6, "tell_supporter": True})

    assert response.status_code == 200, response.content
    assert response.json() == {"low": False, "suggestions": []}
    check = BelongingCheck.objects.get(pk=asked["willow"].pk)
    assert (check.score, check.tell_supporter) == (6, False)
    assert _get(willow, "/me/belonging-checks").json() == {"items": [], "count": 0}


def test_a_low_answer_comes_with_other_groups(world, willow, asked):
    services.save_experience(patient=world.people.patient, description=STUDENT_STORY)

    response = _answer(willow, asked["willow"], {"score": 2, "tell_supporter": True})

    assert response.status_code == 200
    assert response.json()["low"] is True
    names = [s["group"]["name"] for s in response.json()["suggestions"]]
    assert names[0] == "Students with panic"
    assert "New parents" not in names
    note = Notification.objects.get(user=world.people.peer, purpose="peer-belonging-low")
    assert "Willow" in note.text
    assert "Alex" not in note.text


def test_a_low_answer_tells_the_supporter_only_when_asked(world, willow, asked):
    response = _answer(willow, asked["willow"], {"score": 3})

    assert response.json()["low"] is True
    assert not Notification.objects.filter(purpose="peer-belonging-low").exists()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"score": 0}, "score: Please choose one of the seven answers."),
        ({"score": 8}, "score: Please choose one of the seven answers."),
        ({"score": -1}, "score: Please choose one of the seven answers."),
        (
            {"score": "high"},
            "score: Input should be a valid integer, unable to parse string as an integer",
        ),
        ({}, "score: Field required"),
    ],
)
def test_it_refuses_a_bad_belonging_answer(world, willow, asked, body, problem):
    response = _answer(willow, asked["willow"], body)

    assert _problems(response) == [problem]
    assert BelongingCheck.objects.get(pk=asked["willow"].pk).answered_at is None


def test_it_refuses_to_answer_twice(world, willow, asked):
    _answer(willow, asked["willow"], {"score": 5})

    response = _answer(willow, asked["willow"], {"score": 1})

    assert _problems(response) == ["score: You have already answered this one. Thank you."]
    assert BelongingCheck.objects.get(pk=asked["willow"].pk).score == 5


def test_it_answers_404_for_someone_elses_belonging_question(world, willow, asked):
    response = _answer(willow, asked["heron"], {"score": 1})

    assert response.status_code == 404
    assert BelongingCheck.objects.get(pk=asked["heron"].pk).answered_at is None


# --- Who may call what ---------------------------------------------------------------------


def _patient_calls(world) -> list[tuple[str, str, dict | None]]:
    """Every patient-only call, aimed at records of the patient's own group."""
    post = _post(world.willow, "Something.")
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(days=15))
    check = BelongingCheck.objects.get(membership=world.willow)
    parents = world.parents.pk
    return [
        ("get", "/me/experience", None),
        ("put", "/me/experience", {"description": PARENT_STORY}),
        ("get", "/me/group-suggestions", None),
        ("post", f"/peer-groups/{world.veterans.pk}/join", {"pseudonym": "Fern"}),
        ("get", "/me/memberships", None),
        ("delete", f"/me/memberships/{parents}", None),
        ("get", f"/peer-groups/{parents}/posts", None),
        ("post", f"/peer-groups/{parents}/posts", {"body": "Hello."}),
        ("post", f"/posts/{post.pk}/report", {"reason": "Unkind."}),
        ("get", "/me/belonging-checks", None),
        ("post", f"/belonging-checks/{check.pk}", {"score": 2}),
    ]


def _call(client, method, url, body):
    if method == "get":
        return _get(client, url)
    return _send(client, method, url, body)


@pytest.mark.parametrize(
    "who",
    ["coordinator", "clinician", "admin", "peer", "outside_admin", "outside_coordinator"],
)
def test_the_patients_endpoints_are_404_for_staff(world, who):
    client = _client(getattr(world.people, who))
    posts, members = Post.objects.count, Membership.objects.count

    for method, url, body in _patient_calls(world):
        before = (posts(), members())
        response = _call(client, method, url, body)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json() == {"detail": "Not found.", "problems": []}
        assert (posts(), members()) == before
    assert not ExperienceProfile.objects.exists()


def test_a_patient_of_another_practice_reaches_nothing_of_this_one(world):
    client = _client(world.people.outside_patient.user)
    theirs = ("/peer-groups", "/posts", "/belonging-checks", "/me/memberships/")
    calls = [call for call in _patient_calls(world) if call[1].startswith(theirs)]
    before = (Post.objects.count(), Membership.objects.count(), PostReport.objects.count())

    for method, url, body in calls:
        response = _call(client, method, url, body)
        assert response.status_code == 404, (method, url)
    assert (Post.objects.count(), Membership.objects.count(), PostReport.objects.count()) == before


def test_a_patient_reaches_no_group_they_do_not_belong_to(world, willow):
    kestrel = services.join_group(
        patient=world.people.other_patient, group=world.veterans, pseudonym="Kestrel"
    )
    post = _post(kestrel, "Veterans only.")
    veterans = world.veterans.pk

    assert _get(willow, f"/peer-groups/{veterans}/posts").status_code == 404
    write = _send(willow, "post", f"/peer-groups/{veterans}/posts", {"body": "Hi."})
    assert write.status_code == 404
    assert _send(willow, "post", f"/posts/{post.pk}/report", {}).status_code == 404
    assert willow.delete(f"/api/v1/me/memberships/{veterans}").status_code == 404
    assert list(Post.objects.filter(group=world.veterans)) == [post]
    assert not PostReport.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/peers/tags",
        "/me/experience",
        "/me/group-suggestions",
        "/me/memberships",
        "/moderation/queue",
        "/me/belonging-checks",
    ],
)
def test_it_answers_401_when_not_signed_in(world, url):
    response = _get(Client(), url)

    assert response.status_code == 401
    assert response.json()["problems"] == []


def test_a_write_without_signing_in_is_401_and_saves_nothing(world):
    response = _send(Client(), "post", f"/peer-groups/{world.parents.pk}/posts", {"body": "Hi."})

    assert response.status_code == 401
    assert not Post.objects.exists()


# --- Pseudonyms hold everywhere ------------------------------------------------------------


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_peers_response_names_a_patient_or_their_id(world, heron, peer):
    people = world.people
    secret = "my midwife says the twins are thriving"
    services.save_experience(
        patient=people.patient,
        description=f"{PARENT_STORY} {secret}",
        tag_ids=_tag_ids("New parent"),
        share_for_matching=True,
    )
    services.save_experience(
        patient=people.other_patient, description=PARENT_STORY, tag_ids=_tag_ids("New parent")
    )
    willows = _post(world.willow, "Anyone else awake at 3am?")
    _post(world.willow, "Reply to myself.", parent=willows)
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(days=15))
    check = BelongingCheck.objects.get(membership=world.heron)
    parents, veterans = world.parents.pk, world.veterans.pk
    reply = {"body": "Hugs.", "parent_id": str(willows.pk)}
    low_answer = {"score": 2, "tell_supporter": True}

    posts = _get(heron, f"/peer-groups/{parents}/posts")
    answers = [
        (200, _get(heron, "/peers/tags")),
        (200, _send(heron, "put", "/me/experience", {"description": PARENT_STORY})),
        (200, _get(heron, "/me/experience")),
        (200, _get(heron, "/me/group-suggestions")),
        (201, _send(heron, "post", f"/peer-groups/{veterans}/join", {"pseudonym": "Kestrel"})),
        (200, _get(heron, "/me/memberships")),
        (200, posts),
        (201, _send(heron, "post", f"/peer-groups/{parents}/posts", {"body": "Me too."})),
        (201, _send(heron, "post", f"/peer-groups/{parents}/posts", {"body": CRISIS_TEXT})),
        (201, _send(heron, "post", f"/peer-groups/{parents}/posts", reply)),
        (200, _send(heron, "post", f"/posts/{willows.pk}/report", {"reason": "Checking."})),
        (200, _get(heron, "/me/belonging-checks")),
        (200, _send(heron, "post", f"/belonging-checks/{check.pk}", low_answer)),
        (200, _get(peer, "/moderation/queue")),
        (200, _moderate(peer, willows, "keep", "Fine.")),
        (204, heron.delete(f"/api/v1/me/memberships/{veterans}")),
    ]

    assert [response.status_code for _, response in answers] == [status for status, _ in answers]
    names = [people.patient.first_name, people.patient.last_name]
    names += [people.other_patient.first_name, people.other_patient.last_name]
    assert names == ["Alex", "Rivera", "Sam", "Okafor"]
    named = re.compile(r"\b(" + "|".join(names) + r")\b")
    ids = [str(people.patient.pk), str(people.other_patient.pk)]
    ids += [pk.replace("-", "") for pk in ids]
    for _, response in answers:
        text = response.content.decode()
        assert not named.search(text), text
        assert not any(pk in text for pk in ids), text
        assert secret not in text
        if text:
            assert not {k for k in _keys(response.json()) if "patient" in k or "user" in k}
    # What members do see is each other's pseudonym.
    assert [item["author"] for item in posts.json()["items"]] == ["Willow", "Willow"]


# --- The OpenAPI document ------------------------------------------------------------------


def test_the_openapi_document_lists_the_peers_paths(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    base = "/api/v1"
    assert operations >= {
        (f"{base}/peers/tags", "get"),
        (f"{base}/me/experience", "get"),
        (f"{base}/me/experience", "put"),
        (f"{base}/me/group-suggestions", "get"),
        (f"{base}/peer-groups/{{group_id}}/join", "post"),
        (f"{base}/me/memberships", "get"),
        (f"{base}/me/memberships/{{group_id}}", "delete"),
        (f"{base}/peer-groups/{{group_id}}/posts", "get"),
        (f"{base}/peer-groups/{{group_id}}/posts", "post"),
        (f"{base}/posts/{{post_id}}/report", "post"),
        (f"{base}/moderation/queue", "get"),
        (f"{base}/posts/{{post_id}}/moderation", "post"),
        (f"{base}/me/belonging-checks", "get"),
        (f"{base}/belonging-checks/{{check_id}}", "post"),
    }
    assert document["paths"][f"{base}/moderation/queue"]["get"]["tags"] == ["peers"]
    schemas = document["components"]["schemas"]
    assert schemas["ModerationIn"]["properties"]["kind"]["enum"] == [
        "hide",
        "restore",
        "escalate",
        "keep",
    ]
    assert schemas["PostIn"]["properties"]["body"]["maxLength"] == 2000
    post_fields = set(schemas["PostOut"]["properties"])
    assert post_fields == {"id", "parent_id", "author", "created_at", "body", "status"}
