"""Real pages under the real Content-Security-Policy: nothing the browser refuses. A page that
broke the policy (an inline style or script, a script from a CDN) would log a violation to
the console; these pages log none, and they still work (the API docs render Swagger UI from
our own static files; the plan's Print button is wired by a script file)."""

import os
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
# Set SHOTS_DIR to keep screenshots (the patient's home on a phone, the API docs).
SHOTS = os.environ.get("SHOTS_DIR", "")


def _shot(page: Page, name: str, **options) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", **options)


def _watch(page: Page) -> list[str]:
    """Collect every violation of the policy the browser reports (on the console, "Refused to
    load/apply/execute … because it violates the following Content Security Policy
    directive") and every script error on the page."""
    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_patient_pages_break_no_rule_of_the_policy(live_server, people, phone):
    problems = _watch(phone)

    sign_in(phone, "patient")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    _shot(phone, "patient-home-360", full_page=True)
    phone.goto("/me/safety-plan/print/")
    expect(phone.get_by_role("button", name="Print")).to_be_visible()  # wired by print.js

    assert problems == []


def test_staff_pages_and_the_api_docs_break_no_rule_of_the_policy(live_server, people, page):
    problems = _watch(page)

    sign_in(page, "coordinator")  # through the second-factor step
    page.goto("/staff/registry/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name=re.compile("Tether API"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()  # the operations, from openapi.json
    _shot(page, "api-docs-1280")

    assert problems == []


def test_collectstatic_gathers_the_pinned_swagger_ui(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--no-input", verbosity=0)

    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "print.js"):
        assert f'"{name}"' in manifest
    assert finders.find("ninja/swagger-ui-init.js")
