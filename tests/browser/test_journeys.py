"""Journeys through a real browser: what a patient and a clinician actually see.

These run with the normal suite (plain `pytest`) against pytest-django's live server.
"""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_fits_width, sign_in, tap_in_view
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert

pytestmark = pytest.mark.browser

SEVERAL_DAYS = "1"


def test_phq9_risk_answer_shows_help_first_and_reaches_the_care_team(
    live_server, people, new_context
):
    patient = new_context().new_page()
    sign_in(patient, "patient")
    expect(patient).to_have_url(re.compile(r"/me/$"))

    patient.get_by_role("link", name="Mood questionnaire (PHQ-9)").click()
    expect(patient).to_have_url(re.compile(r"/me/check-in/phq9/$"))
    for number in range(1, 10):
        value = SEVERAL_DAYS if number == 9 else str(number % 4)
        patient.locator(f"#q{number} input[value='{value}']").check()
    patient.get_by_role("button", name="Send my answers").click()

    expect(patient).to_have_url(re.compile(r"/me/results/[0-9a-f-]+/$"))
    crisis = patient.locator("#crisis-resources")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_text("Call 988", exact=True)).to_be_visible()
    score = patient.locator(".score")
    expect(score).to_be_visible()
    crisis_box, score_box = crisis.bounding_box(), score.bounding_box()
    assert crisis_box["y"] + crisis_box["height"] <= score_box["y"], (crisis_box, score_box)

    # A clinician on the patient's care team, in a browser of their own.
    clinician = new_context().new_page()
    sign_in(clinician, "clinician")
    clinician.goto("/staff/alerts/")
    entry = clinician.locator(".alert-queue li", has_text=people.patient.full_name)
    expect(entry).to_have_count(1)
    expect(entry.locator(".status")).to_have_text("Open")
    entry.get_by_role("link", name=people.patient.full_name).click()

    expect(clinician.get_by_role("heading", level=1)).to_contain_text(people.patient.full_name)
    clinician.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(clinician.locator("main p", has_text=re.compile(r"· Acknowledged ·"))).to_be_visible()
    expect(clinician.get_by_role("button", name=re.compile("Acknowledge"))).to_have_count(0)

    clinician.goto("/staff/alerts/")
    expect(entry.locator(".status")).to_have_text("Acknowledged")
    alert = RiskAlert.objects.get(patient=people.patient)
    assert alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == people.clinician


def _assert_help_button_above_the_fold(page: Page) -> None:
    button = page.locator("#get-help-now")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


def test_get_help_now_is_one_tap_away_on_a_phone(live_server, people, phone):
    for code, answers in (("phq9", [1, 1, 0, 2, 1, 0, 1, 0, 0]), ("gad7", [2, 1, 1, 0, 1, 2, 0])):
        submit_assessment(
            patient=people.patient, instrument=code, answers=answers, entered_by=people.patient.user
        )

    phone.goto("/login/")
    _assert_help_button_above_the_fold(phone)

    sign_in(phone, "patient")
    expect(phone).to_have_url(re.compile(r"/me/$"))
    _assert_help_button_above_the_fold(phone)
    # Nothing on the page should be wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if screenshot := os.environ.get("TETHER_PHONE_SCREENSHOT"):
        phone.screenshot(path=screenshot, full_page=True)

    phone.locator("#get-help-now").tap()
    expect(phone).to_have_url(re.compile(r"/help/$"))
    lines = phone.locator("#crisis-resources a[href^='tel:']")
    expect(lines.first).to_be_visible()
    assert lines.count() >= 2
    expect(phone.locator("#crisis-resources a[href='tel:988']").first).to_be_visible()


def test_the_calendar_link_fits_a_phone_and_its_reset_is_reachable(live_server, people, phone):
    sign_in(phone, "patient")
    phone.goto("/me/notifications/")
    link = phone.get_by_role("textbox", name="Your calendar link")
    expect(link).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    # The private link is long: it must not push the page wider than the phone.
    assert_fits_width(phone)
    tap_in_view(phone, phone.get_by_role("button", name="Reset link"))
    expect(link).to_be_visible()
