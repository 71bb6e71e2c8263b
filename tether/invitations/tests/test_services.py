"""Invitation rules through the services: one use, one purpose, expiry, re-send, withdrawal."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils import timezone

from tether.access.links import Purpose, make_patient_plan_token, make_trusted_token
from tether.invitations import services
from tether.invitations.models import Invitation, NoticeAcceptance
from tether.invitations.notice import NOTICE_VERSION
from tether.invitations.tests.helpers import LINK, latest_token, new_patient
from tether.invitations.tokens import BadInvitationLink, make_invitation_token
from tether.network.models import SupportContact
from tether.network.services import add_support
from tether.notifications.models import Delivery

PASSWORD = "kettle mountain breakfast"


def _accept(token: str, username: str = "robin.hale", password: str = PASSWORD):
    return services.accept_invitation(
        token=token,
        username=username,
        password=password,
        accepts_notice=True,
        accepts_messages=True,
    )


@pytest.fixture
def invited(people):
    patient = new_patient(people)
    invitation = services.invite_patient(
        patient=patient, by=people.coordinator, email="robin@example.org", phone="+12025550143"
    )
    return invitation


def test_it_sends_the_link_by_email_and_text_without_names(invited):
    sent = Delivery.objects.filter(patient=invited.patient, purpose="patient-invitation")
    assert {d.channel for d in sent} == {"email", "sms"}
    for delivery in sent:
        assert delivery.body.startswith("You've been invited to Tether by your care team.")
        assert "Robin" not in delivery.body and "Hale" not in delivery.body
        assert "Riverside" not in delivery.body
        token = LINK.search(delivery.body).group("token")
        assert services.open_invitation(token) == invited


def test_it_makes_the_account_once_and_records_the_notice(invited):
    token = latest_token(invited.patient)
    accepted = _accept(token)
    invited.patient.refresh_from_db()
    assert invited.patient.user == accepted.user
    assert accepted.user.check_password(PASSWORD)
    assert accepted.user.email == "robin@example.org" and accepted.user.phone == "+12025550143"
    acceptance = NoticeAcceptance.objects.get(patient=invited.patient)
    assert acceptance.notice_version == NOTICE_VERSION
    assert abs(acceptance.privacy_accepted_at - timezone.now()) < timedelta(minutes=1)
    assert acceptance.communication_accepted_at == acceptance.privacy_accepted_at
    with pytest.raises(services.DeadLink):
        _accept(token, username="someone.else")
    with pytest.raises(services.DeadLink):
        services.open_invitation(token)


def test_it_expires_after_seven_days(invited):
    token = latest_token(invited.patient)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23), tick=False):
        assert services.open_invitation(token) == invited
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        with pytest.raises(services.DeadLink):
            services.open_invitation(token)
        with pytest.raises(services.DeadLink):
            _accept(token)
        invited.refresh_from_db()
        assert invited.state_at(timezone.now()) == Invitation.State.EXPIRED
    assert invited.patient.user is None


def test_a_resent_link_replaces_the_old_one(invited):
    old = latest_token(invited.patient)
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        services.resend_invitation(invitation=invited, by=invited.invited_by)
    new = latest_token(invited.patient)
    assert new != old
    with pytest.raises(services.DeadLink):
        services.open_invitation(old)
    # The new link has its full week from when it was sent.
    with time_machine.travel(timezone.now() + timedelta(days=12), tick=False):
        assert services.open_invitation(new).pk == invited.pk


def test_a_withdrawn_link_dies(invited, people):
    token = latest_token(invited.patient)
    services.withdraw_invitation(invitation=invited, by=people.admin)
    with pytest.raises(services.DeadLink) as dead:
        services.open_invitation(token)
    assert dead.value.invitation.practice == people.practice
    with pytest.raises(services.InvitationError):
        services.resend_invitation(invitation=invited, by=people.coordinator)


def test_inviting_again_kills_the_earlier_invitation(invited, people):
    old = latest_token(invited.patient)
    again = services.invite_patient(patient=invited.patient, by=people.admin, email="r@example.org")
    with pytest.raises(services.DeadLink):
        services.open_invitation(old)
    assert services.open_invitation(latest_token(invited.patient)) == again
    assert Invitation.objects.filter(patient=invited.patient).count() == 2


def test_other_purposes_links_are_refused(invited, people):
    contact = add_support(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        relationship=SupportContact.Relationship.FAMILY,
        email="maria@example.org",
        by=people.patient.user,
    )
    refused = [
        default_token_generator.make_token(people.patient.user),  # a password reset
        make_trusted_token(contact, Purpose.INVITATION),  # a trusted person's invitation
        make_patient_plan_token(people.patient),
        "not-a-token",
        make_invitation_token(invited) + "x",
    ]
    for token in refused:
        with pytest.raises(BadInvitationLink):
            services.open_invitation(token)
    invited.refresh_from_db()
    assert invited.opened_at is None


def test_password_rules_are_enforced(invited):
    token = latest_token(invited.patient)
    for weak in ("short", "password123", "robin.hale"):
        with pytest.raises(ValidationError):
            _accept(token, password=weak)
    invited.refresh_from_db()
    assert invited.accepted_at is None and invited.patient.user is None


def test_the_notice_must_be_accepted(invited):
    with pytest.raises(services.InvitationError):
        services.accept_invitation(
            token=latest_token(invited.patient),
            username="robin",
            password=PASSWORD,
            accepts_notice=True,
            accepts_messages=False,
        )
    assert not NoticeAcceptance.objects.exists()


def test_a_patient_with_an_account_is_not_invited(people):
    with pytest.raises(services.InvitationError):
        services.invite_patient(patient=people.patient, by=people.coordinator, email="a@b.org")


@pytest.mark.parametrize("who", ["clinician", "peer", "outside_admin"])
def test_only_the_practices_coordinators_and_admins_invite(people, who):
    patient = new_patient(people)
    with pytest.raises(services.InvitationError):
        services.invite_patient(patient=patient, by=getattr(people, who), email="a@b.org")
    assert not Invitation.objects.exists()
