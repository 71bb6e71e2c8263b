"""The support network through a real browser: a safety plan, a trusted person who accepts,
and a withdrawal that stops their link at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_width, tap_in_view
from tests.browser.test_journeys import sign_in
from tether.network.models import SafetyPlan, SupportContact

pytestmark = pytest.mark.browser


def test_patient_builds_a_plan_invites_a_trusted_person_and_withdraws(
    live_server, people, new_context, settings
):
    settings.SITE_URL = live_server.url  # links the patient copies point at this server
    patient = new_context().new_page()
    sign_in(patient, "patient")

    # A safety plan, in the patient's own words; the practice's crisis lines fill step 5.
    patient.goto("/me/safety-plan/edit/")
    patient.get_by_label("Signs that a hard time is starting").fill(
        "Not sleeping\nCancelling plans"
    )
    patient.get_by_label("Things I can do on my own").fill("A walk round the block")
    patient.get_by_label("What matters to me and keeps me going").fill("My dog, Biscuit")
    patient.get_by_role("button", name=re.compile("Save")).click()
    expect(patient.get_by_text("Cancelling plans")).to_be_visible()
    expect(patient.locator("main a[href='tel:988']").first).to_be_visible()
    assert SafetyPlan.objects.filter(patient=people.patient).count() == 1

    # A trusted person, invited to see the plan and to be reminded to check in.
    patient.goto("/me/support/add/trusted_person/")
    patient.get_by_label("Name").fill("Maria Lopez")
    patient.get_by_label("Who they are to you").select_option("family")
    patient.get_by_label("Email address").fill("maria@example.org")
    patient.get_by_role("button", name="Add to my map").click()
    # Adding a trusted person leads straight on to inviting them.
    expect(patient.get_by_role("heading", name="Invite Maria Lopez")).to_be_visible()
    patient.get_by_label("Let them see my safety plan").check()
    patient.get_by_label("Remind them to check in with me").check()
    patient.get_by_role("button", name="Send the invitation").click()
    contact = SupportContact.objects.get(patient=people.patient, name="Maria Lopez")
    assert contact.invitation == SupportContact.Invitation.INVITED
    link = patient.locator(f"#invite-link-{contact.pk}").input_value()

    # The trusted person, with no account, opens the link on her phone and accepts by tapping
    # the button she can see.
    maria = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    maria.goto(link)
    expect(maria.locator("#shared")).to_contain_text("safety plan")
    assert_fits_width(maria)
    tap_in_view(maria, maria.get_by_role("button", name=re.compile("Yes, I.ll be there")))
    plan_link = maria.get_by_role("link", name=re.compile("safety plan"))
    expect(plan_link).to_be_visible()
    assert_fits_width(maria)
    tap_in_view(maria, plan_link)
    expect(maria.get_by_text("My dog, Biscuit")).to_be_visible()
    assert_fits_width(maria)
    plan_url = maria.url
    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.ACCEPTED

    # The patient stops sharing: the trusted person's link stops working the same moment.
    patient.goto("/me/support/")
    patient.get_by_role("button", name=re.compile("Stop sharing")).first.click()
    response = maria.goto(plan_url)
    assert response.status == 404
    expect(maria.get_by_text("My dog, Biscuit")).to_have_count(0)
    response = maria.goto(link)
    assert response.status == 404
