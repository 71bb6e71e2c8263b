"""Peer-community rules: matching, joining, posting, the crisis path, belonging checks."""

from datetime import timedelta
from unittest import mock

import pytest
from django.http import Http404
from django.utils import timezone

from tests.factories import UserFactory, make_patient
from tether.accounts.models import Role
from tether.audit.models import AuditEvent
from tether.crisis.models import RiskAlert, ScreenedText
from tether.notifications.models import Notification
from tether.peers import services, sweeps
from tether.peers.models import BelongingCheck, IdentityTag, Membership, Post
from tether.peers.services import PeerInvalid

pytestmark = pytest.mark.django_db


def _member(people, group, name, description, *, share=True):
    patient = make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        username=f"m-{name.lower()}",
        first_name=f"Real{name}",
        last_name="Person",
    )
    services.save_experience(patient=patient, description=description, share_for_matching=share)
    return services.join_group(patient=patient, group=group, pseudonym=name)


# --- Matching -----------------------------------------------------------------------------


def test_a_tiny_quiet_group_that_fits_beats_a_big_busy_one(people):
    tiny = services.save_group(
        practice=people.practice,
        name="New dads",
        who_for="Fathers feeling low, flat or hopeless after a new baby arrived.",
        moderator=people.peer,
    )
    big = services.save_group(
        practice=people.practice,
        name="Everyday stress",
        who_for="Anyone who wants to chat about stress at work, money and busy lives.",
        moderator=people.peer,
    )
    _member(people, tiny, "Oak", "Since our son was born I feel numb and like a bad father.")
    busy = [
        _member(people, big, f"Busy{i}", f"Work deadlines stress me out, week {i}.")
        for i in range(25)
    ]
    Post.objects.bulk_create(
        Post(
            group=big,
            author=membership,
            body=f"Long day at the office again ({i}).",
            created_at=timezone.now() - timedelta(days=i + 1, minutes=n),
        )
        for i, membership in enumerate(busy)
        for n in range(3)
    )
    assert Post.objects.filter(group=big).count() == 75
    services.save_experience(
        patient=people.patient,
        description="I'm a new dad and since the baby came I've felt flat and hopeless.",
    )
    ranked = services.suggest_groups(patient=people.patient)
    assert [s.group for s in ranked][:2] == [tiny, big]
    assert "Close" in ranked[0].reason or "Very close" in ranked[0].reason

    # Activity is not an input: many more posts in the big group change no score at all.
    before = {s.group.pk: s.score for s in ranked}
    for membership in busy[:5]:
        services.create_post(membership=membership, body="Another post about meetings.")
    after = {s.group.pk: s.score for s in services.suggest_groups(patient=people.patient)}
    assert after == pytest.approx(before)


def test_shared_tags_lift_a_group_and_are_named_in_the_reason(peer_world):
    people = peer_world.people
    veteran = IdentityTag.objects.get(label="Veteran or service member")
    services.save_experience(
        patient=people.other_patient,
        description="I feel low most days and can't enjoy anything.",
        tag_ids=[veteran.pk],
    )
    ranked = services.suggest_groups(patient=people.other_patient)
    assert ranked[0].group == peer_world.veterans
    assert ranked[0].shared_tags == ("Veteran or service member",)
    assert "you share: Veteran or service member" in ranked[0].reason


def test_suggestions_skip_my_groups_closed_groups_and_other_practices(peer_world):
    people = peer_world.people
    services.save_experience(patient=people.patient, description="Anxiety and low mood.")
    names = {s.group.name for s in services.suggest_groups(patient=people.patient)}
    assert names == {"Veterans together", "Students with panic"}  # not New parents (member)
    services.save_group(
        practice=people.practice,
        name="Students with panic",
        who_for=peer_world.students.who_for,
        moderator=peer_world.other_peer,
        is_open=False,
        group=peer_world.students,
    )
    names = {s.group.name for s in services.suggest_groups(patient=people.patient)}
    assert names == {"Veterans together"}


def test_no_suggestions_before_the_patient_describes_their_experience(peer_world):
    assert services.suggest_groups(patient=peer_world.people.patient) == []


def test_shared_profiles_join_the_index_only_with_consent(peer_world):
    people = peer_world.people
    index = services.practice_index(people.practice)
    assert index.size == (3, 0)
    services.save_experience(patient=people.patient, description="Tired new mum.")
    assert services.practice_index(people.practice).size == (3, 0)  # not shared
    services.save_experience(
        patient=people.patient, description="Tired new mum.", share_for_matching=True
    )
    assert services.practice_index(people.practice).size == (3, 1)


def test_experience_needs_words_within_the_limit(people):
    with pytest.raises(PeerInvalid) as error:
        services.save_experience(patient=people.patient, description="   ")
    assert "description" in error.value.problems
    with pytest.raises(PeerInvalid):
        services.save_experience(patient=people.patient, description="x" * 2001)
    with pytest.raises(PeerInvalid) as error:
        services.save_experience(patient=people.patient, description="ok", tag_ids=[999999])
    assert "tags" in error.value.problems


# --- Joining --------------------------------------------------------------------------------


@pytest.mark.parametrize("pseudonym", ["Alex", "alex rivera", "Rivera", "x", "a" * 31, "<b>hi</b>"])
def test_pseudonyms_that_would_reveal_or_break_are_refused(peer_world, pseudonym):
    with pytest.raises(PeerInvalid) as error:
        services.join_group(
            patient=peer_world.people.patient, group=peer_world.veterans, pseudonym=pseudonym
        )
    assert "pseudonym" in error.value.problems


def test_a_pseudonym_is_unique_within_a_group_but_not_across_groups(peer_world):
    people = peer_world.people
    with pytest.raises(PeerInvalid) as error:
        services.join_group(patient=people.other_patient, group=peer_world.veterans, pseudonym="x1")
        services.join_group(patient=people.patient, group=peer_world.veterans, pseudonym="X1")
    assert "already uses that name" in error.value.problems["pseudonym"]
    services.join_group(patient=people.patient, group=peer_world.students, pseudonym="X1")


def test_joining_twice_is_refused_and_rejoining_after_leaving_works(peer_world):
    people = peer_world.people
    with pytest.raises(PeerInvalid) as error:
        services.join_group(patient=people.patient, group=peer_world.parents, pseudonym="Maple")
    assert "already a member" in error.value.problems["group"]
    services.leave_group(membership=peer_world.willow)
    again = services.join_group(patient=people.patient, group=peer_world.parents, pseudonym="Maple")
    assert again.status == Membership.Status.ACTIVE


def test_a_group_of_another_practice_cannot_be_joined(peer_world):
    with pytest.raises(Http404):
        services.join_group(
            patient=peer_world.people.patient, group=peer_world.outside_group, pseudonym="Fern"
        )


# --- Posts and the crisis path --------------------------------------------------------------


def test_an_ordinary_post_raises_nothing(peer_world):
    result = services.create_post(membership=peer_world.willow, body="Slept 5 hours! Small wins.")
    assert not result.show_crisis_resources
    assert result.post.status == Post.Status.VISIBLE and not result.post.needs_review
    assert not RiskAlert.objects.exists()


def test_a_crisis_post_is_posted_queued_first_and_alerts_the_care_team(peer_world):
    people = peer_world.people
    result = services.create_post(
        membership=peer_world.willow, body="I can't do this anymore. I want to end my life."
    )
    post = Post.objects.get(pk=result.post.pk)
    assert result.show_crisis_resources  # the author is shown the crisis lines at once
    assert post.status == Post.Status.HELD  # saved, and a moderator reads it first
    assert post.needs_review and post.crisis_language
    assert "end my life" in post.crisis_reason
    alert = post.risk_alert
    assert alert.patient == people.patient
    assert alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    assert alert.status == RiskAlert.Status.OPEN
    assert "peer group post" in alert.detail and "Willow" not in alert.detail
    moderator_note = Notification.objects.get(user=people.peer, purpose="peer-crisis-post")
    assert "Willow" not in moderator_note.text and "Alex" not in moderator_note.text


def test_the_crisis_path_is_all_or_nothing(peer_world):
    boom = RuntimeError("alert store down")
    with (
        mock.patch("tether.crisis.screening.raise_risk_alert", side_effect=boom),
        pytest.raises(RuntimeError),
    ):
        services.create_post(membership=peer_world.willow, body="I want to kill myself")
    assert not Post.objects.exists()
    assert not RiskAlert.objects.exists()
    assert not ScreenedText.objects.exists()
    assert not Notification.objects.filter(purpose="peer-crisis-post").exists()


def test_posts_are_stored_as_typed_and_validated(peer_world):
    body = "<script>alert('x')</script> & <b>bold</b>"
    post = services.create_post(membership=peer_world.willow, body=body).post
    assert Post.objects.get(pk=post.pk).body == body  # escaping happens at render time
    for bad in ("", "   ", "x" * 2001):
        with pytest.raises(PeerInvalid) as error:
            services.create_post(membership=peer_world.willow, body=bad)
        assert "body" in error.value.problems


def test_replies_stay_in_their_group_and_one_level_deep(peer_world):
    top = services.create_post(membership=peer_world.willow, body="Anyone up at 3am?").post
    reply = services.create_post(membership=peer_world.heron, body="Me!", parent=top).post
    with pytest.raises(PeerInvalid):
        services.create_post(membership=peer_world.willow, body="nested", parent=reply)
    elsewhere = services.join_group(
        patient=peer_world.people.patient, group=peer_world.veterans, pseudonym="Birch"
    )
    with pytest.raises(PeerInvalid):
        services.create_post(membership=elsewhere, body="cross-group", parent=top)


def test_posting_is_rate_limited_with_a_clear_message(peer_world):
    start = timezone.now()
    for i in range(services.POSTS_PER_WINDOW):
        services.create_post(membership=peer_world.willow, body=f"post {i}", now=start)
    with pytest.raises(PeerInvalid) as error:
        services.create_post(membership=peer_world.willow, body="one more", now=start)
    assert "wait a little" in error.value.problems["body"]
    later = start + services.POST_WINDOW + timedelta(seconds=1)
    services.create_post(membership=peer_world.willow, body="one more", now=later)


def test_a_member_who_left_cannot_post(peer_world):
    services.leave_group(membership=peer_world.willow)
    with pytest.raises(PeerInvalid):
        services.create_post(membership=peer_world.willow, body="hello?")


def test_reporting_queues_the_post_once(peer_world):
    post = services.create_post(membership=peer_world.heron, body="Some post").post
    services.report_post(post=post, reporter=peer_world.willow, reason="unkind")
    services.report_post(post=post, reporter=peer_world.willow, reason="again")
    post.refresh_from_db()
    assert post.needs_review and post.reports.count() == 1
    with pytest.raises(PeerInvalid):
        services.report_post(post=post, reporter=peer_world.heron)  # own post


# --- Moderation (permissions by role are covered at the page and API level too) -----------


def test_moderation_is_for_the_groups_peer_supporter_and_admins_only(peer_world):
    people = peer_world.people
    post = services.create_post(membership=peer_world.heron, body="Hmm").post
    for user in (people.coordinator, people.clinician, peer_world.other_peer, people.outside_admin):
        with pytest.raises(Http404):
            services.moderate(post=post, by=user, kind="hide")
    services.moderate(post=post, by=people.peer, kind="hide", note="off topic")
    services.moderate(post=post, by=people.admin, kind="restore")
    assert [a.kind for a in post.moderation.all()] == ["hide", "restore"]


def test_escalating_raises_an_alert_for_the_authors_care_team(peer_world):
    people = peer_world.people
    post = services.create_post(
        membership=peer_world.heron, body="I keep quiet here most weeks."
    ).post
    with pytest.raises(PeerInvalid):
        services.moderate(post=post, by=people.peer, kind="escalate")  # a note is required
    services.moderate(post=post, by=people.peer, kind="escalate", note="Sounds like a goodbye")
    alert = RiskAlert.objects.get(reason=RiskAlert.Reason.PEER_ESCALATED)
    assert alert.patient == people.other_patient and alert.raised_by == people.peer


# --- Pseudonym look-up ----------------------------------------------------------------------


def test_only_the_members_care_team_can_link_a_pseudonym_and_it_is_audited(peer_world):
    people = peer_world.people
    assert services.reveal_member(user=people.coordinator, membership=peer_world.willow) == (
        people.patient
    )
    event = AuditEvent.objects.get()
    assert event.actor == people.coordinator and event.patient == people.patient
    assert "Willow" in event.detail
    for user in (people.admin, people.peer, people.other_coordinator, people.outside_coordinator):
        with pytest.raises(Http404):
            services.reveal_member(user=user, membership=peer_world.willow)
    assert AuditEvent.objects.count() == 1


# --- Belonging ------------------------------------------------------------------------------


def test_belonging_is_asked_two_weeks_after_joining_then_monthly(peer_world):
    joined = max(peer_world.willow.joined_at, peer_world.heron.joined_at)
    assert sweeps.ask_due_belonging_checks(now=joined + timedelta(days=13)) == 0
    at = joined + timedelta(days=14)
    assert sweeps.ask_due_belonging_checks(now=at) == 2  # Willow and Heron
    assert sweeps.ask_due_belonging_checks(now=at) == 0  # idempotent
    check = BelongingCheck.objects.get(membership=peer_world.willow)
    note = Notification.objects.get(user=peer_world.people.patient.user, purpose="belonging-check")
    assert note.text == "One quick question for you"  # no group name by email
    peer_world.willow.refresh_from_db()
    assert peer_world.willow.belonging_due_at == at + services.BELONGING_EVERY
    services.answer_belonging(check=check, score=6, now=at)
    # Willow answered and is asked again; Heron's first question is still open, so not.
    assert sweeps.ask_due_belonging_checks(now=at + timedelta(days=30)) == 1
    assert BelongingCheck.objects.filter(membership=peer_world.willow).count() == 2
    assert BelongingCheck.objects.filter(membership=peer_world.heron).count() == 1


def test_an_unanswered_question_is_not_asked_twice(peer_world):
    at = peer_world.willow.joined_at + timedelta(days=14)
    sweeps.ask_due_belonging_checks(now=at)
    sweeps.ask_due_belonging_checks(now=at + timedelta(days=30))
    assert BelongingCheck.objects.filter(membership=peer_world.willow).count() == 1


def test_a_low_answer_can_tell_the_peer_supporter_by_pseudonym_only(peer_world):
    people = peer_world.people
    sweeps.ask_due_belonging_checks(now=peer_world.willow.joined_at + timedelta(days=14))
    check = BelongingCheck.objects.get(membership=peer_world.willow)
    services.answer_belonging(check=check, score=2, tell_supporter=True)
    note = Notification.objects.get(user=people.peer, purpose="peer-belonging-low")
    assert "Willow" in note.text and people.patient.first_name not in note.text
    with pytest.raises(PeerInvalid):
        services.answer_belonging(check=check, score=3)  # already answered


def test_a_high_answer_never_tells_the_supporter(peer_world):
    sweeps.ask_due_belonging_checks(now=peer_world.willow.joined_at + timedelta(days=14))
    check = BelongingCheck.objects.get(membership=peer_world.willow)
    services.answer_belonging(check=check, score=5, tell_supporter=True)
    check.refresh_from_db()
    assert not check.tell_supporter
    assert not Notification.objects.filter(purpose="peer-belonging-low").exists()


@pytest.mark.parametrize("score", [0, 8, "seven", None])
def test_belonging_answers_outside_one_to_seven_are_refused(peer_world, score):
    sweeps.ask_due_belonging_checks(now=peer_world.willow.joined_at + timedelta(days=14))
    check = BelongingCheck.objects.get(membership=peer_world.willow)
    with pytest.raises(PeerInvalid):
        services.answer_belonging(check=check, score=score)


def test_three_weeks_without_a_visit_brings_one_gentle_note(peer_world):
    user = peer_world.people.patient.user
    last = max(peer_world.willow.last_visited_at, peer_world.heron.last_visited_at)
    assert sweeps.nudge_inactive_members(now=last + timedelta(days=20)) == 0
    assert sweeps.nudge_inactive_members(now=last + timedelta(days=21)) == 2
    assert sweeps.nudge_inactive_members(now=last + timedelta(days=40)) == 0
    assert Notification.objects.filter(user=user, purpose="peer-inactive").count() == 1
    services.record_visit(membership=peer_world.willow, now=last + timedelta(days=41))
    assert sweeps.nudge_inactive_members(now=last + timedelta(days=62)) == 1


def test_the_peer_sweeps_take_each_member_once_in_batches_of_one(peer_world):
    joined = max(peer_world.willow.joined_at, peer_world.heron.joined_at)
    assert sweeps.ask_due_belonging_checks(now=joined + timedelta(days=14), batch=1) == 2
    assert BelongingCheck.objects.count() == 2
    last = max(peer_world.willow.last_visited_at, peer_world.heron.last_visited_at)
    assert sweeps.nudge_inactive_members(now=last + timedelta(days=21), batch=1) == 2
    assert Notification.objects.filter(purpose="peer-inactive").count() == 2


def test_group_moderator_must_be_a_peer_supporter_of_the_practice(people):
    coordinator_moderator = people.coordinator
    with pytest.raises(PeerInvalid) as error:
        services.save_group(
            practice=people.practice, name="G", who_for="Anyone", moderator=coordinator_moderator
        )
    assert "moderator" in error.value.problems
    outsider = UserFactory(practice=people.outside_practice, role=Role.PEER_SUPPORTER)
    with pytest.raises(PeerInvalid):
        services.save_group(practice=people.practice, name="G", who_for="x", moderator=outsider)


def test_group_names_are_unique_per_practice_ignoring_case(peer_world):
    with pytest.raises(PeerInvalid) as error:
        services.save_group(
            practice=peer_world.people.practice,
            name="new PARENTS",
            who_for="Again",
            moderator=peer_world.people.peer,
        )
    assert "already has a group" in error.value.problems["name"]


def test_a_crisis_post_is_never_refused_by_the_rate_limit(peer_world):
    start = timezone.now()
    for i in range(services.POSTS_PER_WINDOW):
        services.create_post(membership=peer_world.willow, body=f"post {i}", now=start)
    result = services.create_post(
        membership=peer_world.willow, body="I want to end my life tonight.", now=start
    )
    assert result.show_crisis_resources and result.post.risk_alert_id


def test_escalating_a_crisis_post_adds_the_note_to_its_open_alert(peer_world):
    people = peer_world.people
    post = services.create_post(membership=peer_world.heron, body="I want to die.").post
    services.moderate(post=post, by=people.peer, kind="escalate", note="Said goodbye earlier")
    assert RiskAlert.objects.count() == 1  # no second alert for the same post
    note = post.risk_alert.events.get(kind="note", actor=people.peer)
    assert note.actor == people.peer and "Said goodbye earlier" in note.note
