"""The practice admin manages peer groups in the app: changing who a group is for re-embeds
it for matching, meeting times, and archiving (not suggested, no new members or posts, its
members keep reading). Everyone but the admin of the group's practice gets a 404."""

from datetime import timedelta

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import Patient
from tether.lib.embedding import embed
from tether.peers import services, sweeps
from tether.peers.models import GroupMeeting, PeerGroup, Post, vector_from_bytes

PERSONAS = [
    "patient",
    "peer",
    "other_peer",
    "coordinator",
    "clinician",
    "admin",
    "outside_admin",
]


def _client(peer_world, persona) -> Client:
    found = (
        peer_world.other_peer if persona == "other_peer" else getattr(peer_world.people, persona)
    )
    client = Client()
    client.force_login(found.user if isinstance(found, Patient) else found)
    return client


def _suggested(patient) -> set[str]:
    return {s.group.name for s in services.suggest_groups(patient=patient)}


def test_it_reembeds_the_description_when_who_it_is_for_changes(client, peer_world):
    students = peer_world.students
    client.force_login(peer_world.people.admin)
    words = "Veterans and service members finding civilian life hard."

    response = client.post(
        reverse("peer_group_edit", args=[students.pk]),
        {"name": students.name, "who_for": words, "moderator": peer_world.other_peer.pk},
    )

    assert response.status_code == 302
    students.refresh_from_db()
    assert students.who_for == words
    stored = vector_from_bytes(students.embedding)
    assert stored is not None
    assert np.allclose(stored, embed(words), atol=1e-6)


def test_an_archived_group_is_not_suggested_and_takes_no_one_new(client, peer_world):
    people = peer_world.people
    services.save_experience(patient=people.patient, description="Anxiety and low mood.")
    assert "Students with panic" in _suggested(people.patient)  # the index is built now
    client.force_login(people.admin)

    response = client.post(reverse("peer_group_archive", args=[peer_world.students.pk]))

    assert response.status_code == 302 and response.url == reverse("peer_group_list")
    students = PeerGroup.objects.get(pk=peer_world.students.pk)
    assert students.archived_at is not None and not students.is_open
    assert "Students with panic" not in _suggested(people.patient)
    with pytest.raises(services.PeerInvalid):
        services.join_group(patient=people.patient, group=students, pseudonym="Sparrow")
    join = Client()
    join.force_login(people.patient.user)
    assert join.get(reverse("join_group", args=[students.pk])).status_code == 404
    listed = client.get(reverse("peer_group_list")).content.decode()
    assert "Archived" in listed


def test_members_of_an_archived_group_keep_reading_but_post_no_more(client, peer_world):
    people = peer_world.people
    old = services.create_post(membership=peer_world.willow, body="Slept better.").post
    services.archive_group(group=peer_world.parents)
    client.force_login(people.patient.user)
    url = reverse("group_page", args=[peer_world.parents.pk])

    page = client.get(url).content.decode()
    response = client.post(reverse("create_post", args=[peer_world.parents.pk]), {"body": "Hi"})

    assert "Slept better." in page
    assert "This group has closed, so it takes no new posts." in page
    assert 'id="new-post"' not in page and "Send reply" not in page
    assert response.status_code in (200, 400)
    assert list(Post.objects.filter(group=peer_world.parents)) == [old]


def test_an_archived_group_is_not_changed(client, peer_world):
    services.archive_group(group=peer_world.students)
    client.force_login(peer_world.people.admin)
    url = reverse("peer_group_edit", args=[peer_world.students.pk])
    assert "Save the group" not in client.get(url).content.decode()

    response = client.post(
        url, {"name": "New name", "who_for": "Anyone.", "moderator": peer_world.other_peer.pk}
    )

    assert response.status_code == 400
    assert "archived" in response.content.decode()
    assert PeerGroup.objects.get(pk=peer_world.students.pk).name == "Students with panic"


def test_archiving_twice_keeps_the_first_time(peer_world):
    first = services.archive_group(group=peer_world.students).archived_at
    again = services.archive_group(group=peer_world.students, now=timezone.now() + timedelta(1))
    assert again.archived_at == first


def test_the_moderator_must_be_a_peer_supporter_of_the_practice(client, peer_world):
    people = peer_world.people
    client.force_login(people.admin)
    url = reverse("peer_group_edit", args=[peer_world.students.pk])
    data = {"name": "Students with panic", "who_for": "Students."}

    for not_a_peer in (people.coordinator, people.admin):
        response = client.post(url, {**data, "moderator": not_a_peer.pk})
        assert response.status_code == 400
    outside_peer = peer_world.outside_group.moderator
    assert client.post(url, {**data, "moderator": outside_peer.pk}).status_code == 400
    with pytest.raises(services.PeerInvalid, match="peer supporter of this practice"):
        services.save_group(
            practice=people.practice, name="X", who_for="Y", moderator=people.clinician
        )
    assert PeerGroup.objects.get(pk=peer_world.students.pk).moderator == peer_world.other_peer


def test_the_admin_adds_and_removes_a_meeting_time_members_then_see(client, peer_world):
    people = peer_world.people
    client.force_login(people.admin)
    when = (timezone.localdate() + timedelta(days=3)).isoformat() + "T18:30"

    response = client.post(
        reverse("peer_meeting_add", args=[peer_world.parents.pk]),
        {"starts_at": when, "duration_minutes": "90", "where": "Online (link in the group)"},
    )

    assert response.status_code == 302
    meeting = GroupMeeting.objects.get(group=peer_world.parents)
    assert meeting.duration_minutes == 90 and meeting.where == "Online (link in the group)"
    member = Client()
    member.force_login(people.patient.user)
    group_page = reverse("group_page", args=[peer_world.parents.pk])
    assert "Online (link in the group)" in member.get(group_page).content.decode()

    client.post(reverse("peer_meeting_remove", args=[peer_world.parents.pk, meeting.pk]))
    assert not GroupMeeting.objects.exists()


def test_a_meeting_in_the_past_or_without_a_place_is_an_error(client, peer_world):
    client.force_login(peer_world.people.admin)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat() + "T10:00"

    response = client.post(
        reverse("peer_meeting_add", args=[peer_world.parents.pk]),
        {"starts_at": yesterday, "duration_minutes": "2000", "where": " "},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Please choose a time in the future." in page
    assert "Please choose between 15 and 240 minutes." in page
    assert "Please say where it meets" in page
    assert not GroupMeeting.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_practice_admin_manages_groups(peer_world, persona):
    parents = peer_world.parents
    meeting = GroupMeeting.objects.create(
        group=parents, starts_at=timezone.now() + timedelta(days=2), where="Room 2"
    )
    client = _client(peer_world, persona)
    when = (timezone.localdate() + timedelta(days=3)).isoformat() + "T18:30"

    add = client.post(
        reverse("peer_meeting_add", args=[parents.pk]),
        {"starts_at": when, "duration_minutes": "60", "where": "Room 3"},
    )
    remove = client.post(reverse("peer_meeting_remove", args=[parents.pk, meeting.pk]))
    archive = client.post(reverse("peer_group_archive", args=[parents.pk]))

    parents.refresh_from_db()
    codes = {add.status_code, remove.status_code, archive.status_code}
    if persona == "admin":
        assert codes == {302}
        assert parents.archived_at is not None
        assert list(GroupMeeting.objects.values_list("where", flat=True)) == ["Room 3"]
    else:
        assert codes == {404}
        assert parents.archived_at is None
        assert list(GroupMeeting.objects.values_list("where", flat=True)) == ["Room 2"]


def test_a_meeting_of_another_group_is_not_removed(client, peer_world):
    other = GroupMeeting.objects.create(
        group=peer_world.outside_group, starts_at=timezone.now() + timedelta(days=2), where="B"
    )
    client.force_login(peer_world.people.admin)

    client.post(reverse("peer_meeting_remove", args=[peer_world.parents.pk, other.pk]))

    assert GroupMeeting.objects.filter(pk=other.pk).exists()


def test_members_of_an_archived_group_are_not_asked_or_nudged(peer_world):
    later = timezone.now() + timedelta(days=30)
    assert sweeps.due_belonging_checks(now=later).filter(group=peer_world.parents).exists()
    assert sweeps.inactive_members(now=later).filter(group=peer_world.parents).exists()

    services.archive_group(group=peer_world.parents)

    assert sweeps.ask_due_belonging_checks(now=later) == 0
    assert sweeps.nudge_inactive_members(now=later) == 0
