""" "What are you going through?" is screened: crisis words get the crisis lines first (web and
API), saved, with an alert quoting them for the care team; ordinary words get suggestions."""

import json

from django.test import Client
from django.urls import reverse

from tether.crisis.models import RiskAlert, ScreenedText
from tether.peers.models import ExperienceProfile

CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"
STORY = "A new mum, not sleeping, worried about the baby all the time."
RECOVERY = "Five years ago I was suicidal. Today I am well, back at work and sleeping again."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_crisis_words_show_help_first_instead_of_suggestions(peer_world):
    client = _client(peer_world.people.patient.user)

    response = client.post(reverse("my_experience"), {"description": CRISIS_TEXT})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="crisis-resources"') < page.index("<main")  # help first
    assert 'href="tel:988"' in page
    assert "Your words are saved" in page and CRISIS_TEXT in page
    assert "groups that might fit" not in page.lower()
    assert "has been reached" not in page and "have contacted" not in page
    assert ExperienceProfile.objects.get().description == CRISIS_TEXT  # nothing lost
    alert = RiskAlert.objects.get(patient=peer_world.people.patient)
    assert alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE and CRISIS_TEXT in alert.detail
    assert ScreenedText.objects.get().route == ScreenedText.Route.EXPERIENCE


def test_ordinary_words_lead_to_suggestions_and_raise_nothing(peer_world):
    client = _client(peer_world.people.patient.user)
    for text in (STORY, RECOVERY):
        response = client.post(reverse("my_experience"), {"description": text})
        assert response.status_code == 302
        assert response.url == reverse("group_suggestions")
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


def test_the_page_says_honestly_who_may_read_the_words(peer_world):
    page = _client(peer_world.people.patient.user).get(reverse("my_experience")).content.decode()
    assert "nobody else reads it" not in page
    assert "Your care team sees it only if it sounds like you may be in danger" in page


def _put(client, text):
    return client.put(
        "/api/v1/me/experience",
        json.dumps({"description": text}),
        content_type="application/json",
    )


def test_the_api_answers_crisis_words_with_the_crisis_lines(peer_world):
    response = _put(_client(peer_world.people.patient.user), CRISIS_TEXT)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["description"] == CRISIS_TEXT
    assert any(r["name"] == "988 Suicide & Crisis Lifeline" for r in body["crisis_resources"])
    assert "saved" in body["support_message"]
    assert RiskAlert.objects.filter(patient=peer_world.people.patient).count() == 1


def test_the_api_answers_ordinary_words_without_them(peer_world):
    body = _put(_client(peer_world.people.patient.user), RECOVERY).json()
    assert body["crisis_resources"] == [] and body["support_message"] is None
    assert not RiskAlert.objects.exists()
