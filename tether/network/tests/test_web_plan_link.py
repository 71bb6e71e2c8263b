"""The patient's own short-lived link to their safety plan after a risk alert."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tether.access.links import PATIENT_PLAN_MAX_AGE, make_patient_plan_token
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert, resolve_alert
from tether.network.services import save_safety_plan
from tether.notifications.models import Delivery


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _url(patient) -> str:
    return f"/plan/{make_patient_plan_token(patient)}/"


def _save(people, patient=None):
    patient = patient or people.patient
    return save_safety_plan(
        patient=patient,
        steps={"warning_signs": ["Not sleeping"], "reasons_for_living": ["My dog"]},
        written_by=patient.user,
    )


def _raise(people, patient=None):
    return raise_risk_alert(
        patient=patient or people.patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=(patient or people.patient).user,
    )


def _with_email(patient, email="alex@example.com"):
    patient.user.email = email
    patient.user.save(update_fields=["email"])
    return patient


def test_the_link_opens_the_plan_without_signing_in(people, client):
    _save(people)

    response = client.get(_url(people.patient))

    assert response.status_code == 200
    page = _text(response)
    assert "Not sleeping" in page and "My dog" in page
    assert "without signing in" in page
    # The crisis lines are on the page twice over: the panel, and step 5 of the plan.
    assert 'id="crisis-resources"' in page
    assert page.count("988 Suicide & Crisis Lifeline") >= 2
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_it_shows_the_crisis_lines_of_the_patients_own_practice(people, client):
    people.practice.country = "GB"
    people.practice.save(update_fields=["country"])
    _save(people)

    page = _text(client.get(_url(people.patient)))

    assert "Samaritans" in page
    assert "988 Suicide & Crisis Lifeline" not in page


def test_without_a_plan_it_still_shows_the_crisis_lines(people, client):
    page = _text(client.get(_url(people.patient)))

    assert "You haven't written a safety plan yet" in page
    assert "988 Suicide & Crisis Lifeline" in page


def test_the_link_stops_working_after_24_hours(people, client):
    _save(people)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        url = _url(people.patient)
        traveller.shift(PATIENT_PLAN_MAX_AGE - timedelta(minutes=1))
        assert client.get(url).status_code == 200
        traveller.shift(timedelta(minutes=2))
        response = client.get(url)

    assert response.status_code == 404
    assert "Not sleeping" not in _text(response)


@pytest.mark.parametrize(
    "token",
    ["forged", "eyJwIjoiMSJ9:1tFake:abcdef", "a" * 200],
)
def test_a_forged_link_is_not_found(people, client, token):
    _save(people)

    assert client.get(f"/plan/{token}/").status_code == 404


def test_a_tampered_link_is_not_found(people, client):
    _save(people)
    token = make_patient_plan_token(people.patient)

    assert client.get(f"/plan/{token[:-2]}xx/").status_code == 404


def test_the_link_of_a_closed_account_no_longer_works(people, client):
    _save(people)
    url = _url(people.patient)
    people.patient.user.is_active = False
    people.patient.user.save(update_fields=["is_active"])

    assert client.get(url).status_code == 404


def test_a_risk_alert_emails_the_patient_their_plan_link(
    people, client, django_capture_on_commit_callbacks
):
    _with_email(people.patient)
    _save(people)

    with django_capture_on_commit_callbacks(execute=True):
        _raise(people)

    (delivery,) = Delivery.objects.filter(purpose="patient-plan-link")
    assert delivery.to == "alex@example.com"
    assert delivery.subject == "A link from Tether, just for you"
    assert delivery.patient == people.patient
    assert "988 Suicide & Crisis Lifeline" in delivery.body
    assert "score" not in delivery.body.lower()
    assert "Alex" not in delivery.subject + delivery.body
    assert "safety" not in (delivery.subject + delivery.body).lower()
    assert len(mail.outbox) == 1
    link = next(line for line in delivery.body.splitlines() if "/plan/" in line)
    client.logout()
    assert "Not sleeping" in _text(client.get(urlsplit(link).path))


def test_no_email_without_an_address_or_without_a_plan(people):
    _save(people)  # a plan, but no email address
    _raise(people)
    _with_email(people.other_patient, "sam@example.com")  # an address, but no plan
    _raise(people, people.other_patient)

    assert not Delivery.objects.filter(purpose="patient-plan-link").exists()


def test_the_crisis_panel_offers_the_plan_while_an_alert_is_open(people, client):
    _save(people)
    client.force_login(people.patient.user)
    assert "without signing in" not in _text(client.get("/me/"))

    alert = _raise(people)
    page = _text(client.get("/me/"))

    assert "This link opens your plan without signing in for the next 24 hours" in page
    assert 'href="/me/safety-plan/"' in page
    link = page.split('class="plan-link-url"')[0].rsplit('href="', 1)[1].split('"')[0]
    client.logout()
    assert "Not sleeping" in _text(client.get(urlsplit(link).path))

    resolve_alert(alert=alert, by=people.clinician, note="Called; plan reviewed.")
    client.force_login(people.patient.user)
    assert "without signing in" not in _text(client.get("/me/"))


def test_the_crisis_panel_links_to_the_plan_even_before_one_is_written(people, client):
    client.force_login(people.patient.user)
    _raise(people)

    page = _text(client.get("/me/"))

    assert 'href="/me/safety-plan/"' in page
    assert "without signing in" not in page
