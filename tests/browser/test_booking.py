"""A patient books their intake call from the offered slots on a phone and a desktop, and a
coordinator publishes hours. Screenshots go to $SHOTS (unset: none)."""

import os
from datetime import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_width, sign_in, tap_in_view
from tether.engagement.models import Appointment
from tether.engagement.services import create_program, enroll_patient, set_weekly_hours

VIEWPORTS = [PHONE, {"width": 1280, "height": 800}]


def _shoot(page, name: str) -> None:
    folder = os.environ.get("SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
def test_a_patient_books_an_offered_intake_slot(live_server, people, new_context, viewport):
    set_weekly_hours(staff=people.coordinator, hours=[(d, time(9), time(10)) for d in range(5)])
    program = create_program(practice=people.practice, name="Guided CBT")
    enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    page = new_context(viewport=viewport).new_page()
    sign_in(page, "patient")
    page.goto("/me/programs/")
    assert_fits_width(page)
    _shoot(page, "slot-picker")
    expect(page.get_by_label("Duration")).to_have_count(0)
    first = page.get_by_role("radio").first
    tap_in_view(page, first)
    tap_in_view(page, page.get_by_role("button", name="Book my intake call"))
    expect(page.get_by_text("Your intake call is booked.", exact=False).first).to_be_visible()
    booked = Appointment.objects.get()
    assert booked.staff == people.coordinator and booked.kind == "intake_call"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
def test_a_coordinator_publishes_weekly_hours(live_server, people, new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    sign_in(page, "coordinator")
    page.goto("/staff/availability/")
    page.get_by_label("Monday from").fill("09:00")
    page.get_by_label("Monday until").fill("12:00")
    tap_in_view(page, page.get_by_role("button", name="Save my weekly hours"))
    expect(page.get_by_text("Your hours are saved.")).to_be_visible()
    assert_fits_width(page)
    _shoot(page, "availability")
    assert list(people.coordinator.weekly_hours.values_list("weekday", "starts")) == [(0, time(9))]
