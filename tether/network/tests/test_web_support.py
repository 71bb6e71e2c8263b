"""The "My support" page and adding, changing and removing supports, for the patient and for
care staff working with them."""

import html

import pytest

from tether.network.models import SupportContact
from tether.network.services import add_support, save_safety_plan

MY_SUPPORT = "/me/support/"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _staff(people, path: str = "") -> str:
    return f"/staff/patients/{people.patient.pk}/support/{path}"


def _add(people, kind=SupportContact.Kind.TRUSTED_PERSON, name="Maria", **fields):
    return add_support(
        patient=people.patient, kind=kind, name=name, by=people.patient.user, **fields
    )


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


# --- The map --------------------------------------------------------------------------------


def test_it_draws_five_layers_in_order_with_empty_ones_said_in_words(patient_client):
    response = patient_client.get(MY_SUPPORT)

    assert response.status_code == 200
    page = _text(response)
    labels = ["Crisis support", "People I trust", "Peer community", "Professional care"]
    positions = [page.index(label) for label in [*labels, "Programs with a real person"]]
    assert positions == sorted(positions)
    # Four layers are empty; the coordinator and the clinician hold the professional one.
    assert page.count("No one here yet") == 4
    assert "Held by 2 supports" in page
    assert "1/5 layers" in page


def test_it_shows_the_plan_with_links_to_each_step(patient_client):
    page = _text(patient_client.get(MY_SUPPORT))

    assert "Write your safety plan" in page
    assert 'href="/me/safety-plan/edit/"' in page
    assert "Save a crisis line you would call" in page
    assert 'href="/me/support/add/crisis_resource/"' in page
    assert "Invite one person you trust to check in on you" in page
    assert 'href="/me/support/add/trusted_person/"' in page


def test_it_shows_states_and_single_points_of_a_fuller_map(people, patient_client):
    _add(people, name="Maria", relationship="family")
    _add(people, name="Lee", relationship="friend")
    _add(people, kind=SupportContact.Kind.PEER_GROUP, name="Tuesday group", state="lapsed")
    save_safety_plan(
        patient=people.patient,
        steps={"warning_signs": "Not sleeping"},
        written_by=people.patient.user,
    )

    page = _text(patient_client.get(MY_SUPPORT))

    assert page.count("Held by 2 supports") == 2  # trusted people, and the care team
    assert "Only one support here — if it's unavailable, this layer is empty" in page
    assert "No one active here right now" in page
    assert "Tuesday group" in page and "Lapsed" in page
    assert "Family" in page
    assert "3/5 layers, 1 single point" in page
    assert "Write your safety plan" not in page


def test_it_links_to_the_optional_mspss(patient_client):
    page = _text(patient_client.get(MY_SUPPORT))

    assert 'href="/me/check-in/mspss/"' in page


def test_it_keeps_what_the_patient_wants_help_with(people, patient_client):
    response = patient_client.post(
        "/me/support/help-wanted/", {"text": "Sleeping again, and seeing friends."}
    )

    assert response.status_code == 302
    people.patient.refresh_from_db()
    assert people.patient.help_wanted == "Sleeping again, and seeing friends."
    assert "Sleeping again, and seeing friends." in _text(patient_client.get(MY_SUPPORT))


def test_too_long_a_help_wanted_is_refused(people, patient_client):
    response = patient_client.post("/me/support/help-wanted/", {"text": "x" * 2001})

    assert response.status_code == 400
    assert "under 2,000 characters" in _text(response)
    people.patient.refresh_from_db()
    assert people.patient.help_wanted == ""


def test_care_staff_see_the_same_map(people, client):
    _add(people, name="Maria", relationship="family")
    for user in (people.coordinator, people.clinician, people.admin):
        client.force_login(user)
        for url in (_staff(people), f"/staff/patients/{people.patient.pk}/"):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            page = _text(response)
            assert "Support network" in page or "support network" in page
            assert "Maria" in page
            assert "No one here yet" in page
            assert "2/5 layers, 1 single point" in page


@pytest.mark.parametrize(
    "persona",
    ["other_coordinator", "other_clinician", "outside_admin", "outside_coordinator", "peer"],
)
def test_staff_off_the_care_team_get_not_found(people, client, persona):
    contact = _add(people)
    client.force_login(getattr(people, persona))

    for path in ("", "add/", "add/trusted_person/", f"{contact.pk}/edit/", f"{contact.pk}/remove/"):
        assert client.get(_staff(people, path)).status_code == 404, path
    response = client.post(_staff(people, "add/peer_group/"), {"name": "Group", "state": "active"})
    assert response.status_code == 404
    assert client.post(_staff(people, f"{contact.pk}/remove/")).status_code == 404
    assert SupportContact.objects.count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "peer", "admin"])
def test_only_patients_have_a_my_support_page(people, client, persona):
    client.force_login(getattr(people, persona))

    assert client.get(MY_SUPPORT).status_code == 404
    assert client.get("/me/support/add/trusted_person/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    contact = _add(people)
    for url in (
        MY_SUPPORT,
        "/me/support/add/",
        f"/me/support/{contact.pk}/edit/",
        _staff(people),
        _staff(people, f"{contact.pk}/edit/"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/")


def test_a_patient_cannot_reach_someone_elses_support(people, client):
    theirs = add_support(
        patient=people.other_patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Not yours",
        by=people.other_patient.user,
    )
    client.force_login(people.patient.user)

    for action in ("edit", "remove", "invite", "sharing"):
        assert client.get(f"/me/support/{theirs.pk}/{action}/").status_code == 404, action
    assert client.post(f"/me/support/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/me/support/{theirs.pk}/stop-sharing/").status_code == 404
    assert client.get(f"/staff/patients/{people.other_patient.pk}/support/").status_code == 404
    assert SupportContact.objects.filter(pk=theirs.pk).exists()


# --- Adding ---------------------------------------------------------------------------------


def test_it_offers_every_kind_of_support(patient_client):
    page = _text(patient_client.get("/me/support/add/"))

    for kind in SupportContact.Kind.values:
        assert f'href="/me/support/add/{kind}/"' in page


def test_an_unknown_kind_is_not_found(patient_client):
    assert patient_client.get("/me/support/add/astrologer/").status_code == 404


def test_a_patient_adds_a_trusted_person_and_is_offered_to_invite_them(people, patient_client):
    response = patient_client.post(
        "/me/support/add/trusted_person/",
        {
            "name": "Maria",
            "relationship": "family",
            "phone": "(202) 555-0143",
            "email": "maria@example.com",
            "details": "Evenings are best",
            "state": "active",
        },
    )

    contact = SupportContact.objects.get()
    assert response.status_code == 302
    assert response.url == f"/me/support/{contact.pk}/invite/"
    assert contact.patient == people.patient
    assert contact.kind == "trusted_person"
    assert contact.relationship == "family"
    assert contact.phone == "+12025550143"
    assert contact.email == "maria@example.com"
    assert contact.created_by == people.patient.user


def test_only_trusted_people_are_asked_their_relationship(patient_client):
    assert 'name="relationship"' in _text(patient_client.get("/me/support/add/trusted_person/"))
    assert 'name="relationship"' not in _text(patient_client.get("/me/support/add/peer_group/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "“12” "),
        ("email", "maria@", "“maria@” doesn't look like an email address."),
        ("name", "  ", "Please add a name."),
    ],
)
def test_bad_details_are_named_kept_and_nothing_is_saved(patient_client, field, value, message):
    data = {"name": "Maria", "phone": "", "email": "", "details": "Evenings", "state": "active"}
    data[field] = value

    response = patient_client.post("/me/support/add/trusted_person/", data)

    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Nothing has been saved yet" in page
    # What was typed is still there, so nothing needs typing again.
    assert "Evenings</textarea>" in page
    if value.strip():
        assert f'value="{value}"' in page
    assert SupportContact.objects.count() == 0


def test_several_problems_are_named_at_once(patient_client):
    response = patient_client.post(
        "/me/support/add/professional/",
        {"name": "", "phone": "12", "email": "nope", "state": "active"},
    )

    assert response.status_code == 400
    page = _text(response)
    assert "Please add a name." in page
    assert "doesn't look like an email address" in page
    assert "“12”" in page
    assert SupportContact.objects.count() == 0


def test_a_practice_crisis_line_can_be_saved_with_one_choice(people, patient_client):
    page = _text(patient_client.get("/me/support/add/crisis_resource/"))
    assert "988 Suicide & Crisis Lifeline" in page

    response = patient_client.post(
        "/me/support/add/crisis_resource/", {"source": "directory", "resource": "1"}
    )

    assert response.status_code == 302
    contact = SupportContact.objects.get()
    assert contact.kind == "crisis_resource"
    assert contact.name == "988 Suicide & Crisis Lifeline"
    assert "Call 988" in contact.details
    assert "Save a crisis line you would call" not in _text(patient_client.get(MY_SUPPORT))


def test_a_crisis_line_can_be_typed_in(patient_client):
    response = patient_client.post(
        "/me/support/add/crisis_resource/",
        {
            "source": "typed",
            "name": "County crisis team",
            "phone": "+1 202 555 0188",
            "state": "active",
        },
    )

    assert response.status_code == 302
    contact = SupportContact.objects.get()
    assert (contact.name, contact.phone) == ("County crisis team", "+12025550188")


def test_not_choosing_a_crisis_line_says_so(patient_client):
    response = patient_client.post("/me/support/add/crisis_resource/", {"source": "directory"})

    assert response.status_code == 400
    assert "Please choose one of the lines." in _text(response)
    assert SupportContact.objects.count() == 0


def test_care_staff_add_a_support_with_the_patient(people, client):
    client.force_login(people.coordinator)

    response = client.post(
        _staff(people, "add/peer_group/"), {"name": "Thursday walking group", "state": "active"}
    )

    assert response.status_code == 302
    assert response.url == _staff(people)
    contact = SupportContact.objects.get()
    assert contact.patient == people.patient
    assert contact.created_by == people.coordinator


def test_care_staff_see_the_same_messages_for_bad_details(people, client):
    client.force_login(people.clinician)

    response = client.post(
        _staff(people, "add/trusted_person/"), {"name": "Maria", "phone": "12", "state": "active"}
    )

    assert response.status_code == 400
    assert "“12”" in _text(response)
    assert SupportContact.objects.count() == 0


# --- Changing and removing ------------------------------------------------------------------


def test_a_patient_changes_a_support(people, patient_client):
    contact = _add(people, phone="+12025550143")
    form = _text(patient_client.get(f"/me/support/{contact.pk}/edit/"))
    assert 'value="Maria"' in form and 'value="+12025550143"' in form

    response = patient_client.post(
        f"/me/support/{contact.pk}/edit/",
        {"name": "Maria G.", "relationship": "friend", "phone": "", "email": "", "state": "lapsed"},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.relationship, contact.phone, contact.state) == (
        "Maria G.",
        "friend",
        "",
        "lapsed",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "“12”"),
        ("email", "maria@", "doesn't look like an email address"),
        ("name", "", "Please add a name."),
    ],
)
def test_a_bad_change_is_named_and_nothing_is_saved(people, patient_client, field, value, message):
    contact = _add(people, phone="+12025550143", email="maria@example.com")
    data = {"name": "Maria", "phone": "+12025550143", "email": "maria@example.com"}
    data |= {"state": "active", field: value}

    response = patient_client.post(f"/me/support/{contact.pk}/edit/", data)

    assert response.status_code == 400
    assert message in _text(response)
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.email) == (
        "Maria",
        "+12025550143",
        "maria@example.com",
    )


def test_a_patient_removes_a_support_after_confirming(people, patient_client):
    contact = _add(people)

    confirm = patient_client.get(f"/me/support/{contact.pk}/remove/")
    assert confirm.status_code == 200
    assert "Take Maria off your map?" in _text(confirm)
    assert SupportContact.objects.count() == 1

    response = patient_client.post(f"/me/support/{contact.pk}/remove/")

    assert response.status_code == 302
    assert SupportContact.objects.count() == 0


def test_care_staff_change_and_remove_a_support(people, client):
    contact = _add(people)
    client.force_login(people.admin)

    response = client.post(
        _staff(people, f"{contact.pk}/edit/"), {"name": "Maria", "state": "declined"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.state == "declined"

    assert client.post(_staff(people, f"{contact.pk}/remove/")).status_code == 302
    assert SupportContact.objects.count() == 0


def test_a_support_of_another_patient_is_not_found_through_this_patients_staff_url(people, client):
    theirs = add_support(
        patient=people.other_patient, kind="peer_group", name="Group", by=people.admin
    )
    client.force_login(people.admin)

    assert client.get(_staff(people, f"{theirs.pk}/edit/")).status_code == 404
    assert client.post(_staff(people, f"{theirs.pk}/remove/")).status_code == 404
    assert SupportContact.objects.filter(pk=theirs.pk).exists()
