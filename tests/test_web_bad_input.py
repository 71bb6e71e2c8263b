"""Bad input typed (or pasted, or forged) into Tether's pages is answered on the page, never
with a server error, and saves nothing: a NUL character in text a view reads without a form,
dates past the calendar's ends, impossible time-zone offsets. The API's side is in
tether/api/tests/test_bad_input.py.

Each case below was a 500 (on PostgreSQL, or on both databases), or on SQLite a NUL saved."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tether.care.models import TreatmentEpisode
from tether.engagement.models import Appointment, AppointmentSeries
from tether.lib.text import UNSTORABLE_MESSAGE
from tether.peers.models import Post, PostReport
from tether.peers.services import create_post

CRISIS_WORDS = "I can't do this anymore. I want to end my life."


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _post(client: Client, url: str, data: dict, *, surrogate: bool = False):
    # Encoded by hand so a test can send bytes no browser form would (%ED%A0%80 is half of a
    # UTF-16 pair, encoded as UTF-8 on its own).
    body = urlencode(data, doseq=True)
    if surrogate:
        body = body.replace("SURROGATE", "%ED%A0%80")
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def test_a_nul_in_a_group_post_is_refused_on_the_page_and_nothing_saved(peer_world):
    client = _client(peer_world.people.patient.user)

    response = _post(
        client, reverse("create_post", args=[peer_world.parents.pk]), {"body": "Hi\x00 all"}
    )

    assert response.status_code == 200
    assert UNSTORABLE_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    # Their words come back without the character, ready to send again.
    assert "Hi all</textarea>" in response.content.decode()
    assert not Post.objects.exists()


def test_a_crisis_post_with_a_nul_is_refused_with_the_crisis_lines(peer_world):
    client = _client(peer_world.people.patient.user)

    response = _post(
        client,
        reverse("create_post", args=[peer_world.parents.pk]),
        {"body": CRISIS_WORDS + "\x00"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "no one has read it yet" in page
    assert 'id="crisis-resources"' in page
    assert "988" in page  # the US crisis line of the practice's country
    assert not Post.objects.exists()


def test_a_surrogate_in_a_form_is_kept_as_a_replacement_character_not_an_error(peer_world):
    client = _client(peer_world.people.patient.user)

    response = _post(
        client,
        reverse("create_post", args=[peer_world.parents.pk]),
        {"body": "Hi SURROGATE all"},
        surrogate=True,
    )

    assert response.status_code == 302
    # Each of the three bytes that are not UTF-8 reads as U+FFFD (Python's "replace").
    assert Post.objects.get().body == "Hi " + "\N{REPLACEMENT CHARACTER}" * 3 + " all"


def test_a_nul_in_a_report_reason_is_refused(peer_world):
    post = create_post(membership=peer_world.heron, body="Hello, everyone.").post
    client = _client(peer_world.people.patient.user)

    response = _post(client, reverse("report_post", args=[post.pk]), {"reason": "Rude\x00"})

    assert response.status_code == 302
    assert not PostReport.objects.exists()


@pytest.mark.parametrize(
    "starts_at",
    ["9999-12-31T23:59", "0001-01-01T00:00", "2026-12-01T10:00:00-16:55"],
)
def test_an_appointment_at_an_impossible_time_is_a_form_error(people, starts_at):
    url = reverse("staff_book_appointment", args=[people.patient.pk])
    data = {"kind": "check_in", "mode": "phone", "starts_at": starts_at, "duration_minutes": 30}

    response = _post(_client(people.coordinator), url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Please give a date from 1900 to 2100." in page or "time-zone offset" in page
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "change", [{"first_date": "9999-12-20"}, {"until": "9999-12-31", "count": ""}]
)
def test_a_series_past_the_calendar_is_a_form_error(people, change):
    url = reverse("staff_book_series", args=[people.patient.pk])
    data = {
        "mode": "phone",
        "every_weeks": 2,
        "first_date": "2026-12-20",
        "local_start_time": "10:00",
        "duration_minutes": 30,
        "time_zone": "America/New_York",
        "count": 3,
    } | change

    response = _post(_client(people.coordinator), url, data)

    assert response.status_code == 200
    assert "Please give a date from 1900 to 2100." in response.content.decode()
    assert not AppointmentSeries.objects.exists()


@pytest.mark.parametrize("started_on", ["0001-01-01", "9999-12-31"])
def test_an_episode_started_at_the_ends_of_the_calendar_is_refused(people, started_on):
    url = reverse("start_episode", args=[people.patient.pk])

    response = _post(_client(people.coordinator), url, {"started_on": started_on})

    assert response.status_code == 302
    assert not TreatmentEpisode.objects.filter(started_on__year__in=[1, 9999]).exists()


def test_outcomes_over_the_whole_calendar_say_what_is_wrong(people):
    url = reverse("outcomes") + "?start=0001-01-01&end=9999-12-31"

    response = _client(people.clinician).get(url)

    assert response.status_code == 200
    assert "The start date: Please give a date from 1900 to 2100." in response.content.decode()
