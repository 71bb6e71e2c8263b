"""The audit pages in a real browser: a patient finds "Who has seen my record" from the menu on
a phone; a practice admin filters the audit report and is told plainly about a bad date."""

import os
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, sign_in, tap_in_view
from tether.audit.models import AuditEvent
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.network.steps import SAFETY_PLAN_STEPS

pytestmark = pytest.mark.browser

# Set SHOTS_DIR to keep screenshots of the pages.
SHOTS = os.environ.get("SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _reads(people) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    reads = [
        (people.clinician, "", "check-in scores", AuditEvent.Channel.WEB, timedelta(hours=2)),
        (people.coordinator, "", "safety plan", AuditEvent.Channel.WEB, timedelta(hours=3)),
        (None, "Maria (trusted person)", "safety plan", AuditEvent.Channel.LINK, timedelta(days=1)),
        (people.admin, "", "record", AuditEvent.Channel.EXPORT, timedelta(days=2)),
    ]
    for actor, label, what, channel, ago in reads:
        AuditEvent.objects.create(
            actor=actor,
            actor_label=label,
            practice=people.practice,
            patient=people.patient,
            action=AuditEvent.Action.EXPORTED
            if channel == AuditEvent.Channel.EXPORT
            else AuditEvent.Action.VIEWED,
            what=what,
            channel=channel,
            request_id="0123456789abcdef",
            at=now - ago,
        )


def _changes(people) -> None:
    """A clinician acknowledges an alert on its page; the patient saves their safety plan."""
    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        detail="Said they could not keep themselves safe tonight.",
    )
    clinician = Client()
    clinician.force_login(people.clinician)
    assert clinician.post(f"/staff/alerts/{alert.pk}/acknowledge/").status_code == 302
    patient = Client()
    patient.force_login(people.patient.user)
    plan = {step.field: "" for step in SAFETY_PLAN_STEPS}
    assert patient.post("/me/safety-plan/edit/", {**plan, "warning_signs": "x"}).status_code == 302


def test_a_patient_finds_who_has_seen_their_record_on_a_phone(phone, people):
    _reads(people)
    sign_in(phone, "patient")
    phone.goto("/me/")

    tap_in_view(phone, phone.get_by_role("link", name="Who has seen my record"))

    expect(phone.get_by_role("heading", name="Who has seen my record", level=1)).to_be_in_viewport()
    clinician = people.clinician.get_full_name()
    expect(
        phone.get_by_text(f"{clinician} (clinician) looked at your check-in scores")
    ).to_be_visible()
    expect(phone.get_by_text("Maria (trusted person) looked at your safety plan")).to_be_visible()
    assert_fits_width(phone)
    shot(phone, "who-has-seen-360")


def test_the_patient_page_on_a_wide_screen(page, people):
    _reads(people)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "patient")

    page.goto("/me/who-has-seen-my-record/")

    expect(page.get_by_role("heading", name="Who has seen my record", level=1)).to_be_visible()
    # grouped by day: two reads today (or across midnight), one a day ago, one two days ago
    assert page.locator("section.audit-day").count() in (3, 4)
    shot(page, "who-has-seen-1280")


def test_the_admin_filters_the_audit_report(page, new_context, people):
    _reads(people)
    _changes(people)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "admin")
    page.goto("/staff/registry/")

    page.get_by_role("link", name="Audit report").click()

    expect(page.get_by_role("heading", name="Audit report")).to_be_visible()
    expect(
        page.get_by_role(
            "cell", name=f"{people.patient.last_name}, {people.patient.first_name}"
        ).first
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Changes to records")).to_be_visible()
    expect(page.get_by_role("cell", name="Changed: Risk alert").first).to_be_visible()
    expect(page.get_by_role("cell", name="Created: Safety plan").first).to_be_visible()
    expect(page.get_by_text("tonight")).to_have_count(0)
    shot(page, "audit-report-1280")
    page.get_by_label("From", exact=True).fill("2026-03-05")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()
    expect(page.get_by_role("link", name="Download as CSV")).to_have_count(0)

    phone = new_context(viewport={"width": 360, "height": 640}, is_mobile=True).new_page()
    sign_in(phone, "admin")
    phone.goto("/staff/audit/")
    expect(phone.get_by_role("heading", name="Audit report")).to_be_in_viewport()
    expect(phone.get_by_role("link", name="Download as CSV")).to_be_visible()
    assert_fits_width(phone)
    shot(phone, "audit-report-360")
    tap_in_view(phone, phone.get_by_role("link", name="Changes to records"))
    expect(phone.get_by_role("heading", name="Changes to records")).to_be_in_viewport()
    assert_fits_width(phone)
