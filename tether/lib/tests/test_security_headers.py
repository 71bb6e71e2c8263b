"""Every page says what the browser may load and use (Content-Security-Policy,
Permissions-Policy), and X-Forwarded-Proto is believed only when a proxy is configured."""

import pytest
from django.test import Client
from django.urls import reverse


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "patient", "coordinator"])
def test_every_html_page_has_a_strict_csp_and_a_permissions_policy(people, who):
    client = Client()
    url = reverse("login")
    if who == "patient":
        client.force_login(people.patient.user)
        url = reverse("patient_home")
    elif who == "coordinator":
        client.force_login(people.coordinator)
        url = reverse("registry")

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()

    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert '<link type="text/css" rel="stylesheet" href="/static/ninja/swagger-ui.css">' in page
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.mark.django_db
def test_x_forwarded_proto_is_ignored_without_a_configured_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301  # still plain HTTP: sent on to https://
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_x_forwarded_proto_is_believed_behind_a_configured_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https").status_code == 200
