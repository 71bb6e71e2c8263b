"""The practice admin's staff and settings pages in a real browser, on a phone and a desk:
moving a departing clinician's patients and closing their account, and a settings mistake
shown beside its field."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, sign_in, tap_in_view
from tether.accounts.models import CareTeamMember

pytestmark = pytest.mark.browser

# Set SHOTS_DIR to keep screenshots of the pages.
SHOTS = os.environ.get("SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_admin_moves_a_clinicians_patients_and_closes_the_account_on_a_phone(phone, people):
    sign_in(phone, "admin")
    phone.goto("/staff/team/")
    expect(phone.get_by_role("heading", name="Staff", exact=True)).to_be_in_viewport()
    assert_fits_width(phone)
    shot(phone, "staff-list-360")

    tap_in_view(phone, phone.get_by_role("link", name=people.clinician.display_name).first)
    expect(phone.get_by_text("Before their account can be closed")).to_be_visible()
    phone.get_by_label("Move all their patients to").select_option(
        label=people.other_clinician.display_name
    )
    tap_in_view(phone, phone.get_by_role("button", name="Move all patients"))
    expect(phone.get_by_text("1 patient moved from")).to_be_visible()
    assert CareTeamMember.objects.filter(staff=people.clinician).count() == 0
    assert_fits_width(phone)

    tap_in_view(phone, phone.get_by_role("button", name="Close"))
    expect(phone.get_by_text("account is closed")).to_be_visible()
    people.clinician.refresh_from_db()
    assert not people.clinician.is_active


def test_a_settings_mistake_is_shown_beside_its_field(page, new_context, people):
    sign_in(page, "admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/team/")
    shot(page, "staff-list-1280")
    page.goto("/staff/practice/")
    assert_fits_width(page)
    shot(page, "settings-1280")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    tap_in_view(page, page.get_by_role("button", name="Save settings"))
    expect(page.get_by_text("isn't a time zone we know")).to_be_visible()
    people.practice.refresh_from_db()
    assert people.practice.time_zone != "Mars/Olympus"

    phone = new_context(viewport={"width": 360, "height": 640}, is_mobile=True).new_page()
    sign_in(phone, "admin")
    phone.goto("/staff/practice/")
    expect(
        phone.get_by_label("Caseload limit (patients per clinician or coordinator)")
    ).to_be_visible()
    assert_fits_width(phone)
    shot(phone, "settings-360")
