"""/staff/screened/: the care team's list of screened words from routes without a moderator,
"Mark as seen", who may open it, and the quoted words on the alert page."""

import pytest
from django.template.loader import render_to_string

from tether.crisis.models import ScreenedText
from tether.crisis.screening import screen_text

URL = "/staff/screened/"
CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"


def _screened(patient, route=ScreenedText.Route.HELP_WANTED, text=CRISIS_TEXT, **kwargs):
    return screen_text(
        patient=patient, text=text, route=route, written_by=patient.user, **kwargs
    ).screened


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_the_words_for_the_care_team_with_a_link_to_the_alert(client, people):
    screened = _screened(people.patient)

    page = _page(client, people.coordinator)

    assert f'id="screened-{screened.pk}"' in page
    assert CRISIS_TEXT in page and "Alex Rivera" in page
    assert "What they would like help with" in page
    assert f"/staff/alerts/{screened.alert_id}/" in page


def test_it_leaves_out_peer_posts_which_the_moderator_reads(client, people):
    post = _screened(people.patient, route=ScreenedText.Route.PEER_POST, moderated=True)
    assert f'id="screened-{post.pk}"' not in _page(client, people.coordinator)


def test_each_member_of_staff_sees_only_their_patients(client, people):
    mine = _screened(people.patient)
    theirs = _screened(people.other_patient)

    coordinator = _page(client, people.coordinator)
    admin = _page(client, people.admin)

    assert f"screened-{mine.pk}" in coordinator and f"screened-{theirs.pk}" not in coordinator
    assert f"screened-{mine.pk}" in admin and f"screened-{theirs.pk}" in admin
    assert f"screened-{mine.pk}" not in _page(client, people.outside_coordinator)


@pytest.mark.parametrize("who", ["peer", "patient", "anonymous"])
def test_peer_supporters_patients_and_strangers_get_404(client, people, who):
    _screened(people.patient)
    if who == "peer":
        client.force_login(people.peer)
    elif who == "patient":
        client.force_login(people.patient.user)
    response = client.get(URL)
    assert response.status_code in ((404,) if who != "anonymous" else (302, 404))


def test_mark_as_seen_records_who_and_when_and_takes_it_off_the_list(client, people):
    screened = _screened(people.patient)
    client.force_login(people.clinician)

    response = client.post(URL, {"screened": str(screened.pk)})

    assert response.status_code == 302
    screened.refresh_from_db()
    assert screened.reviewed_by == people.clinician and screened.reviewed_at is not None
    assert f"screened-{screened.pk}" not in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["outside_coordinator", "other_coordinator", "peer"])
def test_nobody_else_can_mark_it_seen(client, people, who):
    screened = _screened(people.patient)
    client.force_login(getattr(people, who))

    response = client.post(URL, {"screened": str(screened.pk)})

    assert response.status_code == 404
    screened.refresh_from_db()
    assert screened.reviewed_at is None


def test_a_malformed_id_is_a_404(client, people):
    client.force_login(people.coordinator)
    assert client.post(URL, {"screened": "not-an-id"}).status_code == 404


def test_the_alert_include_quotes_the_words_but_not_peer_posts(people):
    screened = _screened(people.patient)
    _screened(
        people.patient,
        route=ScreenedText.Route.PEER_POST,
        text="I'm going to kill myself tonight",
        moderated=True,
    )

    html = render_to_string("crisis/_screened_for_alert.html", {"alert": screened.alert})

    assert CRISIS_TEXT in html and "What was written" in html
    assert "kill myself tonight" not in html  # the post has its own section on the page
