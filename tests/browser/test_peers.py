"""Peer groups through a real browser: a patient describes what they are going through, sees
groups ranked with a reason each, joins one under a name of their choosing, posts, and a post
that sounds like a crisis brings help to the top of the page."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in
from tether.crisis.models import RiskAlert
from tether.peers.models import Membership, Post

pytestmark = pytest.mark.browser


@pytest.fixture
def identity_tags(transactional_db):
    """Put back the identity tags a data migration seeds: the browser tests before this one
    empty the database when they finish."""
    migration = importlib.import_module("tether.peers.migrations.0002_seed_identity_tags")
    migration.seed(apps, None)


def test_patient_finds_a_group_joins_posts_and_a_crisis_post_brings_help(
    live_server, identity_tags, peer_world, phone
):
    people = peer_world.people
    sign_in(phone, "patient")

    phone.goto("/me/peers/")
    phone.get_by_role("link", name="Tell us what you're going through").click()
    phone.get_by_label("What are you going through?").fill(
        "I left the army last year and I've felt low and empty ever since."
    )
    phone.get_by_label("Veteran or service member").check()
    phone.get_by_role("button", name="See groups that might fit").click()

    # Ranked by closeness of experience, each with its reason; nothing joined yet.
    expect(phone).to_have_url(re.compile(r"/me/peers/suggestions/$"))
    first = phone.locator(".suggestion").first
    expect(first.get_by_role("heading")).to_have_text("Veterans together")
    expect(first.locator(".reason")).to_contain_text("you share: Veteran or service member")
    assert not Membership.objects.filter(group=peer_world.veterans).exists()

    first.get_by_role("link", name="Join Veterans together").click()
    phone.get_by_label("Your name in this group").fill("Kestrel")
    phone.get_by_role("button", name="Join the group").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Veterans together")
    expect(phone.get_by_text("Here you are “Kestrel”.").first).to_be_visible()
    membership = Membership.objects.get(group=peer_world.veterans)
    assert "Veteran or service member" in membership.match_reason

    phone.get_by_label("Write to the group").fill("Hello. New here, and glad this exists.")
    phone.get_by_role("button", name="Post", exact=True).click()
    thread = phone.locator(".thread", has_text="glad this exists")
    expect(thread.locator(".pseudonym")).to_have_text("Kestrel")
    expect(phone.locator("main").get_by_text(people.patient.last_name)).to_have_count(0)

    phone.get_by_label("Write to the group").fill("Some nights I want to end my life.")
    phone.get_by_role("button", name="Post", exact=True).click()

    expect(phone).to_have_url(re.compile(r"/me/peers/posts/[0-9a-f-]+/support/$"))
    crisis = phone.locator("#crisis-resources")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_text("Call 988", exact=True)).to_be_visible()
    heading = phone.get_by_role("heading", level=1)
    # Held for a peer supporter to read first, and the author is told so kindly.
    expect(heading).to_have_text("Thank you for sharing this")
    expect(phone.get_by_text("A peer supporter will read this first")).to_be_visible()
    assert crisis.bounding_box()["y"] < heading.bounding_box()["y"]  # help comes first
    expect(phone.locator(".their-words")).to_have_text("Some nights I want to end my life.")
    post = Post.objects.get(author=membership, crisis_language=True)
    assert RiskAlert.objects.filter(patient=people.patient, pk=post.risk_alert_id).exists()
