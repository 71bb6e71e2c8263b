"""The trusted person's journey through their links: read the invitation, say yes or no,
check in, read the safety plan."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tether.access.links import Purpose
from tether.network.models import ConsentScope, SupportContact, TrustedCheckIn
from tether.network.services import (
    add_support,
    invite_trusted_person,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    trusted_link,
)

ALL_SCOPES = tuple(ConsentScope.values)


def _invite(people, scopes, *, every=7, accept=False) -> SupportContact:
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
        contact=contact, scopes=scopes, by=patient.user, check_in_every_days=every
    )
    if accept:
        contact = respond_to_invitation(contact=contact, accept=True)
    return contact


def _path(contact: SupportContact, purpose: str) -> str:
    return urlsplit(trusted_link(contact, purpose)).path


# --- The invitation ---------------------------------------------------------------------------


def test_it_says_who_invited_them_and_lists_only_what_is_shared(client, people):
    contact = _invite(people, [ConsentScope.SEE_SAFETY_PLAN])

    response = client.get(_path(contact, Purpose.INVITATION))

    page = response.content.decode()
    assert "Alex Rivera" in page
    assert "Riverside Psychiatry" in page
    assert "Alex&#x27;s safety plan" in page
    assert "Reminders to check in" not in page
    assert "misses a session" not in page
    assert "never see how Alex answered any health questionnaire" in page
    assert 'value="accept"' in page
    assert 'value="decline"' in page


def test_accepting_makes_them_active_and_schedules_the_first_nudge(client, people):
    contact = _invite(people, ALL_SCOPES, every=14)
    before = timezone.now()

    response = client.post(_path(contact, Purpose.INVITATION), {"answer": "accept"})

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.ACCEPTED
    assert contact.state == SupportContact.State.ACTIVE
    assert before + timedelta(days=14) <= contact.next_nudge_at
    assert contact.next_nudge_at <= timezone.now() + timedelta(days=14)


def test_accepting_without_nudge_consent_schedules_no_nudge(client, people):
    contact = _invite(people, [ConsentScope.SEE_SAFETY_PLAN], every=7)

    client.post(_path(contact, Purpose.INVITATION), {"answer": "accept"})

    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.ACCEPTED
    assert contact.next_nudge_at is None


def test_accepting_without_a_schedule_schedules_no_nudge(client, people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], every=None)

    client.post(_path(contact, Purpose.INVITATION), {"answer": "accept"})

    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.ACCEPTED
    assert contact.next_nudge_at is None


def test_after_accepting_they_see_links_for_what_they_may_do(client, people):
    contact = _invite(people, ALL_SCOPES)

    response = client.post(_path(contact, Purpose.INVITATION), {"answer": "accept"}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "/trusted/check-in/" in page
    assert "/trusted/safety-plan/" in page
    # The links on the page are fresh and work.
    check_in = page.split('id="check-in-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(urlsplit(check_in).path).status_code == 200


@pytest.mark.parametrize(
    ("scope", "shown", "hidden"),
    [
        (ConsentScope.NUDGE_CHECK_IN, "/trusted/check-in/", "/trusted/safety-plan/"),
        (ConsentScope.SEE_SAFETY_PLAN, "/trusted/safety-plan/", "/trusted/check-in/"),
    ],
)
def test_after_accepting_they_see_only_the_links_consent_allows(
    client, people, scope, shown, hidden
):
    contact = _invite(people, [scope])

    response = client.post(_path(contact, Purpose.INVITATION), {"answer": "accept"}, follow=True)

    page = response.content.decode()
    assert shown in page
    assert hidden not in page


def test_declining_withdraws_every_consent_and_says_thank_you(client, people):
    contact = _invite(people, ALL_SCOPES)

    response = client.post(_path(contact, Purpose.INVITATION), {"answer": "decline"})

    assert response.status_code == 200
    assert "Thank you for letting us know" in response.content.decode()
    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.DECLINED
    assert contact.state == SupportContact.State.DECLINED
    assert contact.next_nudge_at is None
    assert not contact.consents.filter(withdrawn_at__isnull=True).exists()
    assert contact.consents.count() == len(ALL_SCOPES)  # history is kept


def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(client, people):
    contact = _invite(people, ALL_SCOPES)

    response = client.post(_path(contact, Purpose.INVITATION), {"answer": "maybe"})

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.INVITED


# --- Checking in ------------------------------------------------------------------------------


def test_checking_in_records_it_and_says_thank_you(client, people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], accept=True)
    path = _path(contact, Purpose.CHECK_IN)
    assert "I checked in with Alex" in client.get(path).content.decode()
    before = timezone.now()

    response = client.post(path, {"note": "  We had coffee  "}, follow=True)

    assert response.status_code == 200
    assert "Thank you for checking in with Alex" in response.content.decode()
    check_in = TrustedCheckIn.objects.get(contact=contact)
    assert check_in.note == "We had coffee"
    assert check_in.at >= before
    contact.refresh_from_db()
    assert contact.last_checked_in_at == check_in.at


def test_checking_in_without_a_note_is_fine(client, people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], accept=True)

    client.post(_path(contact, Purpose.CHECK_IN), {})

    assert TrustedCheckIn.objects.get(contact=contact).note == ""


def test_a_note_that_is_too_long_is_refused_and_nothing_is_recorded(client, people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], accept=True)

    response = client.post(_path(contact, Purpose.CHECK_IN), {"note": "x" * 501})

    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
    assert not TrustedCheckIn.objects.exists()


def test_checking_in_brings_a_lapsed_person_back_to_active(client, people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], accept=True)
    SupportContact.objects.filter(pk=contact.pk).update(state=SupportContact.State.LAPSED)

    client.post(_path(contact, Purpose.CHECK_IN), {"note": ""})

    contact.refresh_from_db()
    assert contact.state == SupportContact.State.ACTIVE


# --- The safety plan --------------------------------------------------------------------------


def test_the_safety_plan_page_shows_the_current_plan(client, people):
    patient = people.patient
    save_safety_plan(
        patient=patient, steps={"warning_signs": ["Old sign"]}, written_by=patient.user
    )
    save_safety_plan(
        patient=patient,
        steps={"warning_signs": ["Not sleeping"], "reasons_for_living": ["My dog"]},
        written_by=patient.user,
    )
    contact = _invite(people, [ConsentScope.SEE_SAFETY_PLAN], accept=True)

    page = client.get(_path(contact, Purpose.SAFETY_PLAN)).content.decode()

    assert "Signs that a hard time is starting" in page
    assert "Not sleeping" in page
    assert "My dog" in page
    assert "Old sign" not in page


def test_the_safety_plan_page_says_when_there_is_no_plan_yet(client, people):
    contact = _invite(people, [ConsentScope.SEE_SAFETY_PLAN], accept=True)

    response = client.get(_path(contact, Purpose.SAFETY_PLAN))

    assert response.status_code == 200
    assert "hasn't written a safety plan yet" in response.content.decode()


def test_the_safety_plan_page_is_read_only(client, people):
    contact = _invite(people, [ConsentScope.SEE_SAFETY_PLAN], accept=True)

    assert client.post(_path(contact, Purpose.SAFETY_PLAN)).status_code == 405


# --- Crisis lines on every page ---------------------------------------------------------------


def test_every_trusted_page_shows_the_crisis_lines_of_the_patients_country(client, people):
    people.practice.country = "GB"
    people.practice.save(update_fields=["country"])
    contact = _invite(people, ALL_SCOPES, accept=True)

    for purpose in (Purpose.INVITATION, Purpose.CHECK_IN, Purpose.SAFETY_PLAN):
        page = client.get(_path(contact, purpose)).content.decode()
        assert "Samaritans" in page, purpose
        assert "Call 116 123" in page, purpose
        assert "988" not in page, purpose
        assert page.count('id="crisis-resources"') == 1, purpose


def test_a_check_in_moves_the_next_reminder_to_a_full_interval_later(people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], every=14, accept=True)
    moment = timezone.now() + timedelta(days=3)

    record_trusted_check_in(contact=contact, at=moment)

    contact.refresh_from_db()
    assert contact.next_nudge_at == moment + timedelta(days=14)


def test_inviting_someone_who_already_accepted_keeps_them_accepted(people):
    contact = _invite(people, [ConsentScope.NUDGE_CHECK_IN], accept=True)

    contact = invite_trusted_person(
        contact=contact,
        scopes=[ConsentScope.NUDGE_CHECK_IN, ConsentScope.SEE_SAFETY_PLAN],
        by=people.patient.user,
    )

    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.ACCEPTED
    assert set(
        contact.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True)
    ) == {ConsentScope.NUDGE_CHECK_IN, ConsentScope.SEE_SAFETY_PLAN}
