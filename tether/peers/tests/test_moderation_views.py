"""The moderator's pages: the queue, moderating a post, the group list and page, and the
admin's group form. Posts are made and reported through the services, as members do."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_patient
from tether import access
from tether.crisis.models import RiskAlert
from tether.peers import services, sweeps
from tether.peers.models import IdentityTag, ModerationAction, PeerGroup, Post

QUEUE = "/peers/moderation/"
CRISIS = "I want to kill myself"


def _post(membership, body="Slept badly again, the baby was up all night.", *, minutes_ago=0):
    """Post as a member, `minutes_ago` in the past (spaced out to stay under the rate limit)."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return services.create_post(membership=membership, body=body, now=at).post


def _moderate_url(post) -> str:
    return reverse("moderate_post", args=[post.pk])


def _third_member(peer_world):
    people = peer_world.people
    patient = make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        username="third",
        first_name="Robin",
        last_name="Castellano",
    )
    return services.join_group(patient=patient, group=peer_world.parents, pseudonym="Fern")


@pytest.fixture
def named_peer(peer_world):
    """The peer supporter, with a name that cannot collide with a patient's."""
    peer = peer_world.people.peer
    peer.first_name, peer.last_name = "Morgan", "Supporter"
    peer.save(update_fields=["first_name", "last_name"])
    return peer


# --- The queue -------------------------------------------------------------------------------


def test_it_lists_crisis_first_then_most_reported_then_oldest(client, peer_world, named_peer):
    fern = _third_member(peer_world)
    once = _post(peer_world.willow, "Reported once, the oldest.", minutes_ago=30)
    services.report_post(post=once, reporter=peer_world.heron, reason="Off topic")
    twice = _post(peer_world.heron, "Reported twice.", minutes_ago=20)
    services.report_post(post=twice, reporter=peer_world.willow, reason="Unkind")
    services.report_post(post=twice, reporter=fern, reason="Rude to a new member")
    also_once = _post(peer_world.heron, "Reported once, newer.", minutes_ago=15)
    services.report_post(post=also_once, reporter=fern)
    crisis = _post(peer_world.willow, CRISIS, minutes_ago=5)
    _post(peer_world.heron, "Not reported, not flagged: not in the queue.", minutes_ago=4)
    client.force_login(named_peer)

    page = client.get(QUEUE).content.decode()

    order = [page.index(f'id="post-{p.pk}"') for p in (crisis, twice, once, also_once)]
    assert order == sorted(order)
    assert "Not reported, not flagged" not in page
    assert "Rude to a new member" in page and "Off topic" in page
    assert "Reported by 2 members" in page


def test_it_never_shows_a_real_name(client, peer_world, named_peer):
    people = peer_world.people
    services.report_post(
        post=_post(peer_world.willow, "Hard week.", minutes_ago=10), reporter=peer_world.heron
    )
    _post(peer_world.heron, CRISIS)
    client.force_login(named_peer)

    page = client.get(QUEUE).content.decode()

    assert "Willow" in page and "Heron" in page
    for patient in (people.patient, people.other_patient):
        assert patient.first_name not in page
        assert patient.last_name not in page


def test_a_crisis_post_shows_the_banner_and_why(client, peer_world, named_peer):
    _post(peer_world.willow, CRISIS)
    client.force_login(named_peer)

    page = client.get(QUEUE).content.decode()

    assert "This member's care team has a risk alert for it" in page
    assert "The post is held" in page
    assert "not to assess risk" in page
    assert "kill myself" in page  # the detector's reason and the text itself


def test_post_text_is_escaped(client, peer_world, named_peer):
    _post(peer_world.willow, "<script>alert(1)</script> " + CRISIS)
    client.force_login(named_peer)

    page = client.get(QUEUE).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_admin_sees_every_group_of_the_practice(client, peer_world):
    people = peer_world.people
    student = services.join_group(
        patient=people.other_patient, group=peer_world.students, pseudonym="Birch"
    )
    _post(student, CRISIS)
    _post(peer_world.willow, CRISIS)
    client.force_login(people.admin)

    page = client.get(QUEUE).content.decode()

    assert "Students with panic" in page and "New parents" in page


def test_a_peer_supporter_sees_only_their_own_groups(client, peer_world):
    people = peer_world.people
    student = services.join_group(
        patient=people.other_patient, group=peer_world.students, pseudonym="Birch"
    )
    _post(student, "Exam tomorrow. " + CRISIS)
    client.force_login(people.peer)

    page = client.get(QUEUE).content.decode()

    assert "Birch" not in page and "Exam tomorrow" not in page


def test_members_who_said_it_isnt_fitting_are_listed(client, peer_world, named_peer):
    now = timezone.now()
    sweeps.ask_due_belonging_checks(now=now + timedelta(days=15))
    willow_check = peer_world.willow.belonging_checks.get()
    heron_check = peer_world.heron.belonging_checks.get()
    services.answer_belonging(check=willow_check, score=2, tell_supporter=True)
    services.answer_belonging(check=heron_check, score=2, tell_supporter=False)
    client.force_login(named_peer)

    page = client.get(QUEUE).content.decode()

    section = page[page.index('id="not-fitting"') :]
    assert "Willow" in section and "New parents" in section
    assert "Heron" not in section
    assert peer_world.people.patient.last_name not in page


def test_an_old_not_fitting_answer_drops_off(client, peer_world, named_peer):
    asked = timezone.now() + timedelta(days=15)
    sweeps.ask_due_belonging_checks(now=asked)
    check = peer_world.willow.belonging_checks.get()
    services.answer_belonging(check=check, score=1, tell_supporter=True, now=asked)

    with time_machine.travel(asked + timedelta(days=31)):
        client.force_login(named_peer)
        page = client.get(QUEUE).content.decode()

    assert "Willow" not in page[page.index('id="not-fitting"') :]


def test_the_queue_query_count_does_not_grow_with_rows(
    client, peer_world, named_peer, django_assert_max_num_queries
):
    def add(n, start):
        for i in range(n):
            body = CRISIS if i % 3 == 0 else f"Post number {start + i}."
            post = _post(peer_world.willow, body, minutes_ago=600 - 3 * (start + i))
            services.report_post(post=post, reporter=peer_world.heron, reason=f"Reason {i}")

    add(3, 0)
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(days=15))
    check = peer_world.willow.belonging_checks.get()
    services.answer_belonging(check=check, score=2, tell_supporter=True)
    client.force_login(named_peer)
    client.get(QUEUE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200

    add(27, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(QUEUE)

    assert page.content.decode().count('id="post-') == 25
    assert 'rel="next"' in page.content.decode()


# --- Moderating a post -----------------------------------------------------------------------


def _queued(peer_world, body="Something worth a second look."):
    post = _post(peer_world.willow, body, minutes_ago=1)
    services.report_post(post=post, reporter=peer_world.heron, reason="Worried")
    return post


def test_hide_takes_the_post_away_from_members(client, peer_world):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    response = client.post(_moderate_url(post), {"kind": "hide"})

    assert response.status_code == 302 and response.url == QUEUE
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN and not post.needs_review
    with pytest.raises(Http404):
        access.get_member_post(peer_world.people.other_patient.user, post.pk)
    action = ModerationAction.objects.get(post=post)
    assert (action.kind, action.actor) == ("hide", peer_world.people.peer)
    assert "Something worth a second look" not in client.get(QUEUE).content.decode()


def test_restore_brings_a_hidden_post_back(client, peer_world):
    post = _queued(peer_world)
    services.moderate(post=post, by=peer_world.people.peer, kind="hide")
    client.force_login(peer_world.people.admin)

    response = client.post(_moderate_url(post), {"kind": "restore", "note": "Misread it."})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.VISIBLE
    assert access.get_member_post(peer_world.people.other_patient.user, post.pk) == post
    kinds = list(ModerationAction.objects.filter(post=post).values_list("kind", "note"))
    assert kinds == [("hide", ""), ("restore", "Misread it.")]


def test_restoring_a_visible_post_is_refused_with_a_message(client, peer_world):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    response = client.post(_moderate_url(post), {"kind": "restore"}, follow=True)

    assert "This post is not hidden." in response.content.decode()
    assert not ModerationAction.objects.filter(post=post).exists()
    post.refresh_from_db()
    assert post.needs_review


def test_keep_takes_it_out_of_the_queue_and_leaves_it_visible(client, peer_world):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    response = client.post(_moderate_url(post), {"kind": "keep"}, follow=True)

    post.refresh_from_db()
    assert post.status == Post.Status.VISIBLE and not post.needs_review
    assert post.reviewed_at is not None
    assert ModerationAction.objects.get(post=post).kind == "keep"
    assert "Something worth a second look" not in response.content.decode()
    assert "Marked as reviewed" in response.content.decode()


def test_escalate_alerts_the_authors_care_team(client, peer_world):
    people = peer_world.people
    post = _queued(peer_world, "I don't see the point of anything any more.")
    client.force_login(people.peer)

    response = client.post(
        _moderate_url(post), {"kind": "escalate", "note": "Sounds hopeless, new tone."}
    )

    assert response.status_code == 302
    post.refresh_from_db()
    alert = post.risk_alert
    assert alert.reason == RiskAlert.Reason.PEER_ESCALATED
    assert alert.patient == people.patient
    assert "Sounds hopeless, new tone." in alert.detail
    assert access.visible_alerts(people.coordinator).filter(pk=alert.pk).exists()
    assert not access.visible_alerts(people.other_coordinator).filter(pk=alert.pk).exists()
    action = ModerationAction.objects.get(post=post)
    assert (action.kind, action.note) == ("escalate", "Sounds hopeless, new tone.")
    assert not post.needs_review


@pytest.mark.parametrize("note", ["", "   "])
def test_escalate_needs_a_note(client, peer_world, note):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    response = client.post(_moderate_url(post), {"kind": "escalate", "note": note}, follow=True)

    assert "Please say in a few words what worried you." in response.content.decode()
    post.refresh_from_db()
    assert post.risk_alert is None and post.needs_review
    assert not RiskAlert.objects.filter(reason=RiskAlert.Reason.PEER_ESCALATED).exists()
    assert not ModerationAction.objects.exists()


def test_an_unknown_action_is_refused(client, peer_world):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    response = client.post(_moderate_url(post), {"kind": "delete"}, follow=True)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ModerationAction.objects.exists()


def test_it_goes_back_to_next_on_this_site_only(client, peer_world):
    first, second = _queued(peer_world), _queued(peer_world, "Another one.")
    here = reverse("peer_group_detail", args=[peer_world.parents.pk])
    client.force_login(peer_world.people.peer)

    back = client.post(_moderate_url(first), {"kind": "keep", "next": here})
    away = client.post(_moderate_url(second), {"kind": "keep", "next": "https://evil.example/"})

    assert back.url == here
    assert away.url == QUEUE


def test_moderating_needs_a_post_request(client, peer_world):
    post = _queued(peer_world)
    client.force_login(peer_world.people.peer)

    assert client.get(_moderate_url(post)).status_code == 405


# --- Groups ----------------------------------------------------------------------------------


def test_the_group_list_shows_a_peer_supporters_groups(client, peer_world):
    client.force_login(peer_world.people.peer)

    page = client.get("/peers/groups/").content.decode()

    assert "New parents" in page and "Veterans together" in page
    assert "Students with panic" not in page and "Hillside circle" not in page
    assert "2 active members" in page
    assert "Postnatal depression or anxiety" in page  # a tag
    assert "Add a group" not in page


def test_the_admin_sees_every_group_and_can_add_one(client, peer_world):
    client.force_login(peer_world.people.admin)

    page = client.get("/peers/groups/").content.decode()

    for name in ("New parents", "Veterans together", "Students with panic"):
        assert name in page
    assert "Hillside circle" not in page
    assert reverse("peer_group_new") in page
    assert reverse("peer_group_edit", args=[peer_world.parents.pk]) in page


def test_the_group_page_shows_hidden_posts_history_and_members(client, peer_world, named_peer):
    people = peer_world.people
    hidden = _queued(peer_world, "A post that was hidden.")
    services.moderate(post=hidden, by=people.peer, kind="hide", note="Shared a phone number.")
    _post(peer_world.heron, "Welcome everyone.")
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(days=15))
    check = peer_world.heron.belonging_checks.get()
    services.answer_belonging(check=check, score=6)
    client.force_login(named_peer)

    page = client.get(reverse("peer_group_detail", args=[peer_world.parents.pk])).content.decode()

    assert "A post that was hidden." in page and "Hidden by a moderator" in page
    assert "Welcome everyone." in page
    assert "Morgan Supporter: hid the post (“Shared a phone number.”)" in page
    members = page[page.index('id="members"') : page.index('id="posts"')]
    assert "Willow" in members and "Heron" in members
    assert "6 – Agree" in members and "Not answered yet" in members
    for patient in (people.patient, people.other_patient):
        assert patient.first_name not in page and patient.last_name not in page


def test_the_group_form_creates_a_group(client, peer_world):
    people = peer_world.people
    tags = [
        IdentityTag.objects.get(label="Depression").pk,
        IdentityTag.objects.get(label="Student").pk,
    ]
    client.force_login(people.admin)
    assert "Life stage" in client.get("/peers/groups/new/").content.decode()

    response = client.post(
        "/peers/groups/new/",
        {
            "name": "Grad students",
            "who_for": "Graduate students living with low mood and isolation.",
            "tags": tags,
            "moderator": peer_world.other_peer.pk,
            "is_open": "on",
        },
    )

    group = PeerGroup.objects.get(name="Grad students")
    assert response.status_code == 302
    assert response.url == reverse("peer_group_detail", args=[group.pk])
    assert group.practice == people.practice and group.moderator == peer_world.other_peer
    assert group.is_open and group.embedding
    assert sorted(group.tags.values_list("pk", flat=True)) == sorted(tags)


def test_the_group_form_changes_a_group(client, peer_world):
    parents = peer_world.parents
    client.force_login(peer_world.people.admin)
    url = reverse("peer_group_edit", args=[parents.pk])
    form = client.get(url).content.decode()
    assert "New parents with anxiety" in form
    assert f'value="{IdentityTag.objects.get(label="New parent").pk}" checked' in form

    response = client.post(
        url,
        {"name": "New parents", "who_for": parents.who_for, "moderator": peer_world.other_peer.pk},
    )

    assert response.status_code == 302
    parents.refresh_from_db()
    assert parents.moderator == peer_world.other_peer
    assert not parents.is_open and not parents.tags.exists()


def test_a_duplicate_name_is_shown_as_an_error_not_a_crash(client, peer_world):
    client.force_login(peer_world.people.admin)

    response = client.post(
        "/peers/groups/new/",
        {"name": "new PARENTS", "who_for": "Anyone.", "moderator": peer_world.people.peer.pk},
    )

    assert response.status_code == 400
    assert "The practice already has a group called" in response.content.decode()
    assert PeerGroup.objects.filter(name__iexact="new parents").count() == 1


def test_missing_fields_are_shown_as_errors(client, peer_world):
    client.force_login(peer_world.people.admin)

    response = client.post("/peers/groups/new/", {"name": " ", "who_for": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()  # the moderator
    response = client.post(
        "/peers/groups/new/", {"name": "", "moderator": peer_world.people.peer.pk}
    )
    assert response.status_code == 400
    assert "Please give the group a name." in response.content.decode()


def test_the_moderator_must_be_a_peer_supporter_of_the_practice(client, peer_world):
    people = peer_world.people
    client.force_login(people.admin)

    for moderator in (people.coordinator, peer_world.outside_group.moderator):
        response = client.post(
            "/peers/groups/new/",
            {"name": "Evening group", "who_for": "Anyone.", "moderator": moderator.pk},
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not PeerGroup.objects.filter(name="Evening group").exists()
