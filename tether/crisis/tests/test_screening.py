"""crisis.screening.screen_text: the one screening every free text passes, by tier."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import transaction

from tether.crisis import screening
from tether.crisis.models import AlertEvent, RiskAlert, ScreenedText
from tether.crisis.screening import screen_text

CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"
ORDINARY = "I had a good week at work"
RECOVERY = "Five years ago I was suicidal. Today I am well, back at work and sleeping again."
ROUTE = ScreenedText.Route.HELP_WANTED


def _concern(monkeypatch):
    """A concern-tier result from the detector, whatever words are passed."""
    reasons = ("Hopelessness: “so hopeless”",)
    signal = SimpleNamespace(
        tier=screening.CONCERN, flagged=False, reasons=reasons, reason=reasons[0]
    )
    monkeypatch.setattr(screening, "detect", lambda text: signal)


def test_it_raises_an_alert_quoting_a_crisis_text_and_keeps_it(people):
    patient = people.patient

    result = screen_text(patient=patient, text=CRISIS_TEXT, route=ROUTE, written_by=patient.user)

    assert result.is_crisis and result.reasons
    alert = RiskAlert.objects.get(patient=patient)
    assert result.alert == alert
    assert alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    assert alert.raised_by == patient.user
    assert CRISIS_TEXT in alert.detail and "What they would like help with" in alert.detail
    stored = ScreenedText.objects.get()
    assert result.screened == stored
    assert (stored.tier, stored.route, stored.text, stored.alert) == (
        "crisis",
        ROUTE,
        CRISIS_TEXT,
        alert,
    )
    assert stored.reasons and stored.reviewed_at is None


@pytest.mark.parametrize("text", [ORDINARY, RECOVERY, "", "   "])
def test_it_stores_nothing_for_ordinary_words_or_none(people, text):
    result = screen_text(patient=people.patient, text=text, route=ROUTE, written_by=None)

    assert result.tier == screening.NONE and not result.is_crisis
    assert result.alert is None and result.screened is None
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


def test_a_concern_is_kept_for_a_person_to_read_and_raises_no_alert(people, monkeypatch):
    _concern(monkeypatch)

    result = screen_text(patient=people.patient, text="so hopeless", route=ROUTE, written_by=None)

    assert result.is_concern and result.alert is None
    assert ScreenedText.objects.get().tier == ScreenedText.Tier.CONCERN
    assert not RiskAlert.objects.exists()


def test_a_peer_post_alert_names_the_route_without_quoting_it(people):
    patient = people.patient

    screen_text(
        patient=patient,
        text=CRISIS_TEXT,
        route=ScreenedText.Route.PEER_POST,
        written_by=patient.user,
        moderated=True,
    )

    detail = RiskAlert.objects.get().detail
    assert "in a peer group post" in detail and CRISIS_TEXT not in detail


def test_a_trusted_persons_note_is_raised_by_nobody_and_names_them(people):
    screen_text(
        patient=people.patient,
        text=CRISIS_TEXT,
        route=ScreenedText.Route.TRUSTED_NOTE,
        written_by=None,
        written_by_name="Maria",
    )

    alert = RiskAlert.objects.get()
    assert alert.raised_by is None and "by Maria" in alert.detail
    assert ScreenedText.objects.get().written_by_name == "Maria"


def test_the_alert_and_the_text_are_saved_together_or_not_at_all(people):
    boom = RuntimeError("alert store down")
    with (
        mock.patch("tether.crisis.screening.raise_risk_alert", side_effect=boom),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        screen_text(patient=people.patient, text=CRISIS_TEXT, route=ROUTE, written_by=None)
    assert not ScreenedText.objects.exists() and not RiskAlert.objects.exists()


def test_a_second_crisis_text_adds_to_the_open_alert(people):
    patient = people.patient
    first = screen_text(patient=patient, text=CRISIS_TEXT, route=ROUTE, written_by=patient.user)

    second = screen_text(
        patient=patient,
        text="I'm going to kill myself tonight",
        route=ScreenedText.Route.EXPERIENCE,
        written_by=patient.user,
    )

    assert RiskAlert.objects.count() == 1
    assert second.alert == first.alert
    assert first.alert.events.filter(kind=AlertEvent.Kind.FURTHER_SIGNAL).count() == 1
    assert ScreenedText.objects.filter(alert=first.alert).count() == 2
