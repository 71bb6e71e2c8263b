"""The practice admin manages a peer group through a real browser, on a phone: opens the
group list, changes who a group is for, adds a meeting time and archives the group. Every
control is found by its role and name and tapped only when it is on the screen. Set
SHOTS_DIR to keep screenshots of the list and the form at 360 and 1280 px."""

import importlib
import os
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, sign_in, tap_in_view
from tether.peers.models import GroupMeeting, PeerGroup

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SHOTS_DIR", "")


@pytest.fixture
def identity_tags(transactional_db):
    migration = importlib.import_module("tether.peers.migrations.0002_seed_identity_tags")
    migration.seed(apps, None)


def _shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_admin_changes_a_group_adds_a_meeting_and_archives_it(
    live_server, identity_tags, peer_world, phone, new_context
):
    students = peer_world.students
    sign_in(phone, "admin")
    phone.goto("/")
    tap_in_view(phone, phone.get_by_role("link", name="Peer groups"))
    expect(phone.get_by_role("heading", name="Peer groups")).to_be_visible()
    assert_fits_width(phone)
    _shoot(phone, "group-list-360")

    tap_in_view(phone, phone.get_by_role("link", name="Change “Students with panic”"))
    expect(phone.get_by_role("heading", name="Change “Students with panic”")).to_be_visible()
    assert_fits_width(phone)
    _shoot(phone, "group-form-360")
    phone.get_by_label("Who it is for").fill("Students living with panic attacks before exams.")
    tap_in_view(phone, phone.get_by_role("button", name="Save the group"))
    expect(phone.get_by_text("Saved “Students with panic”.")).to_be_visible()

    phone.goto(f"/peers/groups/{students.pk}/edit/")
    when = timezone.localtime() + timedelta(days=3)
    phone.get_by_label("Starts").fill(when.strftime("%Y-%m-%dT18:30"))
    phone.get_by_label("Length in minutes").fill("90")
    phone.get_by_label("Where").fill("Online (link in the group)")
    tap_in_view(phone, phone.get_by_role("button", name="Add the meeting time"))
    expect(phone.get_by_text("Meeting time added.")).to_be_visible()
    assert GroupMeeting.objects.get(group=students).where == "Online (link in the group)"

    tap_in_view(phone, phone.get_by_role("button", name="Archive “Students with panic”"))
    expect(phone).to_have_url(re.compile(r"/peers/groups/$"))
    expect(phone.get_by_text("Archived “Students with panic”.")).to_be_visible()
    students.refresh_from_db()
    assert students.archived_at is not None
    assert students.who_for == "Students living with panic attacks before exams."

    wide = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(wide, "admin")
    wide.goto("/peers/groups/")
    assert_fits_width(wide)
    _shoot(wide, "group-list-1280")
    wide.goto(f"/peers/groups/{peer_world.parents.pk}/edit/")
    expect(wide.get_by_role("heading", name="Meeting times")).to_be_visible()
    _shoot(wide, "group-form-1280")
    assert PeerGroup.objects.filter(archived_at=None).count() == 3
