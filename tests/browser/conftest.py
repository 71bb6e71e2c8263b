"""Fixtures for the browser journeys: Debian's Chromium driven by Playwright's sync API.

Playwright's sync API keeps an asyncio event loop on the test thread while it runs, and Django
refuses ORM calls from a thread with a running loop. These tests drive a real server thread and
only touch the ORM to set up and check data, so the guard is lifted for exactly as long as
Playwright runs (module scope: the loop must not outlive the browser tests, or the ordinary
tests collected after them would hit it too).
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.second_factor import authenticator, current_code
from tether.accounts.models import User
from tether.mfa.policy import has_second_factor, must_have_second_factor

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 640}


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: run `make browser-deps` (never `playwright install`).")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Open a fresh browser context (its own cookies: one person) against the live server."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def phone(new_context):
    """A page on a small phone: 360×640, touch."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def assert_fits_width(page) -> None:
    """Nothing on the page is wider than the screen: no sideways scrolling."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide on a {width} px screen"


def tap_in_view(page, locator) -> None:
    """Tap a control as a person would: scrolled to (as they would scroll), then only if all of
    it lies inside the screen. Clicking through the DOM would pass a button that is off-screen."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None, "the control is not rendered"
    view = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"], (box, view)
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"], (box, view)
    if page.evaluate("navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the pages, as a person does: username and password, then, for anyone
    with a second factor (every staff member: one is set up for them the first time), a
    current code from a real TOTP implementation (pyotp) typed into the factor step."""
    user = User.objects.get(username=username)
    device = authenticator(user) if must_have_second_factor(user) else None
    if device is None and has_second_factor(user):
        device = authenticator(user)
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    if device is not None:
        expect(page).to_have_url(re.compile(r"/account/two-step/"))
        page.get_by_label("Code from your app, or a recovery code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
        expect(page).not_to_have_url(re.compile(r"/account/two-step/"))
