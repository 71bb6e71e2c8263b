"""API tokens through a real browser: a person makes a token, sees it once, and revokes it;
on a phone the page fits and its buttons can be tapped."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, tap_in_view
from tests.browser.test_journeys import sign_in
from tether.accounts.models import ApiToken
from tether.accounts.tokens import issue_token

pytestmark = pytest.mark.browser
# Set SHOTS_DIR to keep screenshots of the page (e.g. to look at it on a phone's width).
SHOTS = os.environ.get("SHOTS_DIR", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_person_makes_a_token_sees_it_once_and_revokes_it(
    live_server, people, new_context, width
):
    user = people.patient.user
    issue_token(user=user, name="Old phone app")
    small = width < 500
    page = new_context(
        viewport={"width": width, "height": 640 if small else 900},
        is_mobile=small,
        has_touch=small,
    ).new_page()
    sign_in(page, "patient")

    page.goto("/me/api-tokens/")
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("Mood diary app")
    page.get_by_label("Stops working after").select_option(label="30 days")
    tap_in_view(page, page.get_by_role("button", name="Make the token"))

    expect(page.get_by_role("heading", name="Your new token “Mood diary app”")).to_be_visible()
    shown = page.get_by_label("The token")
    expect(shown).to_be_visible()
    secret = shown.input_value()
    made = ApiToken.objects.get(name="Mood diary app")
    assert made.key_hash == ApiToken.hash(secret)
    assert_fits_width(page)
    _shot(page, f"made-{width}")

    tap_in_view(page, page.get_by_role("button", name="Revoke “Old phone app”"))
    expect(page.get_by_text("“Old phone app” is revoked")).to_be_visible()
    expect(page.get_by_label("The token")).to_have_count(0)  # shown once only
    expect(page.get_by_text(re.compile("Revoked by you"))).to_be_visible()
    assert_fits_width(page)
    _shot(page, f"revoked-{width}")
    assert ApiToken.objects.get(name="Old phone app").revoked_because == "owner"
    assert ApiToken.objects.get(name="Mood diary app").revoked_at is None
