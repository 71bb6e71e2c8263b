"""A practice admin's page of paused sign-ins, and lifting a pause."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tether.audit.models import AuditEvent

WRONG = "not the password at all"


def pause(username: str) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": username, "password": WRONG})


def signs_in(username: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": PASSWORD})
    return response.status_code == 302


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lift(client: Client, account):
    return client.post(reverse("lift_sign_in_pause", args=[account.pk]))


def test_the_admin_sees_their_practices_paused_accounts_only(people):
    pause("patient")
    pause("clinician")
    pause("outside_patient")
    pause("nobody-by-this-name")

    page = as_user(people.admin).get(reverse("sign_in_pauses")).content.decode()

    assert "Alex Rivera" in page
    assert people.clinician.display_name in page
    assert "Jo Lindqvist" not in page
    assert "nobody-by-this-name" not in page
    assert page.count("Lift pause") == 2


def test_an_account_with_fewer_failures_is_not_listed(people):
    client = Client()
    for _ in range(4):
        client.post(reverse("login"), {"username": "patient", "password": WRONG})

    page = as_user(people.admin).get(reverse("sign_in_pauses")).content.decode()

    assert "No account of your practice is paused right now." in page


def test_the_admin_lifts_a_pause_and_it_is_recorded(people):
    pause("patient")
    assert not signs_in("patient")

    response = lift(as_user(people.admin), people.patient.user)

    assert response.status_code == 302
    assert response["Location"] == reverse("sign_in_pauses")
    assert signs_in("patient")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_UNLOCKED)
    assert (event.actor, event.subject) == (people.admin, people.patient.user)
    assert event.practice_id == people.practice.pk


def test_lifting_an_account_that_is_not_paused_records_nothing(people):
    response = lift(as_user(people.admin), people.patient.user)

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_UNLOCKED).exists()


@pytest.mark.parametrize("who", ["coordinator", "clinician", "peer", "outside_admin"])
def test_nobody_else_lifts_a_pause(people, who):
    pause("patient")

    response = lift(as_user(getattr(people, who)), people.patient.user)

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="patient").exists()
    assert not signs_in("patient")


@pytest.mark.parametrize("who", ["coordinator", "clinician", "peer"])
def test_only_admins_open_the_page(people, who):
    response = as_user(getattr(people, who)).get(reverse("sign_in_pauses"))

    assert response.status_code == 404


def test_a_patient_gets_404(people):
    assert as_user(people.patient.user).get(reverse("sign_in_pauses")).status_code == 404


def test_lifting_is_a_post(people):
    pause("patient")

    response = as_user(people.admin).get(
        reverse("lift_sign_in_pause", args=[people.patient.user.pk])
    )

    assert response.status_code == 405
    assert not signs_in("patient")


def test_an_unknown_account_is_a_404(people):
    response = as_user(people.admin).post(reverse("lift_sign_in_pause", args=[987654321]))

    assert response.status_code == 404
