"""What a patient writes about someone in their support map passes the one screening: crisis
words raise one alert quoting them, in the same transaction; ordinary notes and staff notes
raise nothing."""

import pytest

from tether.crisis.models import RiskAlert, ScreenedText
from tether.network.models import SupportContact
from tether.network.services import add_support, update_support

CRISIS = "My cousin. I gave him my dog because I won't be around after this weekend."
ORDINARY = "My cousin. Call after 6pm, he works early shifts."


def _add(people, details, by=None):
    return add_support(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Sam",
        details=details,
        by=by or people.patient.user,
    )


def test_crisis_words_from_the_patient_raise_one_alert_quoting_them(people):
    _add(people, CRISIS)

    alert = RiskAlert.objects.get(patient=people.patient)
    screened = ScreenedText.objects.get(patient=people.patient)
    assert screened.route == ScreenedText.Route.SUPPORT_DETAILS
    assert screened.alert == alert
    assert "won't be around after this weekend" in alert.detail


def test_ordinary_notes_raise_nothing(people):
    _add(people, ORDINARY)

    assert not RiskAlert.objects.exists()
    assert not ScreenedText.objects.exists()


def test_staff_notes_are_not_screened(people):
    _add(people, CRISIS, by=people.coordinator)

    assert not RiskAlert.objects.exists()


def test_an_edit_is_screened_only_when_the_notes_change(people):
    contact = _add(people, ORDINARY)

    update_support(contact=contact, by=people.patient.user, details=CRISIS)
    update_support(contact=contact, by=people.patient.user, details=CRISIS, name="Sam B")

    assert RiskAlert.objects.filter(patient=people.patient).count() == 1
    assert ScreenedText.objects.filter(patient=people.patient).count() == 1


def test_the_web_page_then_shows_the_crisis_lines_first(client, people):
    client.force_login(people.patient.user)

    response = client.post(
        "/me/support/add/professional/",
        {"name": "Dr Lee", "details": CRISIS, "state": "active"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="crisis-resources"') < page.index("<main")
    assert SupportContact.objects.filter(patient=people.patient, name="Dr Lee").exists()


@pytest.mark.parametrize("route", ["/api/v1/patients/{id}/contacts"])
def test_the_api_screens_the_same_way(client, people, route):
    client.force_login(people.patient.user)

    response = client.post(
        route.format(id=people.patient.pk),
        {"kind": "professional", "name": "Dr Lee", "details": CRISIS},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert RiskAlert.objects.filter(patient=people.patient).count() == 1
