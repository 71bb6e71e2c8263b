"""Issue 10, item 9: a practice's country is one the crisis-resources file covers, and a
crisis-resources file past its review date warns the practice admin and `manage.py check`."""

import json
from datetime import date, timedelta

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse

from tether.crisis import resources
from tether.crisis.resources import STALE_CHECK_ID, stale_resources_warning


@pytest.fixture
def stale_file(settings, tmp_path):
    data = json.loads(settings.CRISIS_RESOURCES_FILE.read_text(encoding="utf-8"))
    data["reviewed_on"] = "2024-01-02"
    data["review_every_days"] = 180
    path = tmp_path / "crisis_resources.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    settings.CRISIS_RESOURCES_FILE = path
    resources.directory.cache_clear()
    yield path
    resources.directory.cache_clear()


def test_the_warning_starts_the_day_after_the_review_date():
    d = resources.directory()
    due = d.reviewed_on + timedelta(days=d.review_every_days)
    assert stale_resources_warning(today=due) == ""
    assert "due for review" in stale_resources_warning(today=due + timedelta(days=1))


def test_a_stale_file_warns_the_admin_on_the_registry_and_caseload(client, people, stale_file):
    client.force_login(people.admin)
    for name in ("registry", "caseload"):
        page = client.get(reverse(name), follow=True).content.decode()  # caseload: registry
        assert 'id="crisis-file-warning"' in page, name
        assert "2 January 2024" in page
    client.force_login(people.coordinator)
    assert 'id="crisis-file-warning"' not in client.get(reverse("registry")).content.decode()


def test_a_fresh_file_shows_no_warning(client, people):
    client.force_login(people.admin)
    assert 'id="crisis-file-warning"' not in client.get(reverse("registry")).content.decode()


def test_manage_py_check_warns_about_a_stale_file(db, stale_file):
    found = [m for m in checks.run_checks() if m.id == STALE_CHECK_ID]
    assert len(found) == 1 and found[0].level == checks.WARNING


def test_a_practice_country_must_be_one_the_file_covers(people):
    practice = people.practice
    for code in ("UK", "NZX", "us"):
        practice.country = code
        with pytest.raises(ValidationError):
            practice.full_clean()
    practice.country = "GB"
    practice.full_clean()


def test_the_admin_practice_form_refuses_an_unknown_country(people):
    from tether.crisis.admin import PracticeAdminForm

    form = PracticeAdminForm(instance=people.practice, data={"country": "UK"})
    assert not form.is_valid()
    assert "country" in form.errors


def test_the_file_review_date_is_a_real_date():
    assert isinstance(resources.directory().reviewed_on, date)
