"""A patient's invitation, end to end on a 360 px phone: an admin adds and invites a patient,
the patient opens the emailed link (read from a real SMTP server), chooses a password,
accepts the notice and lands on the first-run page. Screenshots with SHOTS_DIR set."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, sign_in, tap_in_view
from tether.accounts.models import Patient
from tether.invitations.models import NoticeAcceptance
from tether.invitations.notice import NOTICE_VERSION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set SHOTS_DIR to keep screenshots of the pages (e.g. /tmp/shots/invite).
SHOTS = os.environ.get("SHOTS_DIR", "")
LINK = re.compile(r"https?://[^/\s]+(?P<path>/welcome/[^/\s]+/)")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_an_admin_invites_and_the_patient_sets_up_their_account(
    people, phone, new_context, smtp_server
):
    sign_in(phone, "admin")
    phone.goto("/staff/invitations/")
    tap_in_view(phone, phone.get_by_role("link", name="Add a patient"))
    phone.get_by_label("First name").fill("Robin")
    phone.get_by_label("Last name").fill("Hale")
    phone.get_by_label("Date of birth").fill("1990-04-02")
    phone.get_by_label("Preferred language").fill("Spanish")
    phone.get_by_label("Email address").fill("robin@example.org")
    phone.get_by_label("Care coordinator").select_option(label=people.coordinator.display_name)
    tap_in_view(phone, phone.get_by_role("checkbox", name=people.clinician.display_name))
    assert_fits_width(phone)
    _shot(phone, "invite-form-360")
    tap_in_view(phone, phone.get_by_role("button", name="Add the patient"))
    expect(phone.get_by_text("Added Robin Hale and invited them.")).to_be_visible()
    expect(phone.get_by_text("Sent", exact=True)).to_be_visible()

    (message,) = smtp_server.to("robin@example.org")
    body = smtp_server.body(message)
    assert "Robin" not in body and "Riverside" not in body
    path = LINK.search(body).group("path")

    newcomer = new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    patient_page = newcomer.new_page()
    patient_page.goto(path)
    expect(patient_page.get_by_role("heading", name="Welcome to Tether")).to_be_visible()
    assert_fits_width(patient_page)
    _shot(patient_page, "accept-360")
    patient_page.get_by_label("Username").fill("robin.hale")
    patient_page.get_by_label("Password", exact=True).fill("kettle mountain breakfast")
    patient_page.get_by_label("The same password again").fill("kettle mountain breakfast")
    tap_in_view(patient_page, patient_page.get_by_role("checkbox", name=re.compile("privacy")))
    tap_in_view(patient_page, patient_page.get_by_role("checkbox", name=re.compile("contacted")))
    tap_in_view(patient_page, patient_page.get_by_role("button", name="Set up my account"))

    expect(patient_page).to_have_url(re.compile(r"/me/welcome/$"))
    expect(patient_page.get_by_role("heading", name="Welcome, Robin")).to_be_visible()
    for name in ("Open my safety plan", "Start a check-in"):
        link = patient_page.get_by_role("link", name=name)
        link.scroll_into_view_if_needed()
        expect(link).to_be_in_viewport()
    expect(patient_page.get_by_text(people.coordinator.display_name)).to_be_visible()
    assert_fits_width(patient_page)
    _shot(patient_page, "first-run-360")

    patient = Patient.objects.get(first_name="Robin")
    assert patient.user.username == "robin.hale"
    assert NoticeAcceptance.objects.get(patient=patient).notice_version == NOTICE_VERSION

    # Used once: the same link is now the plain page with the way to a fresh one.
    stranger = new_context().new_page()
    stranger.goto(path)
    expect(stranger.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(stranger.get_by_text("Riverside Psychiatry")).to_be_visible()

    phone.goto("/staff/invitations/")
    expect(phone.get_by_text("Accepted", exact=True)).to_be_visible()


def test_wide_screenshots(people, page, smtp_server):
    """The same pages at 1280 px, for a look."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "coordinator")
    page.goto("/staff/invitations/add-patient/")
    _shot(page, "invite-form-1280")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Hale")
    page.get_by_label("Email address").fill("robin@example.org")
    page.get_by_role("checkbox", name=people.clinician.display_name).check()
    page.get_by_role("button", name="Add the patient").click()
    _shot(page, "list-1280")
    (message,) = smtp_server.to("robin@example.org")
    path = LINK.search(smtp_server.body(message)).group("path")
    page.get_by_role("button", name="Sign out").click()
    page.goto(path)
    _shot(page, "accept-1280")
    page.get_by_label("Username").fill("robin.hale")
    page.get_by_label("Password", exact=True).fill("kettle mountain breakfast")
    page.get_by_label("The same password again").fill("kettle mountain breakfast")
    page.get_by_role("checkbox", name=re.compile("privacy")).check()
    page.get_by_role("checkbox", name=re.compile("contacted")).check()
    page.get_by_role("button", name="Set up my account").click()
    expect(page).to_have_url(re.compile(r"/me/welcome/$"))
    _shot(page, "first-run-1280")
    page.goto(path)
    _shot(page, "dead-link-1280")


def test_the_invited_patient_books_an_intake_call_and_the_coordinator_sees_it(
    people, phone, new_context, smtp_server
):
    """Issue 13's journey: an admin invites, the patient opens the emailed link, sets a
    password, accepts the notice and books an intake call from the offered times; the
    coordinator sees the call on the patient's appointments page."""
    from datetime import time

    from tether.engagement.services import create_program, enroll_patient, set_weekly_hours

    # The coordinator takes calls every day, so times are offered whatever day this runs.
    set_weekly_hours(staff=people.coordinator, hours=[(d, time(8), time(20)) for d in range(7)])
    sign_in(phone, "admin")
    phone.goto("/staff/invitations/")
    tap_in_view(phone, phone.get_by_role("link", name="Add a patient"))
    phone.get_by_label("First name").fill("Robin")
    phone.get_by_label("Last name").fill("Hale")
    phone.get_by_label("Email address").fill("robin@example.org")
    phone.get_by_label("Care coordinator").select_option(label=people.coordinator.display_name)
    tap_in_view(phone, phone.get_by_role("checkbox", name=people.clinician.display_name))
    tap_in_view(phone, phone.get_by_role("button", name="Add the patient"))
    expect(phone.get_by_text("Added Robin Hale and invited them.")).to_be_visible()
    (message,) = smtp_server.to("robin@example.org")
    path = LINK.search(smtp_server.body(message)).group("path")

    patient_page = new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    ).new_page()
    patient_page.goto(path)
    patient_page.get_by_label("Username").fill("robin.hale")
    patient_page.get_by_label("Password", exact=True).fill("kettle mountain breakfast")
    patient_page.get_by_label("The same password again").fill("kettle mountain breakfast")
    tap_in_view(patient_page, patient_page.get_by_role("checkbox", name=re.compile("privacy")))
    tap_in_view(patient_page, patient_page.get_by_role("checkbox", name=re.compile("contacted")))
    tap_in_view(patient_page, patient_page.get_by_role("button", name="Set up my account"))
    expect(patient_page).to_have_url(re.compile(r"/me/welcome/$"))

    # The coordinator enrols Robin in a program; its intake call is booked by Robin.
    robin = Patient.objects.get(first_name="Robin")
    program = create_program(practice=people.practice, name="Guided CBT")
    enroll_patient(patient=robin, program=program, by=people.coordinator)
    patient_page.goto("/me/programs/")
    expect(patient_page.get_by_label("Duration")).to_have_count(0)
    tap_in_view(patient_page, patient_page.get_by_role("radio").first)
    tap_in_view(patient_page, patient_page.get_by_role("button", name="Book my intake call"))
    expect(
        patient_page.get_by_text("Your intake call is booked", exact=False).first
    ).to_be_visible()
    assert_fits_width(patient_page)

    coordinator_page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(coordinator_page, "coordinator")
    coordinator_page.goto(f"/staff/patients/{robin.pk}/engagement/")
    expect(coordinator_page.get_by_text("Intake call", exact=False).first).to_be_visible()
    expect(
        coordinator_page.get_by_text(f"with {people.coordinator.display_name}", exact=False).first
    ).to_be_visible()
