"""A trusted person's check-in note is screened: crisis words thank them, say the care team
will see the note, and show the crisis lines first; an alert quotes the note to the team."""

from urllib.parse import urlsplit

from tether.access.links import Purpose
from tether.crisis.models import RiskAlert, ScreenedText
from tether.network.models import ConsentScope, SupportContact, TrustedCheckIn
from tether.network.services import (
    add_support,
    invite_trusted_person,
    respond_to_invitation,
    trusted_link,
)

CRISIS_TEXT = "She told me she is saving up her pills and will take them all this weekend"
SELF_TEXT = "saving up my pills, plan to take them all this weekend"
ORDINARY = "We had coffee and a walk. She seemed brighter."


def _path(people) -> str:
    patient = people.patient
    contact = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        relationship=SupportContact.Relationship.FAMILY,
        email="maria@example.org",
        by=patient.user,
    )
    contact = invite_trusted_person(
        contact=contact,
        scopes=[ConsentScope.NUDGE_CHECK_IN],
        by=patient.user,
        check_in_every_days=7,
    )
    contact = respond_to_invitation(contact=contact, accept=True)
    return urlsplit(trusted_link(contact, Purpose.CHECK_IN)).path


def test_a_worrying_note_shows_the_crisis_lines_and_tells_them_who_will_see_it(client, people):
    response = client.post(_path(people), {"note": SELF_TEXT})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="crisis-resources"') < page.index("<h1")  # the lines first
    assert "Thank you for checking in with Alex" in page
    assert "care team at Riverside Psychiatry will see it" in page
    assert "has been alerted" not in page
    assert TrustedCheckIn.objects.get().note == SELF_TEXT  # nothing lost
    alert = RiskAlert.objects.get(patient=people.patient)
    assert alert.raised_by is None and "by Maria" in alert.detail and SELF_TEXT in alert.detail
    screened = ScreenedText.objects.get()
    assert (screened.route, screened.written_by_name) == (ScreenedText.Route.TRUSTED_NOTE, "Maria")


def test_an_ordinary_note_gets_the_ordinary_thanks(client, people):
    response = client.post(_path(people), {"note": ORDINARY}, follow=True)

    assert "Small, regular contact makes a real difference" in response.content.decode()
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


def test_no_note_raises_nothing(client, people):
    client.post(_path(people), {"note": ""})
    assert TrustedCheckIn.objects.count() == 1
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


def test_a_note_about_the_patient_in_the_third_person_raises_an_alert(client, people):
    client.post(_path(people), {"note": CRISIS_TEXT})
    assert RiskAlert.objects.filter(patient=people.patient).count() == 1


def test_a_note_about_the_patient_in_the_third_person_is_at_least_put_before_staff(client, people):
    client.post(_path(people), {"note": CRISIS_TEXT})
    screened = ScreenedText.objects.get()
    assert screened.route == ScreenedText.Route.TRUSTED_NOTE and screened.text == CRISIS_TEXT
