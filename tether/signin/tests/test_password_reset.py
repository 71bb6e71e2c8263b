"""Password reset by email (over a real SMTP server) and password change."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tether.audit.models import AuditEvent

NEW = "a quiet walk by the river at dawn"
WRONG = "not the password at all"


@pytest.fixture
def person(people):
    user = people.patient.user
    user.email = "alex.r@example.org"
    user.save(update_fields=["email"])
    return user


def ask_for_link(client: Client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def link_in(smtp_server, address: str) -> str:
    (message,) = smtp_server.to(address)
    found = re.search(r"https?://\S+/password/reset/\S+/", smtp_server.body(message))
    assert found, smtp_server.body(message)
    return found.group(0)


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_emails_a_link_with_nothing_about_the_person(person, smtp_server, settings):
    settings.SITE_URL = "https://tether.example.org"

    response = ask_for_link(Client(), person.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    (message,) = smtp_server.to(person.email)
    text = message["Subject"] + smtp_server.body(message)
    assert message["Subject"] == "Reset your Tether password"
    for identifying in (person.first_name, person.last_name, person.username, "Alex"):
        assert identifying not in text
    assert link_in(smtp_server, person.email).startswith("https://tether.example.org/password/")


def test_an_unknown_address_gets_the_same_answer_and_no_email(people, smtp_server):
    response = ask_for_link(Client(), "nobody@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert smtp_server.messages == []


def test_the_link_sets_a_new_password_that_then_signs_in(person, smtp_server):
    client = Client()
    ask_for_link(client, person.email)

    form = client.get(link_in(smtp_server, person.email), follow=True)
    assert "Choose a new password" in form.content.decode()
    saved = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert saved.status_code == 302
    assert saved["Location"] == reverse("password_reset_complete")
    assert sign_in(Client(), "patient", PASSWORD).status_code == 200  # the old one is refused
    assert sign_in(Client(), "patient", NEW).status_code == 302
    assert AuditEvent.objects.filter(
        subject=person, actor=person, action=AuditEvent.Action.PASSWORD_RESET
    ).exists()


def test_the_link_works_once(person, smtp_server):
    client = Client()
    ask_for_link(client, person.email)
    link = link_in(smtp_server, person.email)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    again = Client().get(link, follow=True)

    assert "This link no longer works" in again.content.decode()


def test_a_reset_lifts_the_pause_on_the_account(person, smtp_server):
    client = Client()
    for _ in range(5):
        sign_in(client, "patient", WRONG)
    assert sign_in(client, "patient", PASSWORD).status_code == 429
    ask_for_link(client, person.email)
    form = client.get(link_in(smtp_server, person.email), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert not AccessAttempt.objects.filter(username="patient").exists()
    assert sign_in(client, "patient", NEW).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short but ok", "This password is too short. It must contain at least 15 characters."),
        ("1q2w3e4r5t6y7u8i", "This password is too common."),
        ("x" * 129, "This password is too long: it can have at most 128 characters."),
        ("alex.r@example.org!", "The password is too similar to the email address."),
    ],
)
def test_a_weak_password_is_refused_with_a_clear_message(person, smtp_server, password, message):
    client = Client()
    ask_for_link(client, person.email)
    form = client.get(link_in(smtp_server, person.email), follow=True)

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert sign_in(Client(), "patient", PASSWORD).status_code == 302  # unchanged


def test_a_long_passphrase_of_digits_and_spaces_is_welcome(person):
    client = Client()
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "4071 2253 9980 1187",
            "new_password2": "4071 2253 9980 1187",
        },
    )

    assert response.status_code == 302


def test_the_forms_say_the_rule_in_plain_words(person, smtp_server):
    client = Client()
    client.force_login(person)

    page = client.get(reverse("password_change")).content.decode()

    assert "Use at least 15 characters" in page
    assert "numbers and symbols are welcome but not needed" in page


def test_a_signed_in_person_changes_their_password(person):
    client = Client()
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert sign_in(Client(), "patient", NEW).status_code == 302
    assert sign_in(Client(), "patient", PASSWORD).status_code == 200


def test_a_wrong_current_password_changes_nothing(person):
    client = Client()
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": WRONG, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert sign_in(Client(), "patient", PASSWORD).status_code == 302
