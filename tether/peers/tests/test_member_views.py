"""The patient's peer-group pages, through HTTP: finding a group, joining under a pseudonym,
the conversation, reports, leaving, the crisis path and the belonging question."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tether.crisis.models import RiskAlert
from tether.network.layers import Layer
from tether.network.selectors import coverage_summaries, network_for
from tether.notifications.models import Notification
from tether.peers import services, sweeps
from tether.peers.models import (
    BelongingCheck,
    ExperienceProfile,
    GroupMeeting,
    IdentityTag,
    Membership,
    Post,
    PostReport,
)

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
VETERAN = "I left the army last year and I've felt low and empty ever since."


@pytest.fixture
def patient_client(client, peer_world):
    client.force_login(peer_world.people.patient.user)
    return client


def _page(client, url: str, *, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def _group_url(group) -> str:
    return reverse("group_page", args=[group.pk])


def _post(membership, body: str, *, parent=None, minutes_ago: int = 0) -> Post:
    """A post written `minutes_ago`, spaced so the rate limit never gets in the way."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return services.create_post(membership=membership, body=body, parent=parent, now=at).post


# --- My groups, my experience, suggestions ---------------------------------------------------


def test_it_lists_my_groups_by_pseudonym_and_offers_to_describe_my_experience(patient_client):
    page = _page(patient_client, reverse("my_groups"))

    assert "New parents" in page and "“Willow”" in page
    assert reverse("group_page", args=[Membership.objects.get(pseudonym="Willow").group_id]) in page
    assert "Tell us what you're going through" in page
    assert reverse("my_experience") in page
    assert "Veterans together" not in page  # not a member


def test_it_shows_an_open_belonging_question_as_a_card(patient_client, peer_world):
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(weeks=2, minutes=1))
    check = BelongingCheck.objects.get(membership=peer_world.willow)

    page = _page(patient_client, reverse("my_groups"))

    assert "How is New parents feeling for you?" in page
    assert reverse("belonging_check", args=[check.pk]) in page


def test_it_saves_my_experience_and_prefills_it_next_time(patient_client, peer_world):
    page = _page(patient_client, reverse("my_experience"))
    assert "not shown to other members or peer supporters" in page
    assert "nobody else reads it" not in page  # the care team sees it if they may be in danger
    assert "only if it sounds like you may be in danger" in page
    for kind in ("Experience", "Life stage", "Community", "Language"):
        assert f"<legend>{kind}</legend>" in page
    assert page.index("<legend>Experience</legend>") < page.index("<legend>Language</legend>")
    veteran = IdentityTag.objects.get(label="Veteran or service member")

    response = patient_client.post(
        reverse("my_experience"),
        {"description": VETERAN, "tags": [veteran.pk], "share_for_matching": "on"},
    )

    assert response.status_code == 302 and response.url == reverse("group_suggestions")
    profile = ExperienceProfile.objects.get(patient=peer_world.people.patient)
    assert profile.description == VETERAN and profile.share_for_matching
    assert list(profile.tags.all()) == [veteran]
    page = _page(patient_client, reverse("my_experience"))
    assert "I left the army last year and I&#x27;ve felt low" in page
    assert f'value="{veteran.pk}" id="id_tags_' in page and "checked" in page
    assert "See groups that might fit" in _page(patient_client, reverse("my_groups"))


def test_an_empty_or_too_long_description_is_explained_and_kept(patient_client, peer_world):
    response = patient_client.post(reverse("my_experience"), {"description": "   "})
    assert response.status_code == 200
    assert "Please write a few words about what you are going through." in (
        response.content.decode()
    )

    words = "x" * 2001
    response = patient_client.post(reverse("my_experience"), {"description": words})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please keep it to 2,000 characters (it has 2,001)." in page
    assert words in page
    assert not ExperienceProfile.objects.exists()


def test_suggestions_explain_why_and_never_show_size_or_join_by_themselves(
    patient_client, peer_world
):
    page = _page(patient_client, reverse("group_suggestions"))
    assert "Tell us what you're going through" in page  # no profile yet
    veteran = IdentityTag.objects.get(label="Veteran or service member")
    services.save_experience(
        patient=peer_world.people.patient, description=VETERAN, tag_ids=[veteran.pk]
    )

    page = _page(patient_client, reverse("group_suggestions"))

    assert "Nothing is joined automatically" in page
    assert page.index("Veterans together") < page.index("Students with panic")
    assert "you share: Veteran or service member" in page
    assert "Veterans and service members living with depression" in page  # who it is for
    assert '<span class="tag">Depression</span>' in page
    assert "Hillside circle" not in page  # another practice
    main = page.split("<main")[1].split("</main>")[0]
    assert "New parents" not in main  # already a member
    assert not re.search(r"\d+\s+(members?|people|posts?|active)\b", main)  # never size
    join_url = reverse("join_group", args=[peer_world.veterans.pk])
    assert f'href="{join_url}?reason=' in page
    assert not Membership.objects.filter(group=peer_world.veterans).exists()


# --- Joining ----------------------------------------------------------------------------------


def test_it_joins_a_group_under_a_pseudonym_with_the_reason(patient_client, peer_world):
    url = reverse("join_group", args=[peer_world.veterans.pk])
    reason = "Very close to your experience; you share: Veteran or service member."

    page = _page(patient_client, f"{url}?reason={reason}{'!' * 400}")
    assert "Please don&#x27;t use your real name." in page
    assert f'value="{reason}{"!" * (300 - len(reason))}"' in page  # capped at 300

    response = patient_client.post(url, {"pseudonym": "Kestrel", "match_reason": reason})

    assert response.status_code == 302 and response.url == _group_url(peer_world.veterans)
    membership = Membership.objects.get(group=peer_world.veterans)
    assert membership.patient == peer_world.people.patient
    assert membership.pseudonym == "Kestrel" and membership.match_reason == reason
    page = _page(patient_client, response.url)
    assert "Welcome to Veterans together. Here you are “Kestrel”." in page


def test_a_real_name_or_a_taken_name_is_refused_next_to_the_field(patient_client, peer_world):
    url = reverse("join_group", args=[peer_world.parents.pk])
    Membership.objects.filter(pk=peer_world.willow.pk).update(status=Membership.Status.LEFT)

    response = patient_client.post(url, {"pseudonym": "Alex"})
    assert response.status_code == 200
    assert "Please choose a name that is not your own" in response.content.decode()

    response = patient_client.post(url, {"pseudonym": "heron"})
    assert response.status_code == 200
    assert "Someone in this group already uses that name" in response.content.decode()
    assert not Membership.objects.filter(
        group=peer_world.parents, patient=peer_world.people.patient, status="active"
    ).exists()


def test_a_member_is_taken_to_the_group_instead_of_joining_twice(patient_client, peer_world):
    response = patient_client.get(reverse("join_group", args=[peer_world.parents.pk]))

    assert response.status_code == 302 and response.url == _group_url(peer_world.parents)


def test_closed_and_other_practices_groups_cannot_be_joined(patient_client, peer_world):
    peer_world.students.is_open = False
    peer_world.students.save(update_fields=["is_open"])

    for group in (peer_world.students, peer_world.outside_group):
        url = reverse("join_group", args=[group.pk])
        assert patient_client.get(url).status_code == 404
        assert patient_client.post(url, {"pseudonym": "Kestrel"}).status_code == 404
    assert not Membership.objects.filter(pseudonym="Kestrel").exists()


# --- The group page ---------------------------------------------------------------------------


def test_the_group_page_shows_threads_newest_first_with_replies_by_pseudonym_only(
    patient_client, peer_world
):
    people = peer_world.people
    first = _post(peer_world.heron, "Nights are the worst.", minutes_ago=60)
    _post(peer_world.willow, "Same here.\nFour wake-ups last night.", parent=first, minutes_ago=50)
    _post(peer_world.heron, "Does anyone else feel guilty?", minutes_ago=40)
    GroupMeeting.objects.create(
        group=peer_world.parents,
        starts_at=timezone.now() + timedelta(days=2),
        where="Online (link in the group)",
    )
    Membership.objects.filter(pk=peer_world.willow.pk).update(
        last_visited_at=timezone.now() - timedelta(days=9)
    )

    page = _page(patient_client, _group_url(peer_world.parents))

    assert page.index("Does anyone else feel guilty?") < page.index("Nights are the worst.")
    assert page.index("Nights are the worst.") < page.index("Same here.")
    assert "Same here.<br>Four wake-ups last night." in page
    assert "Heron" in page and "Willow" in page
    for name in (people.other_patient.first_name, people.other_patient.last_name):
        assert not re.search(rf"\b{name}\b", page)
    assert people.peer.last_name not in page  # nor the moderator's
    assert "Online (link in the group)" in page and " E" in page  # practice time, EST/EDT
    assert page.count("Report this post") == 2  # Heron's two posts, not Willow's own reply
    peer_world.willow.refresh_from_db()
    assert timezone.now() - peer_world.willow.last_visited_at < timedelta(minutes=1)


def test_the_other_member_sees_no_real_name_either(client, peer_world):
    people = peer_world.people
    _post(peer_world.willow, "Hello from me.")
    client.force_login(people.other_patient.user)

    page = _page(client, _group_url(peer_world.parents))

    assert "Willow" in page and "Hello from me." in page
    for name in (people.patient.first_name, people.patient.last_name):
        assert not re.search(rf"\b{name}\b", page)


def test_markup_in_a_post_is_shown_as_text_and_never_runs(patient_client, peer_world):
    _post(peer_world.heron, MARKUP)

    page = _page(patient_client, _group_url(peer_world.parents))

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_hidden_post_shows_only_that_it_was_hidden(patient_client, peer_world):
    post = _post(peer_world.heron, "Something unkind.")
    services.moderate(post=post, by=peer_world.people.peer, kind="hide")

    page = _page(patient_client, _group_url(peer_world.parents))

    assert "This post was hidden by the group's moderator." in page
    assert "Something unkind." not in page
    assert f'name="parent" value="{post.pk}"' not in page  # no replies to a hidden thread


def _thread_with_reply(peer_world, n: int) -> None:
    """Thread n and its reply, n hours old, saved directly: bulk data for paging (create_post
    would run the crisis detector on each)."""
    at = timezone.now() - timedelta(days=2) + timedelta(hours=n)
    thread = Post.objects.create(
        group=peer_world.parents, author=peer_world.heron, body=f"Thread {n}", created_at=at
    )
    Post.objects.create(
        group=peer_world.parents,
        author=peer_world.willow,
        parent=thread,
        body=f"Reply {n}",
        created_at=at + timedelta(minutes=1),
    )


def test_the_group_page_pages_threads_in_a_bounded_number_of_queries(
    client, peer_world, django_assert_max_num_queries
):
    client.force_login(peer_world.people.patient.user)
    url = _group_url(peer_world.parents)
    _thread_with_reply(peer_world, 0)
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # session, user, membership, visit, meetings, a page of threads..., and the audit trail's
    # one insert of the patients listed (in a savepoint: three statements)
    assert len(few) <= 18

    for n in range(1, 25):
        _thread_with_reply(peer_world, n)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)

    page = response.content.decode()
    assert "Thread 24" in page and "Reply 24" in page and "Thread 5<" in page
    assert "Thread 4<" not in page  # the 21st newest thread is on page 2
    assert "Page 1 of 2" in page
    page = _page(client, f"{url}?page=2")
    assert "Thread 4<" in page and "Reply 0" in page


@pytest.mark.parametrize(
    "persona", ["other_patient_elsewhere", "outside_patient", "coordinator", "peer", "admin"]
)
def test_non_members_staff_and_other_practices_get_404(client, peer_world, persona):
    people = peer_world.people
    post = _post(peer_world.heron, "Only for members.")
    if persona == "other_patient_elsewhere":
        # A patient of the practice who is not in this group.
        Membership.objects.filter(pk=peer_world.heron.pk).update(status=Membership.Status.LEFT)
        user = people.other_patient.user
    elif persona == "outside_patient":
        user = people.outside_patient.user
    else:
        user = getattr(people, persona)
    client.force_login(user)
    group = peer_world.parents

    assert client.get(_group_url(group)).status_code == 404
    assert client.post(reverse("create_post", args=[group.pk]), {"body": "hi"}).status_code == 404
    assert client.post(reverse("report_post", args=[post.pk])).status_code == 404
    assert client.get(reverse("post_support", args=[post.pk])).status_code == 404
    assert client.get(reverse("leave_group", args=[group.pk])).status_code == 404
    assert client.get(reverse("my_groups")).status_code == (
        200 if persona.endswith("patient") or persona == "other_patient_elsewhere" else 404
    )
    assert Post.objects.count() == 1 and not PostReport.objects.exists()


# --- Posting ----------------------------------------------------------------------------------


def test_it_posts_and_replies_and_comes_back_to_the_thread(patient_client, peer_world):
    url = reverse("create_post", args=[peer_world.parents.pk])

    response = patient_client.post(url, {"body": "  Hello everyone.  "})

    assert response.status_code == 302 and response.url == _group_url(peer_world.parents)
    thread = Post.objects.get(author=peer_world.willow)
    assert thread.body == "Hello everyone." and thread.parent is None
    response = patient_client.post(
        url, {"body": "A reply to myself.", "parent": str(thread.pk), "page": "1"}
    )
    assert response.status_code == 302
    assert response.url == f"{_group_url(peer_world.parents)}?page=1#post-{thread.pk}"
    assert Post.objects.get(parent=thread).body == "A reply to myself."
    assert "Your post is up in the group." in _page(patient_client, response.url)


def test_an_empty_or_too_long_post_is_explained_and_the_words_are_kept(patient_client, peer_world):
    url = reverse("create_post", args=[peer_world.parents.pk])

    response = patient_client.post(url, {"body": "   "})
    assert response.status_code == 200
    assert "Please write something before posting." in response.content.decode()

    words = "I have so much to say. " * 100  # 2,300 characters
    response = patient_client.post(url, {"body": words})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please keep a post to 2,000 characters" in page
    assert words.strip() in page
    assert not Post.objects.exists()


def test_a_reply_that_cannot_be_saved_keeps_its_words_under_its_thread(patient_client, peer_world):
    thread = _post(peer_world.heron, "Anyone up?")
    words = "y" * 2001

    response = patient_client.post(
        reverse("create_post", args=[peer_world.parents.pk]),
        {"body": words, "parent": str(thread.pk), "page": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    reply_form = page.split(f'id="reply-{thread.pk}"')[1]
    assert reply_form.split("</textarea>")[0].endswith(words)
    assert "Please keep a post to 2,000 characters" in page
    assert '<details class="reply" open>' in page


def test_a_reply_to_a_hidden_thread_keeps_its_words_for_a_new_post(patient_client, peer_world):
    thread = _post(peer_world.heron, "Something unkind.")
    services.moderate(post=thread, by=peer_world.people.peer, kind="hide")

    response = patient_client.post(
        reverse("create_post", args=[peer_world.parents.pk]),
        {"body": "I was going to say this.", "parent": str(thread.pk)},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "can&#x27;t take replies any more" in page
    assert "I was going to say this.</textarea>" in page
    assert not Post.objects.filter(author=peer_world.willow).exists()


def test_posting_too_fast_is_explained_and_the_words_are_kept(patient_client, peer_world):
    url = reverse("create_post", args=[peer_world.parents.pk])
    for n in range(services.POSTS_PER_WINDOW):
        assert patient_client.post(url, {"body": f"Message {n}"}).status_code == 302

    response = patient_client.post(url, {"body": "One more thing."})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please wait a little before posting again." in page
    assert "One more thing.</textarea>" in page


def test_a_crisis_post_leads_to_help_first_and_alerts_the_care_team(patient_client, peer_world):
    people = peer_world.people

    response = patient_client.post(
        reverse("create_post", args=[peer_world.parents.pk]), {"body": "I want to end my life"}
    )

    post = Post.objects.get(author=peer_world.willow)
    assert response.status_code == 302
    assert response.url == reverse("post_support", args=[post.pk])
    page = _page(patient_client, response.url)
    assert 'href="tel:988"' in page
    assert page.index('id="crisis-resources"') < page.index("<main")  # help first
    assert page.count('id="crisis-resources"') == 1
    assert "Your post is up" not in page
    assert "A peer supporter will read this first, then it appears for New parents." in page
    assert "I want to end my life" in page
    assert "care team" in page
    alert = RiskAlert.objects.get(patient=people.patient)
    assert alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE and post.risk_alert == alert
    assert Notification.objects.filter(user=people.peer, purpose="peer-crisis-post").exists()


def test_only_the_author_sees_the_support_page(client, peer_world):
    post = _post(peer_world.willow, "I want to end my life")
    client.force_login(peer_world.people.other_patient.user)  # Heron, in the same group

    assert client.get(reverse("post_support", args=[post.pk])).status_code == 404


# --- Reporting and leaving ---------------------------------------------------------------------


def test_a_member_reports_a_post_for_the_peer_supporter(patient_client, peer_world):
    post = _post(peer_world.heron, "Something unkind.")

    response = patient_client.post(
        reverse("report_post", args=[post.pk]), {"reason": "It felt mean."}
    )

    assert response.status_code == 302
    assert response.url == f"{_group_url(peer_world.parents)}#post-{post.pk}"
    report = PostReport.objects.get()
    assert report.reporter == peer_world.willow and report.reason == "It felt mean."
    post.refresh_from_db()
    assert post.needs_review
    assert Notification.objects.filter(user=peer_world.people.peer, purpose="peer-report").exists()
    page = _page(patient_client, response.url)
    assert "Thanks — the group&#x27;s peer supporter will take a look." in page


def test_one_cannot_report_ones_own_post(patient_client, peer_world):
    post = _post(peer_world.willow, "Mine.")

    response = patient_client.post(reverse("report_post", args=[post.pk]), follow=True)

    assert "You cannot report your own post" in response.content.decode()
    assert not PostReport.objects.exists()


def test_leaving_asks_first_then_leaves(patient_client, peer_world):
    url = reverse("leave_group", args=[peer_world.parents.pk])
    assert "Leave group" in _page(patient_client, _group_url(peer_world.parents))

    page = _page(patient_client, url)
    assert "Leave New parents?" in page
    peer_world.willow.refresh_from_db()
    assert peer_world.willow.status == Membership.Status.ACTIVE

    response = patient_client.post(url)

    assert response.status_code == 302 and response.url == reverse("my_groups")
    peer_world.willow.refresh_from_db()
    assert peer_world.willow.status == Membership.Status.LEFT
    assert patient_client.get(_group_url(peer_world.parents)).status_code == 404


# --- Belonging --------------------------------------------------------------------------------


@pytest.fixture
def willow_check(peer_world):
    sweeps.ask_due_belonging_checks(now=timezone.now() + timedelta(weeks=2, minutes=1))
    return BelongingCheck.objects.get(membership=peer_world.willow)


def test_the_belonging_question_has_seven_answers(patient_client, willow_check):
    page = _page(patient_client, reverse("belonging_check", args=[willow_check.pk]))

    assert "I identify with New parents." in page
    assert page.count('type="radio" name="score"') == 7
    for _, label in services.BELONGING_OPTIONS:
        assert label in page
    assert "let the peer supporter of New parents know" in page


def test_a_low_answer_shows_other_groups_and_can_tell_the_supporter(
    patient_client, peer_world, willow_check
):
    services.save_experience(patient=peer_world.people.patient, description=VETERAN)
    url = reverse("belonging_check", args=[willow_check.pk])

    response = patient_client.post(url, {"score": "2", "tell_supporter": "on"})

    assert response.status_code == 302 and response.url == url
    willow_check.refresh_from_db()
    assert willow_check.score == 2 and willow_check.tell_supporter
    told = Notification.objects.get(user=peer_world.people.peer, purpose="peer-belonging-low")
    assert "Willow" in told.text and peer_world.people.patient.first_name not in told.text
    page = _page(patient_client, url)
    assert "Groups that might fit better" in page
    assert "Veterans together" in page
    assert "We've let the peer supporter of New parents know" in page
    assert "closed" not in page


def test_a_higher_answer_thanks_them_and_tells_no_one(patient_client, peer_world, willow_check):
    url = reverse("belonging_check", args=[willow_check.pk])

    patient_client.post(url, {"score": "6", "tell_supporter": "on"})

    willow_check.refresh_from_db()
    assert willow_check.score == 6 and not willow_check.tell_supporter
    assert not Notification.objects.filter(purpose="peer-belonging-low").exists()
    page = _page(patient_client, url)
    assert "Thanks for answering." in page and "Groups that might fit better" not in page
    assert _group_url(peer_world.parents) in page


def test_no_answer_is_explained(patient_client, willow_check):
    response = patient_client.post(reverse("belonging_check", args=[willow_check.pk]), {})

    assert response.status_code == 200
    assert "Please choose one of the seven answers." in response.content.decode()


def test_another_members_belonging_question_is_404(client, peer_world, willow_check):
    client.force_login(peer_world.people.other_patient.user)
    url = reverse("belonging_check", args=[willow_check.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"score": "1"}).status_code == 404
    willow_check.refresh_from_db()
    assert willow_check.answered_at is None


# --- The support map --------------------------------------------------------------------------


def test_a_group_holds_the_peer_layer_and_lapses_after_three_weeks_without_a_visit(peer_world):
    patient = peer_world.people.patient
    now = timezone.now()

    peer = network_for(patient, now=now).analysis.layers[Layer.PEER]
    assert [s.name for s in peer.active] == ["New parents"]
    assert coverage_summaries([patient.pk], now=now)[patient.pk].startswith("2/5 layers")

    later = now + timedelta(weeks=3, days=1)
    analysis = network_for(patient, now=later).analysis
    assert [lapse.reason for lapse in analysis.lapses] == ["No visit to New parents for 3 weeks."]

    services.leave_group(membership=peer_world.willow)
    assert not network_for(patient, now=now).analysis.layers[Layer.PEER].active


def test_my_support_shows_the_group_in_the_peer_layer_with_a_link(client, peer_world):
    client.force_login(peer_world.people.patient.user)
    page = client.get(reverse("my_support")).content.decode()
    assert "New parents" in page and "Peer group on Tether" in page
    assert reverse("my_groups") in page
