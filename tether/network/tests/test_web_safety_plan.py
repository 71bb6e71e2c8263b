"""The safety plan's pages: reading, writing (alone or with a clinician), every version,
the one-page print and the wallet card."""

import html

import pytest

from tether.crisis.resources import resources_for
from tether.network.models import SafetyPlan
from tether.network.services import add_support, save_safety_plan
from tether.network.steps import MAX_ENTRY_LENGTH, SAFETY_PLAN_STEPS

PLAN = "/me/safety-plan/"
EDIT = "/me/safety-plan/edit/"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _staff(people, path: str = "") -> str:
    return f"/staff/patients/{people.patient.pk}/safety-plan/{path}"


def _save(people, by=None, **steps):
    steps = steps or {"warning_signs": ["Not sleeping", "Skipping meals"]}
    return save_safety_plan(
        patient=people.patient, steps=steps, written_by=by or people.patient.user
    )


def _form(**steps) -> dict[str, str]:
    return {step.field: steps.get(step.field, "") for step in SAFETY_PLAN_STEPS}


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


def test_without_a_plan_it_invites_the_patient_to_write_one_and_shows_the_crisis_lines(
    patient_client,
):
    page = _text(patient_client.get(PLAN))

    assert "Write my safety plan" in page
    assert "988 Suicide & Crisis Lifeline" in page


def test_the_edit_page_has_a_labelled_box_for_every_step(patient_client):
    page = _text(patient_client.get(EDIT))

    for step in SAFETY_PLAN_STEPS:
        assert f'<label for="id_{step.field}">' in page
        assert step.title in page
        assert f'name="{step.field}"' in page


def test_saving_writes_a_version_with_one_entry_per_line(people, patient_client):
    response = patient_client.post(
        EDIT,
        _form(warning_signs="Not sleeping\n\n  Skipping meals  \n", reasons_for_living="My dog"),
    )

    assert response.status_code == 302
    assert response.url == PLAN
    plan = SafetyPlan.objects.get()
    assert plan.version == 1
    assert plan.warning_signs == ["Not sleeping", "Skipping meals"]
    assert plan.reasons_for_living == ["My dog"]
    assert plan.written_by == people.patient.user
    assert plan.with_clinician is None
    page = _text(patient_client.get(PLAN))
    assert "Not sleeping" in page and "My dog" in page
    assert "by you" in page


def test_the_form_holds_the_current_version(people, patient_client):
    _save(people)

    page = _text(patient_client.get(EDIT))

    assert "Not sleeping\nSkipping meals</textarea>" in page


def test_saving_again_keeps_the_earlier_version(people, patient_client):
    _save(people)

    patient_client.post(EDIT, _form(warning_signs="Pulling away from people"))

    assert list(SafetyPlan.objects.values_list("version", flat=True)) == [2, 1]
    first = SafetyPlan.objects.get(version=1)
    assert first.warning_signs == ["Not sleeping", "Skipping meals"]
    current = _text(patient_client.get(PLAN))
    assert "Pulling away from people" in current
    assert "Skipping meals" not in current


def test_an_empty_plan_is_refused_and_nothing_saved(patient_client):
    response = patient_client.post(EDIT, _form())

    assert response.status_code == 400
    assert "Write at least one thing" in _text(response)
    assert not SafetyPlan.objects.exists()


def test_an_overlong_entry_is_named_kept_and_nothing_saved(people, patient_client):
    _save(people)
    long_line = "x" * (MAX_ENTRY_LENGTH + 1)

    response = patient_client.post(EDIT, _form(warning_signs="Tired", coping_on_my_own=long_line))

    assert response.status_code == 400
    page = _text(response)
    assert "longer than 300 characters" in page
    assert long_line in page
    assert SafetyPlan.objects.count() == 1


def test_step_5_shows_the_patients_entries_and_the_practices_crisis_lines(people, patient_client):
    _save(people, professionals=["Dr. Chen, Riverside"])

    page = _text(patient_client.get(PLAN))

    step5 = page.split('id="step-professionals"')[1].split('id="step-safer_surroundings"')[0]
    assert "Dr. Chen, Riverside" in step5
    for resource in resources_for(country="US", practice_slug="riverside"):
        if resource.is_crisis_line:
            assert resource.name in step5
    assert 'href="tel:988"' in step5
    assert 'href="sms:988"' in step5


def test_step_5_follows_the_practices_country(people, patient_client):
    people.practice.country = "GB"
    people.practice.save(update_fields=["country"])
    _save(people)

    page = _text(patient_client.get(PLAN))

    gb = [r for r in resources_for(country="GB") if r.is_crisis_line]
    assert gb and all(r.name in page for r in gb)
    assert "988 Suicide & Crisis Lifeline" not in page


def test_the_history_lists_every_version_and_each_can_be_read(people, patient_client, client):
    _save(people)
    _save(people, by=people.clinician, warning_signs=["Staying in bed"])

    page = _text(patient_client.get("/me/safety-plan/history/"))

    assert "Version 2" in page and "Version 1" in page
    assert "by you" in page
    assert "by " + people.clinician.display_name in page
    old = _text(patient_client.get("/me/safety-plan/history/1/"))
    assert "earlier version" in old
    assert "Skipping meals" in old and "Staying in bed" not in old
    assert patient_client.get("/me/safety-plan/history/9/").status_code == 404


def test_a_clinician_writes_it_together_with_the_patient(people, client):
    client.force_login(people.clinician)
    assert client.get(_staff(people, "edit/")).status_code == 200

    response = client.post(_staff(people, "edit/"), _form(warning_signs="Not sleeping"))

    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.written_by == people.clinician
    assert plan.with_clinician == people.clinician
    page = _text(client.get(_staff(people)))
    assert f"by {people.clinician.display_name}, together with Alex" in page


def test_a_coordinator_helps_write_it_without_being_recorded_as_the_clinician(people, client):
    client.force_login(people.coordinator)

    client.post(_staff(people, "edit/"), _form(warning_signs="Not sleeping"))

    plan = SafetyPlan.objects.get()
    assert plan.written_by == people.coordinator
    assert plan.with_clinician is None


def test_staff_see_the_plans_status_on_the_patient_page(people, client):
    client.force_login(people.coordinator)
    page = _text(client.get(f"/staff/patients/{people.patient.pk}/"))
    assert "No safety plan yet." in page

    _save(people)

    page = _text(client.get(f"/staff/patients/{people.patient.pk}/"))
    assert "Version 1, saved" in page
    assert f'href="/staff/patients/{people.patient.pk}/safety-plan/"' in page


def test_staff_read_every_page_of_the_plan(people, client):
    _save(people)
    client.force_login(people.admin)

    for path in ("", "edit/", "history/", "history/1/", "print/", "card/"):
        response = client.get(_staff(people, path))
        assert response.status_code == 200, path
        assert "Not sleeping" in _text(response) or path == "history/"


@pytest.mark.parametrize(
    "persona",
    ["other_coordinator", "other_clinician", "outside_admin", "outside_clinician", "peer"],
)
def test_staff_off_the_care_team_get_not_found(people, client, persona):
    _save(people)
    client.force_login(getattr(people, persona))

    for path in ("", "edit/", "history/", "history/1/", "print/", "card/"):
        assert client.get(_staff(people, path)).status_code == 404, path
    response = client.post(_staff(people, "edit/"), _form(warning_signs="Hijacked"))
    assert response.status_code == 404
    assert SafetyPlan.objects.count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "peer"])
def test_only_the_patient_has_me_pages(people, client, persona):
    client.force_login(getattr(people, persona))

    for path in ("", "edit/", "history/", "print/", "card/"):
        assert client.get(f"/me/safety-plan/{path}").status_code == 404, path


def test_a_patient_sees_only_their_own_plan(people, client):
    _save(people, warning_signs=["Alex's own sign"])
    client.force_login(people.other_patient.user)

    assert "Alex's own sign" not in _text(client.get(PLAN))
    assert client.get("/me/safety-plan/history/1/").status_code == 404
    assert client.get(_staff(people)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(people, client):
    for url in (PLAN, EDIT, "/me/safety-plan/card/", _staff(people, "edit/")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/")


def test_the_print_page_holds_the_whole_plan_on_one_page(people, patient_client):
    _save(
        people,
        warning_signs=["Not sleeping"],
        coping_on_my_own=["A walk"],
        people_to_ask=["Maria (sister) 202-555-0143"],
        reasons_for_living=["My dog"],
    )

    page = _text(patient_client.get("/me/safety-plan/print/"))

    for text in ("Not sleeping", "A walk", "Maria (sister) 202-555-0143", "My dog"):
        assert text in page
    assert "988 Suicide & Crisis Lifeline" in page
    assert 'class="print-plan"' in page
    assert "one sheet" in page


def test_the_wallet_card_has_warning_signs_coping_people_and_crisis_lines(people, patient_client):
    _save(
        people,
        warning_signs=["Not sleeping"],
        coping_on_my_own=["A walk"],
        people_to_ask=["Maria (sister) 202-555-0143"],
    )

    page = _text(patient_client.get("/me/safety-plan/card/"))

    assert "Print this page, cut along the lines, fold" in page
    assert page.count('class="card-panel') == 6
    for text in ("Not sleeping", "A walk", "Maria (sister) 202-555-0143", "Call 988"):
        assert text in page
    assert "Crisis lines" in page


def test_the_card_points_to_the_full_plan_when_a_step_is_long(people, patient_client):
    _save(people, warning_signs=[f"Sign {n}" for n in range(1, 9)])

    page = _text(patient_client.get("/me/safety-plan/card/"))

    assert "Sign 5" in page and "Sign 6" not in page
    assert "+3 more in my full plan" in page


def test_the_get_help_page_links_to_the_patients_safety_plan(patient_client, client):
    page = _text(patient_client.get("/help/"))
    assert 'href="/me/safety-plan/"' in page
    assert page.index('href="/me/safety-plan/"') < page.index("Tell your care team")

    client.logout()
    assert 'href="/me/safety-plan/"' not in _text(client.get("/help/"))


def test_patients_have_a_my_support_link_in_the_menu(patient_client):
    page = _text(patient_client.get("/me/"))

    assert '<a href="/me/support/">My support</a>' in page


def test_the_card_gives_numbers_for_trusted_people_on_the_map(people, patient_client):
    _save(people, people_to_ask=["My sister"])
    add_support(
        patient=people.patient,
        kind="trusted_person",
        name="Maria",
        phone="+12025550143",
        by=people.patient.user,
    )
    add_support(
        patient=people.patient,
        kind="trusted_person",
        name="Lapsed Lou",
        phone="+12025550188",
        state="lapsed",
        by=people.patient.user,
    )

    page = _text(patient_client.get("/me/safety-plan/card/"))

    assert 'Maria: <a href="tel:+12025550143">(202) 555-0143</a>' in page
    assert "Lapsed Lou" not in page


def test_the_wallet_card_keeps_the_patients_own_step_5_contacts(people, patient_client):
    _save(
        people,
        professionals=["Dr. Okafor (therapist) 202-555-0188", "My GP, Dr. Lee"],
    )

    page = _text(patient_client.get("/me/safety-plan/card/"))

    assert "Dr. Okafor (therapist) 202-555-0188" in page
    assert "My GP, Dr. Lee" in page
    # The practice's crisis lines stay too, after the patient's own contacts.
    assert page.index("My GP, Dr. Lee") < page.index("Crisis lines — free, any time:")
    assert "988" in page[page.index("Crisis lines — free, any time:") :]
