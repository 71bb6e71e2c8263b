"""A staff session that has not passed its second factor reaches no patient data, on any page
or through the session API; bearer tokens are unaffected.

These tests sign in through the real sign-in page (a plain password POST), which the suite's
force_login shortcut (tests/second_factor.py) leaves alone.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD, UserFactory
from tests.second_factor import authenticator, current_code
from tether.accounts.models import Role
from tether.accounts.tokens import issue_token
from tether.mfa.middleware import OPEN_PAGES, STEP_PAGES

STAFF = ("admin", "coordinator", "clinician", "peer")
SET_UP = "/account/two-step/set-up/"
VERIFY = "/account/two-step/"


def sign_in_with_password(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _every_page(prefix: str = "", resolver: URLResolver | None = None):
    """Yield (name, path) for every URL pattern of the site, with sample path parameters (the
    step answers before any view reads them)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _every_page(prefix + str(entry.pattern), entry)
            continue
        assert isinstance(entry, URLPattern)
        route = prefix + str(entry.pattern)
        path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
        path = re.sub(r"<int:\w+>", "1", path)
        path = re.sub(r"<(?:str:|slug:|path:)?\w+>", "x", path)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "")
        yield entry.name, "/" + path


def _guarded_pages():
    """Every page but the open ones, the factor step's and password reset, the API (its own
    authentication) and Django's admin (checked apart)."""
    for name, path in _every_page():
        if name in OPEN_PAGES or name in STEP_PAGES or (name or "").startswith("password_reset"):
            continue
        if path.startswith(("/api/", "/django-admin/")) or path.endswith("/api/v1/"):
            continue
        yield name, path


def test_it_walks_the_pages_of_every_app():
    names = {name for name, _ in _guarded_pages()}

    # A sanity check of the walk itself: pages of patients' records from several apps.
    assert {"registry", "staff_patient", "alert_detail", "staff_safety_plan"} <= names
    assert {"mfa_settings", "mfa_staff", "patient_home"} <= names
    assert len(names) > 80


@pytest.mark.parametrize("persona", STAFF)
def test_a_staff_session_without_its_factor_reaches_no_page(people, persona):
    client = Client()
    sign_in_with_password(client, persona)

    for name, path in _guarded_pages():
        response = client.get(path)

        assert response.status_code == 302, (name, path, response.status_code)
        assert response["Location"].startswith(f"{SET_UP}?next="), (name, response["Location"])
        assert people.patient.last_name.encode() not in response.content


def test_a_write_without_the_factor_changes_nothing(people):
    client = Client()
    sign_in_with_password(client, "clinician")
    url = reverse("enter_assessment", args=[people.patient.pk, "phq9"])
    answers = {f"item_{n}": "2" for n in range(1, 10)}

    response = client.post(url, answers)

    assert response.status_code == 302
    assert response["Location"] == SET_UP  # a POST is not replayed afterwards
    assert not people.patient.assessments.exists()


def test_an_enrolled_staff_member_is_asked_for_a_code_not_a_new_app(people):
    authenticator(people.coordinator)
    client = Client()
    sign_in_with_password(client, "coordinator")

    response = client.get(reverse("registry"))

    assert response["Location"] == f"{VERIFY}?next=%2Fstaff%2Fregistry%2F"
    # An unverified session cannot set up a second app to get around the first.
    assert client.get(SET_UP)["Location"] == reverse("mfa_verify")


@pytest.mark.parametrize(
    "path", ["/api/v1/caseload", "/api/v1/alerts", "/api/v1/patients/{patient}/safety-plan"]
)
def test_the_session_api_answers_401_until_the_factor_is_passed(people, path):
    path = path.format(patient=people.patient.pk)
    client = Client()
    sign_in_with_password(client, "coordinator")

    refused = client.get(path)

    assert refused.status_code == 401
    assert people.patient.last_name not in refused.content.decode()
    # The same person with a bearer token (made from a verified session) is answered.
    token = issue_token(user=people.coordinator, name="EHR sync").secret
    assert Client().get(path, headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_after_the_code_the_session_reaches_its_pages_and_the_api(people):
    device = authenticator(people.coordinator)
    client = Client()
    sign_in_with_password(client, "coordinator")

    response = client.post(
        VERIFY,
        {"code": current_code(device), "next": reverse("staff_patient", args=[people.patient.pk])},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("staff_patient", args=[people.patient.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert people.patient.last_name in page.content.decode()
    assert client.get("/api/v1/caseload").status_code == 200


def test_the_open_pages_stay_open_before_the_factor(people):
    client = Client()
    sign_in_with_password(client, "coordinator")

    assert client.get(reverse("help")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(SET_UP).status_code == 200
    signed_out = client.post(reverse("logout"))
    assert signed_out.status_code == 302
    assert client.get(reverse("registry"))["Location"].startswith("/login/")


def test_a_django_admin_account_passes_the_factor_before_the_admin_site(db):
    UserFactory(username="root", is_staff=True, is_superuser=True, role=Role.PATIENT)
    client = Client()
    sign_in_with_password(client, "root")

    response = client.get("/django-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{SET_UP}?next=")


def test_a_patient_without_a_factor_signs_in_with_the_password_alone(people):
    client = Client()
    sign_in_with_password(client, "patient")

    page = client.get(reverse("patient_home"))

    assert page.status_code == 200
    api = client.get(f"/api/v1/patients/{people.patient.pk}/assessments")
    assert api.status_code == 200
