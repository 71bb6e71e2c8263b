"""API tokens' life cycle (tether.accounts.tokens): expiry, revocation, the throttled last-use
write, and revocation when the password changes (however) or the account is deactivated.
Tokens are used through the API, as an integration would."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tether.accounts.models import TOKEN_MAX_DAYS, ApiToken
from tether.accounts.tokens import (
    TokenInvalid,
    authenticate_token,
    create_api_token,
    issue_token,
    revoke_token,
)

NEW_PASSWORD = "a long walk by the river at dawn 42"


def _calls(secret: str) -> int:
    return Client().get("/api/v1/alerts", headers={"Authorization": f"Bearer {secret}"}).status_code


def test_it_makes_a_token_that_lasts_90_days_by_default(people):
    issued = issue_token(user=people.clinician, name="EHR sync")

    lasts = issued.token.expires_at - issued.token.created_at
    assert timedelta(days=90) - timedelta(seconds=5) < lasts <= timedelta(days=90)
    assert issued.token.name == "EHR sync"
    assert issued.token.key_hash == ApiToken.hash(issued.secret)
    assert _calls(issued.secret) == 200


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 90, "name"),
        ("   ", 90, "name"),
        ("x\x00y", 90, "name"),
        ("x" * 101, 90, "name"),
        ("EHR", 0, "expires_in_days"),
        ("EHR", TOKEN_MAX_DAYS + 1, "expires_in_days"),
    ],
)
def test_it_refuses_a_token_without_a_name_or_beyond_a_year(people, name, days, field):
    with pytest.raises(TokenInvalid) as refused:
        issue_token(user=people.clinician, name=name, expires_in_days=days)

    assert field in refused.value.problems
    assert not ApiToken.objects.exists()


def test_the_old_label_keyword_still_names_the_token(people):
    secret = create_api_token(user=people.clinician, label="Nightly export")

    assert ApiToken.objects.get().name == "Nightly export"
    assert _calls(secret) == 200


def test_an_expired_token_is_refused_like_an_unknown_one(people):
    issued = issue_token(user=people.clinician, name="EHR sync", expires_in_days=7)

    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert _calls(issued.secret) == 401
        assert _calls("not-a-token") == 401
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert _calls(issued.secret) == 200


def test_a_revoked_token_is_refused_and_kept(people):
    issued = issue_token(user=people.clinician, name="EHR sync")

    assert revoke_token(token=issued.token) is True

    assert _calls(issued.secret) == 401
    kept = ApiToken.objects.get()
    assert kept.revoked_at is not None
    assert kept.revoked_because == ApiToken.RevokedBecause.OWNER
    assert kept.status(timezone.now()) == ApiToken.Status.REVOKED


def test_revoking_twice_keeps_the_first_time_and_reason(people):
    token = issue_token(user=people.clinician, name="EHR sync").token
    revoke_token(token=token, because=ApiToken.RevokedBecause.PASSWORD_CHANGED)
    first = ApiToken.objects.get().revoked_at

    assert revoke_token(token=token) is False

    kept = ApiToken.objects.get()
    assert (kept.revoked_at, kept.revoked_because) == (first, "password_changed")


def test_last_use_is_written_at_most_once_a_minute(people):
    issued = issue_token(user=people.clinician, name="EHR sync")
    start = timezone.now()

    def updates_during_call(at) -> int:
        with time_machine.travel(at, tick=False):
            with CaptureQueriesContext(connection) as queries:
                assert _calls(issued.secret) == 200
        return sum(
            q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"] for q in queries
        )

    assert updates_during_call(start) == 1  # first use
    assert updates_during_call(start + timedelta(seconds=30)) == 0
    assert ApiToken.objects.get().last_used_at == start
    assert updates_during_call(start + timedelta(seconds=61)) == 1
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_set_password_and_save_revokes_every_token_of_the_account(people):
    first = issue_token(user=people.clinician, name="EHR sync")
    second = issue_token(user=people.clinician, name="Export")
    others = issue_token(user=people.coordinator, name="EHR sync")

    people.clinician.set_password(NEW_PASSWORD)
    people.clinician.save()

    assert (_calls(first.secret), _calls(second.secret), _calls(others.secret)) == (401, 401, 200)
    reasons = set(
        ApiToken.objects.filter(user=people.clinician).values_list("revoked_because", flat=True)
    )
    assert reasons == {"password_changed"}


def test_saving_an_account_without_a_new_password_revokes_nothing(people):
    issued = issue_token(user=people.clinician, name="EHR sync")

    people.clinician.first_name = "Robin"
    people.clinician.save()

    assert _calls(issued.secret) == 200


def test_a_stronger_hash_of_the_same_password_at_sign_in_revokes_nothing(people, settings):
    # Django rehashes a password on sign-in when the preferred hasher changes; that is not
    # a new password.
    people.clinician.set_password(NEW_PASSWORD)
    people.clinician.save()
    issued = issue_token(user=people.clinician, name="EHR sync")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert people.clinician.check_password(NEW_PASSWORD)

    people.clinician.refresh_from_db()
    assert people.clinician.password.startswith("pbkdf2_")
    assert _calls(issued.secret) == 200


def test_the_password_reset_flow_revokes_the_tokens(people):
    issued = issue_token(user=people.patient.user, name="Mood diary app")
    user = people.patient.user
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )

    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302, done.content[:500]
    assert _calls(issued.secret) == 401
    assert ApiToken.objects.get().revoked_because == "password_changed"


def test_the_password_change_page_revokes_the_tokens(people):
    user = people.patient.user
    user.set_password("the old password of many words")
    user.save()
    issued = issue_token(user=user, name="Mood diary app")
    client = Client()
    client.force_login(user)

    done = client.post(
        reverse("password_change"),
        {
            "old_password": "the old password of many words",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert done.status_code == 302, done.content[:500]
    assert _calls(issued.secret) == 401


def test_deactivating_the_account_revokes_its_tokens(people):
    issued = issue_token(user=people.clinician, name="EHR sync")

    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])

    assert _calls(issued.secret) == 401
    token = ApiToken.objects.get()
    assert token.revoked_because == "deactivated"
    # Coming back does not bring the old tokens back.
    people.clinician.is_active = True
    people.clinician.save(update_fields=["is_active"])
    assert _calls(issued.secret) == 401


def test_an_inactive_owner_is_refused_even_when_saved_around_the_signal(people):
    issued = issue_token(user=people.clinician, name="EHR sync")

    type(people.clinician).objects.filter(pk=people.clinician.pk).update(is_active=False)

    assert authenticate_token(issued.secret) is None
