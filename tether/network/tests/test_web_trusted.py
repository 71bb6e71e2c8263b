"""Inviting a trusted person from "My support", changing what is shared, and stopping."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tether.network.models import Consent, ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    invite_trusted_person,
    record_trusted_check_in,
    withdraw_consent,
)
from tether.notifications.models import Delivery

NUDGE = ConsentScope.NUDGE_CHECK_IN
MISSED = ConsentScope.MISSED_SESSION
PLAN = ConsentScope.SEE_SAFETY_PLAN


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _active(contact) -> set[str]:
    return set(
        Consent.objects.filter(contact=contact, withdrawn_at__isnull=True).values_list(
            "scope", flat=True
        )
    )


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


@pytest.fixture
def maria(people):
    return add_support(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        relationship="family",
        email="maria@example.com",
        by=people.patient.user,
    )


def _invite(people, contact, scopes=(NUDGE, PLAN)):
    return invite_trusted_person(
        contact=contact, scopes=scopes, check_in_every_days=7, by=people.patient.user
    )


def test_a_not_yet_invited_person_has_an_invite_button(maria, patient_client):
    page = _text(patient_client.get("/me/support/"))

    assert f'href="/me/support/{maria.pk}/invite/"' in page
    assert "Not invited" in page
    assert "Nothing right now" in page


def test_the_invitation_form_offers_every_scope_in_plain_words_and_the_schedules(
    maria, patient_client
):
    page = _text(patient_client.get(f"/me/support/{maria.pk}/invite/"))

    for _, label in ConsentScope.choices:
        assert label in page
    for label in ("Every week", "Every two weeks", "Every four weeks"):
        assert label in page
    assert "never see your questionnaire answers or scores" in page


def test_inviting_grants_the_chosen_scopes_at_once_and_emails_them(maria, patient_client):
    response = patient_client.post(
        f"/me/support/{maria.pk}/invite/",
        {"scopes": [NUDGE, MISSED], "check_in_every_days": "14"},
    )

    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.invitation == SupportContact.Invitation.INVITED
    assert maria.check_in_every_days == 14
    assert _active(maria) == {NUDGE, MISSED}
    (delivery,) = Delivery.objects.filter(purpose="trusted-invitation")
    assert delivery.to == "maria@example.com"
    page = _text(patient_client.get("/me/support/"))
    assert "Invited" in page
    assert "<li>Remind them to check in with me</li><li>Tell them if I miss a session</li>" in page


def test_inviting_with_nothing_to_share_is_refused(maria, patient_client):
    response = patient_client.post(f"/me/support/{maria.pk}/invite/", {"check_in_every_days": "7"})

    assert response.status_code == 400
    assert "Choose at least one thing to share" in _text(response)
    maria.refresh_from_db()
    assert maria.invitation == SupportContact.Invitation.NOT_INVITED
    assert not Consent.objects.exists()
    assert not Delivery.objects.exists()


def test_someone_with_no_email_or_phone_cannot_be_invited_yet(people, patient_client):
    contact = add_support(
        patient=people.patient, kind="trusted_person", name="Lee", by=people.patient.user
    )

    response = patient_client.post(
        f"/me/support/{contact.pk}/invite/", {"scopes": [NUDGE], "check_in_every_days": "7"}
    )

    assert response.status_code == 400
    assert "Add an email address (or a phone number)" in _text(response)
    assert not Consent.objects.exists()


def test_the_patient_can_copy_the_invitation_link_to_send_it_themself(
    people, maria, patient_client, client
):
    _invite(people, maria)

    page = _text(patient_client.get("/me/support/"))

    assert "copy it to send it yourself" in page
    link = page.split(f'id="invite-link-{maria.pk}" type="text" readonly value="')[1].split('"')[0]
    assert "/trusted/invitation/" in link
    client.logout()
    # The trusted person opens it without signing in.
    assert client.get(urlsplit(link).path).status_code == 200


def test_changing_what_is_shared_applies_at_once(people, maria, patient_client):
    _invite(people, maria, scopes=(NUDGE, PLAN))
    form = _text(patient_client.get(f"/me/support/{maria.pk}/sharing/"))
    assert f'value="{NUDGE}"' in form

    response = patient_client.post(
        f"/me/support/{maria.pk}/sharing/", {"scopes": [MISSED], "check_in_every_days": "28"}
    )

    assert response.status_code == 302
    assert _active(maria) == {MISSED}
    withdrawn = Consent.objects.filter(contact=maria, withdrawn_at__isnull=False)
    assert set(withdrawn.values_list("scope", flat=True)) == {NUDGE, PLAN}
    assert {c.withdrawn_by for c in withdrawn} == {people.patient.user}
    maria.refresh_from_db()
    assert maria.check_in_every_days == 28


def test_stop_sharing_withdraws_everything_and_retires_their_links(people, maria, patient_client):
    _invite(people, maria)
    version = maria.link_version
    page = _text(patient_client.get("/me/support/"))
    assert f'action="/me/support/{maria.pk}/stop-sharing/"' in page

    response = patient_client.post(f"/me/support/{maria.pk}/stop-sharing/")

    assert response.status_code == 302
    assert _active(maria) == set()
    maria.refresh_from_db()
    assert maria.link_version == version + 1
    page = _text(patient_client.get("/me/support/"))
    assert "Nothing right now" in page
    assert "stop-sharing" not in page


def test_stop_sharing_is_a_post(people, maria, patient_client):
    _invite(people, maria)

    assert patient_client.get(f"/me/support/{maria.pk}/stop-sharing/").status_code == 405
    assert _active(maria) == {NUDGE, PLAN}


def test_sharing_for_someone_not_invited_leads_to_the_invitation(maria, patient_client):
    response = patient_client.get(f"/me/support/{maria.pk}/sharing/")

    assert response.status_code == 302
    assert response.url == f"/me/support/{maria.pk}/invite/"


def test_only_trusted_people_can_be_invited(people, patient_client):
    group = add_support(
        patient=people.patient, kind="peer_group", name="Group", by=people.patient.user
    )

    assert patient_client.get(f"/me/support/{group.pk}/invite/").status_code == 404
    assert patient_client.post(f"/me/support/{group.pk}/stop-sharing/").status_code == 404


def test_it_shows_each_trusted_persons_last_check_in(people, maria, patient_client):
    _invite(people, maria)
    record_trusted_check_in(contact=maria, at=timezone.now() - timedelta(days=3))

    page = _text(patient_client.get("/me/support/"))

    expected = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%-d %B %Y")
    assert "Last check-in" in page
    assert expected in page


def test_a_withdrawn_person_can_be_shared_with_again(people, maria, patient_client):
    _invite(people, maria)
    withdraw_consent(contact=maria, by=people.patient.user)

    response = patient_client.post(
        f"/me/support/{maria.pk}/sharing/", {"scopes": [NUDGE], "check_in_every_days": "7"}
    )

    assert response.status_code == 302
    assert _active(maria) == {NUDGE}


def test_staff_see_the_invitation_status_but_sharing_stays_the_patients_choice(
    people, maria, client
):
    _invite(people, maria)
    client.force_login(people.coordinator)

    page = _text(client.get(f"/staff/patients/{people.patient.pk}/support/"))

    assert "Invited" in page
    assert "Let them see my safety plan" in page
    assert "stop-sharing" not in page
    assert "/trusted/invitation/" not in page
    for action in ("invite", "sharing"):
        assert client.get(f"/me/support/{maria.pk}/{action}/").status_code == 404
    assert client.post(f"/me/support/{maria.pk}/stop-sharing/").status_code == 404
    assert _active(maria) == {NUDGE, PLAN}


def test_a_patient_cannot_change_what_someone_else_shares(people, client):
    theirs = add_support(
        patient=people.other_patient,
        kind="trusted_person",
        name="Kim",
        email="kim@example.com",
        by=people.other_patient.user,
    )
    invite_trusted_person(contact=theirs, scopes=[NUDGE], by=people.other_patient.user)
    client.force_login(people.patient.user)

    response = client.post(
        f"/me/support/{theirs.pk}/sharing/", {"scopes": [], "check_in_every_days": "7"}
    )

    assert response.status_code == 404
    assert client.post(f"/me/support/{theirs.pk}/stop-sharing/").status_code == 404
    assert _active(theirs) == {NUDGE}
