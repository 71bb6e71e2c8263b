"""Sign-in throttling (tether/accounts/throttle.py) through the sign-in form."""

import re

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tether.accounts.throttle import client_address, failures_toward_limit

LIMIT = 5  # settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = 50  # settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
WRONG = "not the password at all"


def sign_in(client: Client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client: Client, username: str, times: int, address: str = "198.51.100.7") -> None:
    for _ in range(times):
        response = sign_in(client, username, WRONG, address)
        assert response.status_code in (200, 429)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def hashes(monkeypatch):
    """Count the passwords checked against a stored hash (the tests' hasher, MD5)."""
    calls = []
    verify = MD5PasswordHasher.verify

    def counting(self, password, encoded):
        calls.append(password)
        return verify(self, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counting)
    return calls


def test_it_signs_in_after_one_failure_fewer_than_the_limit(people):
    client = Client()
    fail(client, "patient", LIMIT - 1)

    response = sign_in(client, "patient", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_it_refuses_the_right_password_once_the_limit_is_reached(people):
    client = Client()
    fail(client, "patient", LIMIT)

    response = sign_in(client, "patient", PASSWORD)

    assert response.status_code == 429
    assert "Sign-in is paused for a while" in response.content.decode()
    assert not signed_in(client)


def test_the_failure_that_reaches_the_limit_already_says_so(people):
    client = Client()
    fail(client, "patient", LIMIT - 1)

    response = sign_in(client, "patient", WRONG)

    assert response.status_code == 429
    assert "Sign-in is paused" in response.content.decode()


def test_once_paused_no_password_is_hashed(people, hashes):
    client = Client()
    sign_in(client, "patient", WRONG)
    assert hashes == [WRONG]  # the spy sees the hashes that are computed
    fail(client, "patient", LIMIT - 1)
    hashes.clear()

    right = sign_in(client, "patient", PASSWORD)
    wrong = sign_in(client, "patient", WRONG)

    assert (right.status_code, wrong.status_code) == (429, 429)
    assert hashes == []


def test_a_paused_unknown_username_gets_the_same_page(people):
    def paused_page(username: str):
        client = Client()
        fail(client, username, LIMIT)
        return sign_in(client, username, PASSWORD)

    real = paused_page("patient")
    unknown = paused_page("nobody-by-this-name")

    assert real.status_code == unknown.status_code == 429
    nonce = re.compile(rb'nonce="[^"]*"')
    assert nonce.sub(b"", real.content) == nonce.sub(b"", unknown.content)


def test_the_paused_page_says_what_to_do_and_keeps_the_crisis_lines(people):
    client = Client()
    fail(client, "patient", LIMIT)

    page = sign_in(client, "patient", PASSWORD).content.decode()

    assert "Wait 15 minutes" in page
    assert reverse("password_reset") in page
    assert "its admin can lift the pause" in page
    assert 'id="crisis-resources"' in page
    assert "988" in page  # the US crisis line, for a visitor of no practice


def test_the_account_stays_paused_from_another_address(people):
    client = Client()
    fail(client, "patient", LIMIT, address="198.51.100.7")

    response = sign_in(Client(), "patient", PASSWORD, address="203.0.113.9")

    assert response.status_code == 429


def test_the_pause_ends_after_the_cool_off(people):
    client = Client()
    with time_machine.travel("2030-01-01 09:00Z", tick=False):
        fail(client, "patient", LIMIT)
        sign_in(client, "patient", WRONG)  # during the pause: does not extend it
    with time_machine.travel("2030-01-01 09:14Z", tick=False):
        assert sign_in(client, "patient", PASSWORD).status_code == 429
    with time_machine.travel("2030-01-01 09:16Z", tick=False):
        response = sign_in(client, "patient", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_signing_in_forgets_the_accounts_failures(people):
    client = Client()
    fail(client, "patient", LIMIT - 1)
    sign_in(client, "patient", PASSWORD)
    client.post(reverse("logout"))

    fail(client, "patient", LIMIT - 1)

    assert sign_in(client, "patient", PASSWORD).status_code == 302


def test_an_address_pauses_after_its_own_larger_limit(people):
    # Guessing at many names from one address: none reaches the account limit.
    client = Client()
    for n in range(ADDRESS_LIMIT - 1):
        fail(client, f"guess{n // (LIMIT - 1)}", 1)

    assert sign_in(client, "patient", PASSWORD).status_code == 302  # 49 failures: not yet
    client.post(reverse("logout"))
    fail(client, "another-guess", 1)  # the 50th
    other_address = sign_in(Client(), "coordinator", PASSWORD, address="203.0.113.9")
    this_address = sign_in(client, "coordinator", PASSWORD)

    assert this_address.status_code == 429
    assert other_address.status_code == 302


def test_a_nul_character_in_the_username_is_a_form_error_not_a_server_error(people):
    response = sign_in(Client(), "pat\x00ient", PASSWORD)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("by_account", "by_address", "expected"),
    [(0, 0, 0), (4, 0, 4), (5, 0, 5), (0, 49, 4), (0, 50, 5), (1, 60, 6), (7, 10, 7)],
)
def test_failures_toward_limit_counts_the_address_on_the_accounts_scale(
    by_account, by_address, expected
):
    assert (
        failures_toward_limit(
            by_account=by_account, by_address=by_address, account_limit=5, address_limit=50
        )
        == expected
    )


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "203.0.113.9", "198.51.100.7"),  # no proxy: a client's header means nothing
        (True, "203.0.113.9", "203.0.113.9"),
        (True, "10.0.0.1, 203.0.113.9", "203.0.113.9"),  # the proxy's own entry is the last
        (True, "not-an-address", "198.51.100.7"),
        (True, "", "198.51.100.7"),
    ],
)
def test_client_address(settings, rf, behind_proxy, forwarded, expected):
    settings.BEHIND_HTTPS_PROXY = behind_proxy
    request = rf.post("/login/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_it_counts_failures_by_the_forwarded_address_behind_a_proxy(people, settings):
    settings.BEHIND_HTTPS_PROXY = True
    client = Client()
    for n in range(ADDRESS_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{n // (LIMIT - 1)}", "password": WRONG},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )

    from_proxy_for_someone_else = client.post(
        reverse("login"),
        {"username": "patient", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert from_proxy_for_someone_else.status_code == 302
