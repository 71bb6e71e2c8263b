"""Two-step sign-in in a real browser on a phone: a staff member signs in with their password,
sets up an authenticator app from the key on the page, saves their recovery codes, and on the
next sign-in types a code from the app (codes from pyotp, a real TOTP implementation)."""

import os
import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_width, sign_in, tap_in_view
from tests.factories import PASSWORD
from tests.second_factor import authenticator, current_code
from tether.mfa.services import confirmed_app

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TETHER_SHOTS")  # a folder: save screenshots of each step there


def _shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _password(page, username: str) -> None:
    page.goto("/login/")
    tap_in_view(page, page.get_by_label("Username"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    tap_in_view(page, page.get_by_role("button", name="Sign in"))


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["360", "1280"])
def test_a_coordinator_sets_up_an_app_then_signs_in_with_its_code(
    live_server, people, new_context, viewport
):
    phone = viewport["width"] == 360
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()

    _password(page, "coordinator")

    expect(page).to_have_url(re.compile(r"/account/two-step/set-up/"))
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert_fits_width(page)
    _shot(page, "enrol")
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    field = page.get_by_label("6-digit code from your app")
    tap_in_view(page, field)
    field.fill("000000" if pyotp.TOTP(key).now() != "000000" else "111111")
    tap_in_view(page, page.get_by_role("button", name="Turn on two-step sign-in"))
    expect(page.get_by_role("alert")).to_contain_text("That code did not match")
    # django-otp makes the next try wait a second after a wrong code.
    page.wait_for_timeout(1100)
    page.get_by_label("6-digit code from your app").fill(pyotp.TOTP(key).now())
    tap_in_view(page, page.get_by_role("button", name="Turn on two-step sign-in"))

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert_fits_width(page)
    _shot(page, "recovery-codes")
    tap_in_view(page, page.get_by_role("link", name="I have saved them, continue"))
    expect(page).to_have_url(re.compile(r"/staff/registry/"))

    signed_out = page.get_by_role("button", name=re.compile("Sign out"))
    tap_in_view(page, signed_out)
    expect(page).to_have_url(re.compile(r"/login/"))
    _password(page, "coordinator")
    expect(page).to_have_url(re.compile(r"/account/two-step/\?next="))
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    assert_fits_width(page)
    _shot(page, "verify")
    code_field = page.get_by_label("Code from your app, or a recovery code")
    tap_in_view(page, code_field)
    code_field.fill(current_code(confirmed_app(people.coordinator)))
    tap_in_view(page, page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/staff/registry/"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Registry")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["360", "1280"])
def test_an_admin_resets_a_colleagues_factor(live_server, people, new_context, viewport):
    authenticator(people.clinician)
    phone = viewport["width"] == 360
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()
    sign_in(page, "admin")

    page.goto("/account/two-step/settings/")
    _shot(page, "settings")
    tap_in_view(page, page.get_by_role("link", name="Your colleagues' two-step sign-in"))
    expect(page.get_by_role("heading", name="Staff two-step sign-in")).to_be_visible()
    assert_fits_width(page)
    _shot(page, "staff")
    reset = page.get_by_role(
        "link", name=f"Reset two-step sign-in for {people.clinician.display_name}"
    )
    tap_in_view(page, reset)
    expect(
        page.get_by_role("heading", name=re.compile("Reset two-step sign-in for"))
    ).to_be_visible()
    assert_fits_width(page)
    _shot(page, "reset")
    tap_in_view(page, page.get_by_role("button", name="Reset two-step sign-in"))

    expect(page.get_by_role("list").filter(has_text="will set up two-step")).to_be_visible()
    assert confirmed_app(people.clinician) is None
