"""Invitation pages: coordinators add and invite, the patient accepts; others get 404."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tether.accounts.models import Patient
from tether.invitations import services
from tether.invitations.models import Invitation, NoticeAcceptance
from tether.invitations.tests.helpers import GOOD, latest_token, new_patient, path_of


def _add(client, people, **extra):
    data = {
        "first_name": "Robin",
        "last_name": "Hale",
        "date_of_birth": "1990-04-02",
        "preferred_language": "Spanish",
        "email": "robin@example.org",
        "mobile": "(202) 555-0143",
        "coordinator": str(people.coordinator.pk),
        "clinicians": [str(people.clinician.pk)],
        "send_now": "on",
        **extra,
    }
    return client.post("/staff/invitations/add-patient/", data)


def test_it_adds_and_invites_a_patient(client, people):
    client.force_login(people.coordinator)
    response = _add(client, people)
    assert response.status_code == 302
    patient = Patient.objects.get(first_name="Robin")
    assert patient.preferred_language == "Spanish" and patient.user is None
    assert {m.staff for m in patient.care_team.all()} == {people.coordinator, people.clinician}
    invitation = Invitation.objects.get(patient=patient)
    assert invitation.phone == "+12025550143"
    page = client.get("/staff/invitations/").content.decode()
    assert "Robin Hale" in page and "Sent" in page


def test_it_adds_a_patient_to_invite_later(client, people):
    client.force_login(people.admin)
    response = _add(client, people, send_now="", email="", mobile="")
    assert response.status_code == 302
    patient = Patient.objects.get(first_name="Robin")
    assert not Invitation.objects.exists()
    page = client.get("/staff/invitations/").content.decode()
    assert f"/staff/patients/{patient.pk}/invite/" in page
    response = client.post(f"/staff/patients/{patient.pk}/invite/", {"email": "r@example.org"})
    assert response.status_code == 302
    assert Invitation.objects.get(patient=patient).email == "r@example.org"


def test_a_bad_form_saves_nothing(client, people):
    client.force_login(people.coordinator)
    response = _add(client, people, email="", mobile="not a phone")
    assert response.status_code == 200
    assert "phone number" in response.content.decode()
    response = _add(client, people, email="", mobile="")
    assert "email address or a mobile number" in response.content.decode()
    response = _add(client, people, clinicians=[str(people.outside_clinician.pk)])
    assert response.status_code == 200
    assert not Patient.objects.filter(first_name="Robin").exists()


def test_the_patient_accepts_and_lands_on_first_run(client, people):
    patient = new_patient(people)
    services.invite_patient(patient=patient, by=people.coordinator, email="r@example.org")
    path = path_of(latest_token(patient))
    page = client.get(path)
    assert page.status_code == 200
    assert "Riverside Psychiatry" in page.content.decode()
    response = client.post(path, GOOD)
    assert response.status_code == 302 and response["Location"] == "/me/welcome/"
    first_run = client.get("/me/welcome/").content.decode()
    assert "/me/safety-plan/" in first_run and "/me/check-in/phq9/" in first_run
    assert people.coordinator.display_name in first_run
    assert NoticeAcceptance.objects.filter(patient=patient).exists()
    # Used: the link is dead now, for anyone.
    client.logout()
    dead = client.get(path)
    assert dead.status_code == 410
    assert "Riverside Psychiatry" in dead.content.decode()
    assert "crisis-resources" in dead.content.decode()


def test_the_notice_and_password_rules_are_asked_for(client, people):
    patient = new_patient(people)
    services.invite_patient(patient=patient, by=people.coordinator, email="r@example.org")
    path = path_of(latest_token(patient))
    weak = client.post(path, {**GOOD, "password1": "robin", "password2": "robin"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    unread = client.post(path, {**GOOD, "accepts_notice": ""})
    assert "accept the privacy notice" in unread.content.decode()
    taken = client.post(path, {**GOOD, "username": "patient"})
    assert "taken" in taken.content.decode()
    patient.refresh_from_db()
    assert patient.user is None and not NoticeAcceptance.objects.exists()


def test_an_expired_or_withdrawn_link_says_how_to_get_a_fresh_one(client, people):
    patient = new_patient(people)
    invitation = services.invite_patient(patient=patient, by=people.coordinator, email="r@x.org")
    path = path_of(latest_token(patient))
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        page = client.get(path)
        assert page.status_code == 410 and "Riverside Psychiatry" in page.content.decode()
    client.force_login(people.coordinator)
    client.post(f"/staff/invitations/{invitation.pk}/withdraw/")
    client.logout()
    assert client.get(path).status_code == 410
    assert client.get("/welcome/forged:token:x/").status_code == 410


def test_resend_from_the_list_kills_the_old_link(client, people):
    patient = new_patient(people)
    invitation = services.invite_patient(patient=patient, by=people.coordinator, email="r@x.org")
    old = path_of(latest_token(patient))
    client.force_login(people.admin)
    assert client.post(f"/staff/invitations/{invitation.pk}/resend/").status_code == 302
    new = path_of(latest_token(patient))
    client.logout()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


@pytest.mark.parametrize(
    "who", ["clinician", "peer", "other_coordinator", "outside_admin", "outside_coordinator"]
)
def test_others_get_404(client, people, who):
    patient = new_patient(people)
    invitation = services.invite_patient(patient=patient, by=people.coordinator, email="r@x.org")
    client.force_login(getattr(people, who))
    for url in (
        f"/staff/invitations/{invitation.pk}/resend/",
        f"/staff/invitations/{invitation.pk}/withdraw/",
    ):
        assert client.post(url).status_code == 404
    assert (
        client.post(f"/staff/patients/{patient.pk}/invite/", {"email": "a@b.org"}).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None and invitation.times_sent == 1
    if who in ("clinician", "peer"):
        assert client.get("/staff/invitations/").status_code == 404
    else:
        assert "Robin" not in client.get("/staff/invitations/").content.decode()


def test_patients_get_404_on_staff_pages(client, people):
    client.force_login(people.patient.user)
    assert client.get("/staff/invitations/").status_code == 404
    assert client.get("/staff/invitations/add-patient/").status_code == 404
