"""Writes for invitations: add a patient, invite them, re-send or withdraw the invitation,
open its link and accept it. The link itself is in tokens.py; who may do what is decided in
tether.access.invitations before these run, and checked again here for the practice."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction
from django.utils import timezone

from tether.accounts.models import Patient, Practice, Role, User
from tether.accounts.services import register_patient
from tether.invitations.models import Invitation, NoticeAcceptance
from tether.invitations.notice import NOTICE_VERSION
from tether.invitations.tokens import BadInvitationLink, invitation_url, read_invitation_token
from tether.lib.phones import normalise_phone
from tether.notifications.services import queue_email, queue_sms

# How long a link lives unless settings.INVITATION_DAYS says otherwise.
DEFAULT_DAYS = 7
PURPOSE = "patient-invitation"
SUBJECT = "You've been invited to Tether"

INVITER_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


class InvitationError(ValueError):
    """An invitation that cannot be made or changed; the message is for the person."""


class DeadLink(Exception):
    """The link no longer opens: used, withdrawn, replaced by a newer one, or expired.
    `invitation` is the one it named when the link was genuine (for the practice's name)."""

    def __init__(self, invitation: Invitation | None) -> None:
        super().__init__("This invitation link no longer works.")
        self.invitation = invitation


def invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", DEFAULT_DAYS))


def message_text(link: str) -> str:
    """Return the words of the invitation: no name, no practice detail, no health (anyone
    may read a phone's lock screen or a shared inbox)."""
    return f"You've been invited to Tether by your care team. Set up your account: {link}"


def _check_inviter(by: User, practice_id: object) -> None:
    if not (by.is_active and by.role in INVITER_ROLES and by.practice_id == practice_id):
        raise InvitationError("Only the practice's coordinators and admins invite patients.")


def _send(invitation: Invitation) -> None:
    text = message_text(invitation_url(invitation))
    if invitation.email:
        queue_email(
            to=invitation.email,
            subject=SUBJECT,
            body=text,
            purpose=PURPOSE,
            patient=invitation.patient,
        )
    if invitation.phone:
        queue_sms(
            to=invitation.phone,
            body=text,
            purpose=PURPOSE,
            patient=invitation.patient,
            country=invitation.practice.country,
        )


@transaction.atomic
def add_patient(
    *,
    by: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    preferred_language: str,
    coordinator: User,
    clinicians: list[User],
) -> Patient:
    """Register a patient of `by`'s practice, without an account, with their care team."""
    assert by.practice is not None  # noqa: S101  (the view's role check guarantees it)
    _check_inviter(by, by.practice_id)
    patient = register_patient(
        practice=by.practice,
        first_name=first_name,
        last_name=last_name,
        coordinator=coordinator,
        clinicians=clinicians,
        date_of_birth=date_of_birth,
    )
    if preferred_language:
        patient.preferred_language = preferred_language
        patient.save(update_fields=["preferred_language"])
    return patient


@transaction.atomic
def invite_patient(*, patient: Patient, by: User, email: str = "", phone: str = "") -> Invitation:
    """Send `patient` an invitation by email and/or text (phone in E.164), replacing any live
    one (its link dies). Raise InvitationError for a patient who already has an account."""
    _check_inviter(by, patient.practice_id)
    if not email and not phone:
        raise InvitationError("Give an email address or a mobile number to send it to.")
    if phone:
        try:
            phone = normalise_phone(phone, country=patient.practice.country)
        except ValueError as error:
            raise InvitationError(str(error)) from None
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.user_id is not None:
        raise InvitationError("This patient already has a Tether account.")
    now = timezone.now()
    Invitation.objects.filter(
        patient=patient, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now, withdrawn_by=by)
    invitation = Invitation.objects.create(
        practice_id=patient.practice_id,
        patient=patient,
        email=email,
        phone=phone,
        invited_by=by,
        sent_at=now,
        expires_at=now + timedelta(days=invitation_days()),
        nonce=secrets.token_hex(16),
    )
    _send(invitation)
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Send a new link with its full time again; the old link dies. An accepted or withdrawn
    invitation is not re-sent (InvitationError): invite the patient again instead."""
    _check_inviter(by, invitation.practice_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation was accepted; the patient can sign in.")
    if invitation.withdrawn_at is not None:
        raise InvitationError("This invitation was withdrawn; send a new one instead.")
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation_days())
    invitation.opened_at = None
    invitation.times_sent += 1
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "opened_at", "times_sent"])
    _send(invitation)
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation: its link dies at once. Withdrawing twice changes nothing."""
    _check_inviter(by, invitation.practice_id)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation was already accepted.")
    Invitation.objects.filter(pk=invitation.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )
    invitation.refresh_from_db()
    return invitation


def open_invitation(token: str, *, now: datetime | None = None) -> Invitation:
    """Return the live invitation a link names, noting when it was first opened; raise
    BadInvitationLink for a forged or other-purpose link, DeadLink for one that no longer
    opens (used, withdrawn, re-sent since, expired)."""
    now = now or timezone.now()
    link = read_invitation_token(token)
    invitation = (
        Invitation.objects.select_related("practice", "patient")
        .filter(pk=link.invitation_id)
        .first()
    )
    if invitation is None:
        raise BadInvitationLink
    if not secrets.compare_digest(invitation.nonce, link.nonce):
        raise DeadLink(invitation)
    if not invitation.is_live_at(now):
        raise DeadLink(invitation)
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    return invitation


@dataclass(frozen=True)
class Accepted:
    user: User
    acceptance: NoticeAcceptance


def validate_new_password(password: str, *, username: str, email: str) -> None:
    """Raise django.core.exceptions.ValidationError when `password` breaks the project's rules."""
    password_validation.validate_password(password, User(username=username, email=email))


@transaction.atomic
def accept_invitation(
    *, token: str, username: str, password: str, accepts_notice: bool, accepts_messages: bool
) -> Accepted:
    """Create the patient's account from a live link, once: the link dies as it is used.
    The patient must accept the privacy notice and the communication consent (InvitationError
    otherwise); the acceptance is recorded with the notice's version and time."""
    if not (accepts_notice and accepts_messages):
        raise InvitationError("Please read and accept the notice to go on.")
    invitation = open_invitation(token)
    validate_new_password(password, username=username, email=invitation.email)
    now = timezone.now()
    # The claim: only one request turns a live invitation into an account.
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        nonce=invitation.nonce,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    ).update(accepted_at=now)
    if not claimed:
        raise DeadLink(invitation)
    patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
    if patient.user_id is not None:
        raise DeadLink(invitation)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=invitation.email,
                first_name=patient.first_name,
                last_name=patient.last_name,
                practice_id=patient.practice_id,
                role=Role.PATIENT,
                phone=invitation.phone,
            )
    except IntegrityError:
        raise InvitationError("That username is taken. Please choose another.") from None
    patient.user = user
    patient.save(update_fields=["user"])
    acceptance = NoticeAcceptance.objects.create(
        patient=patient,
        user=user,
        notice_version=NOTICE_VERSION,
        privacy_accepted_at=now,
        communication_accepted_at=now,
        invitation=invitation,
    )
    return Accepted(user=user, acceptance=acceptance)


def practice_of(invitation: Invitation | None) -> Practice | None:
    return invitation.practice if invitation is not None else None
