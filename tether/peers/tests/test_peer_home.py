"""Issue 13, item 6: each role lands where its work starts. A peer supporter lands on their
own page (posts waiting, outreach routed to them, their groups), not the patient crisis page;
care staff land on the open risk alerts when there are any, else on the registry."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tether.crisis.services import raise_risk_alert
from tether.engagement.models import OutreachTask
from tether.peers import services
from tether.peers.models import Post

HOME = "/peers/"


def _signed_in(user) -> Client:
    # After signing in (and the second factor) everyone is sent to "/" (LOGIN_REDIRECT_URL).
    client = Client()
    client.force_login(user)
    return client


def test_a_peer_supporters_sign_in_lands_on_their_own_page(peer_world):
    client = _signed_in(peer_world.people.peer)

    landing = client.get("/")

    assert landing.status_code == 302
    assert landing["Location"] == HOME
    html = client.get(HOME).content.decode()
    assert "New parents" in html and "Veterans together" in html
    assert "Students with panic" not in html  # another peer supporter's group
    assert "Nothing is waiting for review" in html
    assert "Nobody has asked for your outreach right now." in html


def test_it_shows_the_posts_waiting_and_the_outreach_routed_to_them(peer_world):
    people = peer_world.people
    post = services.create_post(membership=peer_world.willow, body="A long week.").post
    Post.objects.filter(pk=post.pk).update(needs_review=True)
    now = timezone.now()
    OutreachTask.objects.create(
        patient=people.patient,
        route=OutreachTask.Route.PEER_SUPPORTER,
        assigned_to=people.peer,
        due_at=now + timedelta(days=1),
        created_at=now,
    )
    OutreachTask.objects.create(  # the coordinator's: not the peer's work
        patient=people.other_patient,
        assigned_to=people.coordinator,
        due_at=now + timedelta(days=1),
        created_at=now,
    )

    html = _signed_in(people.peer).get(HOME).content.decode()

    assert "1 post</strong> in your groups needs a look" in html
    assert people.patient.called in html
    assert people.other_patient.called not in html
    assert people.patient.last_name not in html  # the name they go by, never the record


def test_care_staff_land_on_the_registry_when_no_alert_is_open(people):
    for user in (people.coordinator, people.clinician, people.admin):
        client = _signed_in(user)
        landing = client.get("/", follow=True)
        assert landing.redirect_chain[-1][0] == "/staff/registry/", user.username


def test_care_staff_land_on_the_open_alerts_first(people):
    raise_risk_alert(
        patient=people.patient,
        reason="staff_raised",
        raised_by=people.coordinator,
        detail="Said they are not safe.",
    )

    for user in (people.coordinator, people.clinician, people.admin):
        landing = _signed_in(user).get("/", follow=True)
        assert landing.redirect_chain[-1][0] == "/staff/alerts/", user.username
    # A coordinator who sees no open alert still starts at the registry.
    landing = _signed_in(people.other_coordinator).get("/", follow=True)
    assert landing.redirect_chain[-1][0] == "/staff/registry/"


def test_a_patient_still_lands_on_their_own_page(people):
    landing = _signed_in(people.patient.user).get("/")

    assert landing["Location"] == "/me/"
