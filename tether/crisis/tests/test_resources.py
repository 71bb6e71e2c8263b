"""The crisis resources data file, how it is chosen for a person, and where it is shown."""

import json
from dataclasses import asdict
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tether.crisis.resources import (
    Contact,
    Resource,
    directory,
    load_directory,
    resources_for,
)


@pytest.fixture(autouse=True)
def _fresh_directory():
    # directory() is cached per process; every test starts and ends with a fresh read.
    directory.cache_clear()
    yield
    directory.cache_clear()


@pytest.fixture
def crisis_file(tmp_path, settings):
    """Write a crisis resources file and point the settings at it; return the writer."""

    def write(data: dict):
        path = tmp_path / "crisis.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.CRISIS_RESOURCES_FILE = path
        directory.cache_clear()
        return path

    return write


def _default() -> dict:
    return json.loads(django_settings.CRISIS_RESOURCES_FILE.read_text(encoding="utf-8"))


def _by_name(resources) -> dict[str, Resource]:
    return {r.name: r for r in resources}


def _contacts(resource: Resource) -> set[tuple[str, str]]:
    return {(c.method, c.value) for c in resource.contacts}


def _everything_said(resources) -> str:
    return json.dumps([asdict(r) for r in resources]).lower()


# --- The data file --------------------------------------------------------------------------


def test_the_file_is_dated_and_has_a_review_period():
    d = directory()
    assert isinstance(d.reviewed_on, date)
    assert d.reviewed_on <= timezone.localdate()
    assert d.review_every_days > 0


def test_every_country_lists_an_emergency_number_first():
    for country, resources in directory().countries.items():
        assert resources, country
        assert resources[0].kind == "emergency", country
        assert resources[0].contacts[0].method == "call", country


def test_the_us_list():
    us = _by_name(directory().countries["US"])

    assert ("call", "911") in _contacts(us["Emergency services"])

    lifeline = us["988 Suicide & Crisis Lifeline"]
    assert lifeline.kind == "crisis_line"
    assert {("call", "988"), ("text", "988")} <= _contacts(lifeline)
    (chat,) = [c for c in lifeline.contacts if c.method == "chat"]
    assert chat.value.startswith("https://988lifeline.org")
    assert "988lifeline.org" in chat.label

    veterans = us["Veterans Crisis Line"]
    assert veterans.kind == "crisis_line"
    assert ("text", "838255") in _contacts(veterans)
    assert "press 1" in " ".join(c.label for c in veterans.contacts).lower()

    (text_line,) = us["Crisis Text Line"].contacts
    assert (text_line.method, text_line.value, text_line.body) == ("text", "741741", "HOME")

    trevor = us["The Trevor Project"]
    assert trevor.kind == "crisis_line"
    assert ("call", "+18664887386") in _contacts(trevor)
    assert any("1-866-488-7386" in c.label for c in trevor.contacts)
    (trevor_text,) = [c for c in trevor.contacts if c.method == "text"]
    assert (trevor_text.value, trevor_text.body) == ("678678", "START")


def test_nami_is_marked_as_not_a_crisis_line():
    nami = _by_name(directory().countries["US"])["NAMI HelpLine"]

    assert nami.kind == "support_line"
    assert nami.is_crisis_line is False
    assert ("call", "+18009506264") in _contacts(nami)
    assert any("1-800-950-6264" in c.label for c in nami.contacts)


def test_every_other_us_resource_is_a_crisis_line():
    for resource in directory().countries["US"]:
        if resource.name != "NAMI HelpLine":
            assert resource.is_crisis_line, resource.name


def test_the_ended_988_press_3_option_is_not_shown():
    d = directory()
    for resources in [*d.countries.values(), *d.practices.values()]:
        assert "press 3" not in _everything_said(resources)
    assert "press 3" not in django_settings.CRISIS_RESOURCES_FILE.read_text().lower()


def test_the_gb_list():
    gb = _by_name(directory().countries["GB"])
    assert ("call", "999") in _contacts(gb["Emergency services"])
    samaritans = gb["Samaritans"]
    assert ("call", "116123") in _contacts(samaritans)
    assert any("116 123" in c.label for c in samaritans.contacts)
    (shout,) = gb["Shout"].contacts
    assert (shout.method, shout.value, shout.body) == ("text", "85258", "SHOUT")


def test_the_canada_list():
    ca = directory().countries["CA"]
    numbers = set().union(*(_contacts(r) for r in ca))
    assert {("call", "911"), ("call", "988"), ("text", "988")} <= numbers
    assert "french" in _everything_said(ca)


def test_the_australia_list():
    au = _by_name(directory().countries["AU"])
    assert ("call", "000") in _contacts(au["Emergency services"])
    assert ("call", "131114") in _contacts(au["Lifeline"])
    assert ("text", "0477131114") in _contacts(au["Lifeline"])


# --- Links ----------------------------------------------------------------------------------


def test_a_call_contact_links_to_the_phone():
    assert Contact("call", "Call 988", "988").href == "tel:988"
    assert Contact("call", "Call", "+18664887386").href == "tel:+18664887386"


def test_a_text_contact_links_to_messages_with_the_word_to_send():
    assert Contact("text", "Text 988", "988").href == "sms:988"
    home = Contact("text", "Text HOME to 741741", "741741", "HOME").href
    assert home.startswith("sms:741741?")
    assert home.endswith("body=HOME")


def test_the_word_to_send_is_url_encoded():
    assert Contact("text", "t", "1", "two words").href.endswith("body=two%20words")


def test_a_chat_contact_links_to_the_chat_page():
    assert Contact("chat", "Chat", "https://988lifeline.org/chat/").href == (
        "https://988lifeline.org/chat/"
    )


# --- Choosing the list ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "expected_number"),
    [("US", "911"), ("GB", "999"), ("gb", "999"), ("CA", "911"), ("AU", "000")],
)
def test_resources_are_chosen_by_country(country, expected_number):
    resources = resources_for(country=country)
    assert resources == directory().countries[country.upper()]
    assert resources[0].contacts[0].value == expected_number


@pytest.mark.parametrize("country", ["FR", "", "ZZ"])
def test_an_unknown_country_falls_back_to_the_us_list_rather_than_nothing(country):
    assert resources_for(country=country) == directory().countries["US"]


def test_a_practice_list_replaces_its_country_list(crisis_file):
    data = _default()
    data["practices"] = {
        "riverside": [
            {
                "name": "Riverside on-call line",
                "kind": "crisis_line",
                "summary": "Our own clinicians, day and night.",
                "contacts": [{"method": "call", "label": "Call 555-0100", "value": "5550100"}],
            }
        ]
    }
    crisis_file(data)

    (own,) = resources_for(country="US", practice_slug="riverside")
    assert own.name == "Riverside on-call line"
    assert own.hours == ""
    # Practices without their own list keep their country's.
    assert resources_for(country="GB", practice_slug="hillside")[0].contacts[0].value == "999"


def test_an_empty_practice_list_falls_back_to_the_country_list(crisis_file):
    # A practice that has started, but not filled in, its own list must not leave its patients
    # with no crisis lines at all.
    data = _default()
    data["practices"] = {"riverside": []}
    crisis_file(data)

    assert resources_for(country="GB", practice_slug="riverside") == directory().countries["GB"]
    assert resources_for(country="US", practice_slug="riverside") == directory().countries["US"]


def test_a_malformed_kind_is_refused(crisis_file):
    data = _default()
    data["countries"]["US"][1]["kind"] = "hotline"
    path = crisis_file(data)

    with pytest.raises(ImproperlyConfigured, match="hotline"):
        load_directory(path)
    with pytest.raises(ImproperlyConfigured):
        directory()


def test_an_unknown_contact_method_is_refused(crisis_file):
    data = _default()
    data["countries"]["GB"][1]["contacts"][0]["method"] = "fax"
    path = crisis_file(data)

    with pytest.raises(ImproperlyConfigured, match="fax"):
        load_directory(path)


def test_a_malformed_practice_entry_is_refused(crisis_file):
    data = _default()
    data["practices"] = {"riverside": [{"name": "Bad", "kind": "", "contacts": []}]}
    path = crisis_file(data)

    with pytest.raises(ImproperlyConfigured, match="riverside"):
        load_directory(path)


# --- Where they are shown -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/me/", "/me/check-in/phq9/", "/me/check-in/gad7/", "/help/"])
def test_crisis_resources_are_on_every_patient_page(client, people, url):
    client.force_login(people.patient.user)

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('id="crisis-resources"') == 1
    assert 'href="tel:911"' in page
    assert 'href="tel:988"' in page
    assert 'href="sms:741741?&amp;body=HOME"' in page
    assert "not a crisis line" in page  # NAMI is labelled honestly
    assert f"Details reviewed {directory().reviewed_on:%-d %B %Y}" in page


def test_a_patient_with_an_open_alert_sees_the_resources_first_on_every_page(client, people):
    client.force_login(people.patient.user)
    client.post("/me/not-safe/")

    for url in ("/me/", "/me/check-in/phq9/", "/help/"):
        page = client.get(url).content.decode()
        assert page.count('id="crisis-resources"') == 1, url
        assert page.index('id="crisis-resources"') < page.index("<main"), url


def test_signed_out_visitors_get_the_help_page(client, db):
    response = client.get("/help/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="crisis-resources"' in page
    assert 'href="tel:988"' in page
    assert 'id="not-safe"' not in page  # only a signed-in patient can alert a care team


def test_a_practice_in_another_country_shows_that_countrys_lines(client, people):
    people.practice.country = "GB"
    people.practice.save(update_fields=["country"])
    client.force_login(people.patient.user)

    page = client.get("/me/").content.decode()

    assert "Samaritans" in page
    assert 'href="tel:999"' in page
    assert 'href="tel:988"' not in page


def test_a_practices_own_list_is_shown_to_its_patients(client, people, crisis_file):
    data = _default()
    data["practices"] = {
        "riverside": [
            {
                "name": "Riverside on-call line",
                "kind": "crisis_line",
                "contacts": [{"method": "call", "label": "Call 555-0100", "value": "5550100"}],
            }
        ]
    }
    crisis_file(data)

    client.force_login(people.patient.user)
    page = client.get("/me/").content.decode()
    assert "Riverside on-call line" in page
    assert 'href="tel:5550100"' in page

    client.force_login(people.outside_patient.user)
    page = client.get("/me/").content.decode()
    assert "Riverside on-call line" not in page
    assert 'href="tel:988"' in page


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/login/"),
        (None, "/help/"),
        ("patient", "/me/"),
        ("patient", "/me/check-in/phq9/"),
        ("patient", "/help/"),
        ("coordinator", "/staff/alerts/"),
        ("coordinator", "/staff/registry/"),  # the caseload's page since issue 11
        ("coordinator", "patient_page"),
    ],
)
def test_the_get_help_now_link_is_on_every_page(client, people, who, url):
    if who == "patient":
        client.force_login(people.patient.user)
    elif who == "coordinator":
        client.force_login(people.coordinator)
    if url == "patient_page":
        url = f"/staff/patients/{people.patient.pk}/"

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('id="get-help-now"') == 1
    assert 'href="/help/" id="get-help-now"' in page


def test_a_file_without_the_fallback_country_is_refused(crisis_file):
    # Unknown countries fall back to the US list; a file without it could show nobody anything.
    data = _default()
    del data["countries"]["US"]
    path = crisis_file(data)

    with pytest.raises(ImproperlyConfigured, match="'US'"):
        load_directory(path)
