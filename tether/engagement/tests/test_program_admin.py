"""The practice admin's program pages: add, change and archive a program (never delete: the
enrollments keep it); everyone but the admin of the program's practice gets a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from tether.accounts.models import Patient
from tether.engagement.models import Enrollment, Program
from tether.engagement.schedule import Invalid
from tether.engagement.services import create_program, enroll_patient
from tether.engagement.services.program_admin import archive_program, save_program

PERSONAS = ["patient", "coordinator", "clinician", "peer", "admin", "outside_admin"]


@pytest.fixture
def program(people) -> Program:
    return create_program(practice=people.practice, name="8-week guided CBT for depression")


def _client(people, persona) -> Client:
    found = getattr(people, persona)
    client = Client()
    client.force_login(found.user if isinstance(found, Patient) else found)
    return client


def test_the_admin_adds_a_program(client, people):
    client.force_login(people.admin)
    assert "Add a program" in client.get(reverse("program_list")).content.decode()

    response = client.post(
        reverse("program_new"),
        {"name": "  Sleep   well ", "description": "Six weeks of better sleep.", "guided": ""},
    )

    assert response.status_code == 302 and response.url == reverse("program_list")
    program = Program.objects.get(practice=people.practice, name="Sleep well")
    assert program.description == "Six weeks of better sleep."
    assert not program.guided and program.active
    assert "Sleep well" in client.get(reverse("program_list")).content.decode()


def test_the_admin_changes_a_program(client, people, program):
    client.force_login(people.admin)
    url = reverse("program_edit", args=[program.pk])
    assert "8-week guided CBT for depression" in client.get(url).content.decode()

    response = client.post(url, {"name": "Guided CBT", "description": "Eight weeks."})

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.description, program.guided) == (
        "Guided CBT",
        "Eight weeks.",
        False,
    )


def test_a_missing_or_taken_name_is_a_form_error_and_nothing_is_saved(client, people, program):
    client.force_login(people.admin)

    empty = client.post(reverse("program_new"), {"name": " ", "description": "x"})
    taken = client.post(reverse("program_new"), {"name": "8-WEEK guided CBT for depression"})

    assert empty.status_code == 400 and "Give the program a name." in empty.content.decode()
    assert taken.status_code == 400
    assert "already has a program called" in taken.content.decode()
    assert Program.objects.filter(practice=people.practice).count() == 1


def test_the_same_name_in_another_practice_is_fine(people, program):
    other = save_program(practice=people.outside_practice, name=program.name)
    assert other.practice == people.outside_practice


def test_archiving_keeps_enrollments_and_stops_new_ones(client, people, program):
    enrollment = enroll_patient(patient=people.patient, program=program, by=people.coordinator)
    client.force_login(people.admin)

    response = client.post(reverse("program_archive", args=[program.pk]))

    assert response.status_code == 302
    program.refresh_from_db()
    assert not program.active
    enrollment.refresh_from_db()
    assert enrollment.program == program
    assert enrollment.status == Enrollment.Status.AWAITING_INTAKE
    with pytest.raises(Invalid):
        enroll_patient(patient=people.other_patient, program=program, by=people.coordinator)
    page = client.get(reverse("program_list")).content.decode()
    assert "Archived" in page and "1 patient in it now" in page
    with pytest.raises(Invalid, match="archived"):
        save_program(practice=people.practice, name="Renamed", program=program)
    assert archive_program(program=program).active is False  # twice changes nothing


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_practice_admin_manages_programs(people, program, persona):
    client = _client(people, persona)

    listed = client.get(reverse("program_list"))
    added = client.post(reverse("program_new"), {"name": "Sleep well"})
    changed = client.post(reverse("program_edit", args=[program.pk]), {"name": "Renamed"})
    archived = client.post(reverse("program_archive", args=[program.pk]))

    program.refresh_from_db()
    if persona == "admin":
        assert listed.status_code == 200
        assert {added.status_code, changed.status_code, archived.status_code} == {302}
        assert program.name == "Renamed" and not program.active
    else:
        codes = {added.status_code, changed.status_code, archived.status_code}
        if persona == "outside_admin":
            assert listed.status_code == 200 and program.name not in listed.content.decode()
            assert changed.status_code == 404 and archived.status_code == 404
        else:
            assert listed.status_code == 404 and codes == {404}
        assert program.name == "8-week guided CBT for depression" and program.active
        assert not Program.objects.filter(practice=people.practice, name="Sleep well").exists()
