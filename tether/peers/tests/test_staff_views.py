"""The care team's view of peer groups: the section on the staff patient page, the audited
pseudonym look-up, and the post behind a risk alert on the alert page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tether.audit.models import AuditEvent
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.peers import services, sweeps

# Opening pages records reads too; these tests are about the pseudonym look-up.
REVEALS = AuditEvent.objects.filter(action=AuditEvent.Action.PSEUDONYM_REVEALED)


def _patient_page(client, people) -> str:
    response = client.get(reverse("staff_patient", args=[people.patient.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str) -> str:
    start = page.index('id="peer-groups"')
    return page[start : page.index("</section>", start)]


def _answer(membership, score, *, days_after_joining):
    """Ask the belonging question when it falls due and answer it then."""
    at = membership.joined_at + timedelta(days=days_after_joining)
    sweeps.ask_due_belonging_checks(now=at)
    check = membership.belonging_checks.get(answered_at=None)
    services.answer_belonging(check=check, score=score, now=at)


# --- The staff patient page ------------------------------------------------------------------


def test_it_shows_belonging_over_time_and_no_posts(client, peer_world):
    people = peer_world.people
    willow = peer_world.willow
    _answer(willow, 5, days_after_joining=15)
    _answer(willow, 2, days_after_joining=46)
    for minutes in (30, 20, 10):
        services.create_post(
            membership=willow,
            body=f"Posted {minutes} minutes ago.",
            now=timezone.now() - timedelta(minutes=minutes),
        )
    client.force_login(people.coordinator)

    section = _section(_patient_page(client, people))

    assert "New parents" in section
    assert "2 – Disagree" in section and "Low" in section  # the latest
    assert "5 – Somewhat agree" in section  # the one before
    assert section.index("2 – Disagree") < section.index("5 – Somewhat agree")
    assert "Posted" not in section
    assert not re.search(r"\d+\s+posts?\b", section)


def test_it_does_not_show_the_pseudonym(client, peer_world):
    people = peer_world.people
    for staff in (people.coordinator, people.clinician, people.admin):
        client.force_login(staff)
        assert "Willow" not in _patient_page(client, people)


@pytest.mark.parametrize(
    ("who", "can_reveal"), [("coordinator", True), ("clinician", True), ("admin", False)]
)
def test_only_the_care_team_is_offered_the_look_up(client, peer_world, who, can_reveal):
    people = peer_world.people
    client.force_login(getattr(people, who))

    section = _section(_patient_page(client, people))

    assert ("Show the name they use in this group" in section) == can_reveal
    assert (reverse("reveal_member", args=[peer_world.willow.pk]) in section) == can_reveal


def test_a_patient_in_no_group(client, people):
    client.force_login(people.coordinator)

    assert "Not in a peer group." in _section(_patient_page(client, people))


def test_a_group_they_left_is_not_listed(client, peer_world):
    services.leave_group(membership=peer_world.willow)
    client.force_login(peer_world.people.coordinator)

    section = _section(_patient_page(client, peer_world.people))

    assert "New parents" not in section


def test_the_page_query_count_does_not_grow_with_groups(
    client, peer_world, django_assert_max_num_queries
):
    people = peer_world.people
    _answer(peer_world.willow, 4, days_after_joining=15)
    client.force_login(people.coordinator)
    _patient_page(client, people)
    with CaptureQueriesContext(connection) as one_group:
        _patient_page(client, people)

    for group in (peer_world.veterans, peer_world.students):
        membership = services.join_group(patient=people.patient, group=group, pseudonym="Wren")
        _answer(membership, 3, days_after_joining=15)
        _answer(membership, 6, days_after_joining=46)
    with django_assert_max_num_queries(len(one_group.captured_queries)):
        section = _section(_patient_page(client, people))

    assert "Veterans together" in section and "Students with panic" in section


# --- The look-up -----------------------------------------------------------------------------


def test_the_look_up_shows_the_name_and_is_recorded_once(client, peer_world):
    people = peer_world.people
    client.force_login(people.clinician)

    response = client.post(reverse("reveal_member", args=[peer_world.willow.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Willow" in page and "New parents" in page
    assert "recorded" in page
    assert response["Cache-Control"].startswith("max-age=0")
    (event,) = REVEALS.all()
    assert event.actor == people.clinician
    assert event.patient == people.patient
    assert event.action == AuditEvent.Action.PSEUDONYM_REVEALED
    assert "Willow" in event.detail


def test_each_look_up_is_recorded(client, peer_world):
    client.force_login(peer_world.people.coordinator)
    url = reverse("reveal_member", args=[peer_world.willow.pk])

    client.post(url)
    client.post(url)

    assert REVEALS.count() == 2


@pytest.mark.parametrize("who", ["admin", "peer", "other_coordinator", "outside_coordinator"])
def test_the_look_up_is_a_404_for_anyone_else(client, peer_world, who):
    client.force_login(getattr(peer_world.people, who))

    response = client.post(reverse("reveal_member", args=[peer_world.willow.pk]))

    assert response.status_code == 404
    assert not REVEALS.exists()


def test_the_other_patients_team_cannot_look_up_willow_but_can_look_up_heron(client, peer_world):
    client.force_login(peer_world.people.other_coordinator)

    assert client.post(reverse("reveal_member", args=[peer_world.willow.pk])).status_code == 404
    assert client.post(reverse("reveal_member", args=[peer_world.heron.pk])).status_code == 200
    assert REVEALS.get().patient == peer_world.people.other_patient


# --- The alert page --------------------------------------------------------------------------


def test_the_alert_page_shows_the_post_that_raised_it(client, peer_world):
    people = peer_world.people
    body = "<b>Tonight</b> I want to kill myself"
    post = services.create_post(membership=peer_world.willow, body=body).post
    client.force_login(people.coordinator)

    page = client.get(reverse("alert_detail", args=[post.risk_alert.pk])).content.decode()

    assert post.risk_alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    section = page[page.index('id="alert-post"') :]
    assert "New parents" in section
    assert "&lt;b&gt;Tonight&lt;/b&gt; I want to kill myself" in section
    assert "<b>Tonight</b>" not in page
    # The name they use in the group is one recorded look-up away, as on the patient page.
    assert "Willow" not in page
    assert reverse("reveal_member", args=[peer_world.willow.pk]) in section


def test_the_admin_sees_the_words_and_no_look_up(client, peer_world):
    post = services.create_post(membership=peer_world.willow, body="I want to kill myself").post
    client.force_login(peer_world.people.admin)

    page = client.get(reverse("alert_detail", args=[post.risk_alert.pk])).content.decode()

    section = page[page.index('id="alert-post"') :]
    assert "New parents" in section and "I want to kill myself" in section
    assert "Willow" not in page
    assert reverse("reveal_member", args=[peer_world.willow.pk]) not in page


def test_the_alert_page_shows_an_escalated_post(client, peer_world):
    people = peer_world.people
    post = services.create_post(membership=peer_world.willow, body="Nothing matters.").post
    services.moderate(post=post, by=people.peer, kind="escalate", note="Flat, hopeless tone.")
    post.refresh_from_db()
    client.force_login(people.clinician)

    page = client.get(reverse("alert_detail", args=[post.risk_alert.pk])).content.decode()

    assert post.risk_alert.reason == RiskAlert.Reason.PEER_ESCALATED
    assert "Nothing matters." in page and "Flat, hopeless tone." in page


def test_an_alert_not_raised_by_a_post_has_no_post_section(client, peer_world):
    people = peer_world.people
    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        detail="Worrying call.",
    )
    client.force_login(people.coordinator)

    page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()

    assert 'id="alert-post"' not in page


def test_a_resolve_error_keeps_the_post_on_the_page(client, peer_world):
    post = services.create_post(membership=peer_world.willow, body="I want to kill myself").post
    client.force_login(peer_world.people.coordinator)

    response = client.post(reverse("alert_resolve", args=[post.risk_alert.pk]), {"note": ""})

    assert response.status_code == 400
    assert 'id="alert-post"' in response.content.decode()
