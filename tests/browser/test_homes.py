"""Issue 13, items 5 and 6 in a real browser, at 360 and 1280 px: a peer supporter signs in
and lands on their own page; a coordinator opens a risk alert and can call, text or email
the patient with one tap. Screenshots go to $TETHER_SHOTS (when set)."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_width, sign_in
from tether.crisis.services import raise_risk_alert
from tether.engagement.models import OutreachTask
from tether.notifications.models import NotificationPreference

pytestmark = pytest.mark.browser
VIEWPORTS = [PHONE, {"width": 1280, "height": 800}]
NUMBER = "+12025550123"


def _shot(page, name: str) -> None:
    if folder := os.environ.get("TETHER_SHOTS"):
        width = page.viewport_size["width"]
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def _in_view(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    view = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"], (box, view)
    assert box["height"] >= 44  # big enough to tap


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
def test_a_peer_supporter_lands_on_their_own_page(live_server, peer_world, new_context, viewport):
    people = peer_world.people
    now = timezone.now()
    OutreachTask.objects.create(
        patient=people.patient,
        route=OutreachTask.Route.PEER_SUPPORTER,
        assigned_to=people.peer,
        due_at=now + timedelta(days=1),
        created_at=now,
    )
    page = new_context(viewport=viewport).new_page()

    sign_in(page, "peer")

    expect(page).to_have_url(re.compile(r"/peers/$"))
    expect(page.get_by_role("heading", name="Posts waiting for you")).to_be_visible()
    expect(page.get_by_role("heading", name="People to reach out to")).to_be_visible()
    expect(page.get_by_role("link", name="New parents")).to_be_visible()
    expect(page.locator("#outreach")).to_contain_text(people.patient.called)
    expect(page.get_by_role("link", name=re.compile("^Call "))).to_have_count(0)
    assert_fits_width(page)
    _shot(page, "peer-home")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
def test_a_coordinator_calls_the_patient_from_the_alert(live_server, people, new_context, viewport):
    user = people.patient.user
    user.email = "alex.rivera@example.com"
    user.save(update_fields=["email"])
    NotificationPreference.objects.create(user=user, phone=NUMBER)
    alert = raise_risk_alert(
        patient=people.patient,
        reason="staff_raised",
        raised_by=people.coordinator,
        detail="Said on the phone they are struggling.",
    )
    page = new_context(viewport=viewport).new_page()

    sign_in(page, "coordinator")
    expect(page).to_have_url(re.compile(r"/staff/alerts/$"))  # what needs them first
    page.goto(f"/staff/alerts/{alert.pk}/")

    call = page.get_by_role("link", name=f"Call {NUMBER}")
    text = page.get_by_role("link", name=f"Text {NUMBER}")
    email = page.get_by_role("link", name="Email alex.rivera@example.com")
    expect(call).to_have_attribute("href", f"tel:{NUMBER}")
    expect(text).to_have_attribute("href", f"sms:{NUMBER}")
    expect(email).to_have_attribute("href", "mailto:alex.rivera@example.com")
    for link in (call, text, email):
        _in_view(page, link)
    # The call link is on the first screen, under the heading.
    assert call.bounding_box()["y"] + call.bounding_box()["height"] <= page.viewport_size["height"]
    assert_fits_width(page)
    _shot(page, "alert-contact")
