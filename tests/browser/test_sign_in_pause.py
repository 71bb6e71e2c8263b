"""Sign-in that is paused after too many wrong passwords, on a phone, and lifted by the
practice admin."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, sign_in, tap_in_view

pytestmark = pytest.mark.browser

# Set SHOTS_DIR to keep screenshots of the pages (e.g. to look at them on a phone's width).
SHOTS = os.environ.get("SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def try_wrong_passwords(page, username: str, times: int) -> None:
    page.goto("/login/")
    for _ in range(times):
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Sign-in is paused for a while").count():
            return


def test_a_paused_person_is_told_what_to_do_on_a_phone(phone, people):
    try_wrong_passwords(phone, "patient", 5)

    heading = phone.get_by_role("heading", name="Sign-in is paused for a while")
    expect(heading).to_be_in_viewport()
    expect(phone.get_by_text("Wait 15 minutes")).to_be_visible()
    expect(phone.get_by_role("link", name="Reset your password by email")).to_be_visible()
    expect(phone.get_by_role("heading", name="If you need help now")).to_be_visible()
    assert_fits_width(phone)
    shot(phone, "login-locked-360")
    tap_in_view(phone, phone.get_by_role("link", name="Reset your password by email"))
    expect(phone.get_by_role("heading", name="Reset your password")).to_be_visible()
    expect(phone.get_by_label("Email address")).to_be_in_viewport()
    assert_fits_width(phone)
    shot(phone, "reset-360")


def test_the_admin_lifts_the_pause_on_a_phone(phone, new_context, people):
    try_wrong_passwords(new_context().new_page(), "patient", 5)
    sign_in(phone, "admin")

    phone.goto("/staff/sign-in-pauses/")
    expect(phone.get_by_text("Patient · username patient")).to_be_visible()
    shot(phone, "unlock-360")
    assert_fits_width(phone)
    tap_in_view(phone, phone.get_by_role("button", name="Lift pause for Alex Rivera"))

    expect(phone.get_by_text("Alex Rivera can sign in again now.")).to_be_visible()
    expect(phone.get_by_text("No account of your practice is paused right now.")).to_be_visible()
    sign_in(new_context().new_page(), "patient")  # fails unless it leaves the sign-in page


def test_the_pages_on_a_wide_screen(page, new_context, people):
    try_wrong_passwords(page, "patient", 5)
    expect(page.get_by_role("heading", name="Sign-in is paused for a while")).to_be_in_viewport()
    shot(page, "login-locked-1280")
    page.get_by_role("link", name="Reset your password by email").click()
    expect(page.get_by_role("button", name="Email me a link")).to_be_in_viewport()
    shot(page, "reset-1280")
    admin = new_context().new_page()
    sign_in(admin, "admin")
    admin.get_by_role("link", name="Paused sign-ins").click()
    expect(admin.get_by_role("button", name="Lift pause for Alex Rivera")).to_be_in_viewport()
    shot(admin, "unlock-1280")
