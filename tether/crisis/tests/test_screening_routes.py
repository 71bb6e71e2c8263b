"""Every route from a patient's or trusted person's words to a human: a crisis text raises
exactly one risk alert, or one further-signal event on the alert already open, through the
page a person would use; a recovery story raises nothing."""

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tether.access.links import Purpose
from tether.crisis.models import AlertEvent, RiskAlert, ScreenedText
from tether.crisis.services import raise_risk_alert
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    invite_trusted_person,
    respond_to_invitation,
    trusted_link,
)

CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"
RECOVERY = "Five years ago I was suicidal. Today I am well, back at work and sleeping again."
ROUTES = ["post", "reply", "api_post", "experience", "api_experience", "help_wanted", "trusted"]


def _patient(world) -> Client:
    client = Client()
    client.force_login(world.people.patient.user)
    return client


def _trusted_path(people) -> str:
    patient = people.patient
    contact = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        relationship=SupportContact.Relationship.FAMILY,
        email="maria@example.org",
        by=patient.user,
    )
    contact = invite_trusted_person(
        contact=contact, scopes=[ConsentScope.NUDGE_CHECK_IN], by=patient.user
    )
    contact = respond_to_invitation(contact=contact, accept=True)
    return urlsplit(trusted_link(contact, Purpose.CHECK_IN)).path


def _write(route: str, world, text: str) -> int:
    """Write `text` through `route` as a person would; return the HTTP status."""
    group = world.parents
    if route == "post":
        url = reverse("create_post", args=[group.pk])
        return _patient(world).post(url, {"body": text}).status_code
    if route == "reply":
        from tether.peers import services

        thread = services.create_post(membership=world.heron, body="How is everyone?").post
        url = reverse("create_post", args=[group.pk])
        return _patient(world).post(url, {"body": text, "parent": thread.pk}).status_code
    if route == "api_post":
        return (
            _patient(world)
            .post(
                f"/api/v1/peer-groups/{group.pk}/posts",
                json.dumps({"body": text}),
                content_type="application/json",
            )
            .status_code
        )
    if route == "experience":
        return _patient(world).post(reverse("my_experience"), {"description": text}).status_code
    if route == "api_experience":
        return (
            _patient(world)
            .put(
                "/api/v1/me/experience",
                json.dumps({"description": text}),
                content_type="application/json",
            )
            .status_code
        )
    if route == "help_wanted":
        return _patient(world).post(reverse("support_help_wanted"), {"text": text}).status_code
    if route == "trusted":
        return Client().post(_trusted_path(world.people), {"note": text}).status_code
    raise AssertionError(route)


@pytest.mark.parametrize("route", ROUTES)
def test_a_crisis_text_raises_exactly_one_alert(peer_world, route):
    status = _write(route, peer_world, CRISIS_TEXT)

    assert status in (200, 201, 302)
    alert = RiskAlert.objects.get(patient=peer_world.people.patient)
    assert alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    screened = ScreenedText.objects.get()
    assert screened.alert == alert and screened.text == CRISIS_TEXT


@pytest.mark.parametrize("route", ROUTES)
def test_a_crisis_text_adds_one_event_to_the_open_alert(peer_world, route):
    patient = peer_world.people.patient
    open_alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=patient.user,
        detail="The patient pressed “I'm not safe right now”.",
    )

    _write(route, peer_world, CRISIS_TEXT)

    assert RiskAlert.objects.filter(patient=patient).count() == 1
    assert open_alert.events.filter(kind=AlertEvent.Kind.FURTHER_SIGNAL).count() == 1
    assert ScreenedText.objects.get().alert == open_alert


@pytest.mark.parametrize("route", ROUTES)
def test_a_recovery_story_raises_nothing(peer_world, route):
    status = _write(route, peer_world, RECOVERY)

    assert status in (200, 201, 302)
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


@pytest.mark.parametrize("route", ["post", "experience", "help_wanted", "trusted"])
def test_the_words_and_the_alert_are_saved_together_or_not_at_all(peer_world, route):
    from unittest import mock

    from tether.network.models import TrustedCheckIn
    from tether.peers.models import ExperienceProfile, Post

    path = _trusted_path(peer_world.people) if route == "trusted" else None
    boom = RuntimeError("alert store down")
    with (
        mock.patch("tether.crisis.screening.raise_risk_alert", side_effect=boom),
        pytest.raises(RuntimeError),
    ):
        if path:
            Client(raise_request_exception=True).post(path, {"note": CRISIS_TEXT})
        else:
            _write(route, peer_world, CRISIS_TEXT)
    peer_world.people.patient.refresh_from_db()
    assert peer_world.people.patient.help_wanted == ""
    assert not Post.objects.exists() and not ExperienceProfile.objects.exists()
    assert not TrustedCheckIn.objects.exists()
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()
