"""/api/v1 for patient invitations: invite a patient who has no account yet, read the
invitation's state, re-send it (a new link; the old one dies) or withdraw it. Only the
practice's coordinators (for the patients on their care teams) and admins may; for anyone
else the patient and the invitation do not exist (404). The link itself is never in an
answer: it goes only to the patient."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from tether.access.invitations import get_invitation, get_patient_to_invite
from tether.api.auth import ApiRequest
from tether.api.errors import INVALID, NOT_FOUND
from tether.api.input import Bounded
from tether.invitations import services
from tether.invitations.models import Invitation

router = Router(tags=["invitations"])

State = Literal[tuple(Invitation.State.values)]


class InvitationIn(Bounded):
    model_config = ConfigDict(extra="forbid")

    patient_id: UUID
    email: str = Field("", max_length=254)
    phone: str = Field(
        "",
        max_length=30,
        description="A mobile number; national numbers are read as the practice's country's.",
    )


class InvitationOut(Schema):
    id: UUID
    patient_id: UUID
    state: State
    by_email: bool
    by_text: bool
    sent_at: datetime
    times_sent: int
    expires_at: datetime
    opened_at: datetime | None
    accepted_at: datetime | None
    withdrawn_at: datetime | None


def _out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "patient_id": invitation.patient_id,
        "state": invitation.state_at(timezone.now()),
        "by_email": bool(invitation.email),
        "by_text": bool(invitation.phone),
        "sent_at": invitation.sent_at,
        "times_sent": invitation.times_sent,
        "expires_at": invitation.expires_at,
        "opened_at": invitation.opened_at,
        "accepted_at": invitation.accepted_at,
        "withdrawn_at": invitation.withdrawn_at,
    }


def _refused(error: services.InvitationError) -> Status:
    return Status(400, {"detail": str(error), "problems": []})


@router.post("/invitations", response={201: InvitationOut, **INVALID})
def invite_patient(request: ApiRequest, payload: InvitationIn):
    """Invite a patient without an account by email and/or text (coordinators of their care
    team, the practice's admins). Any live invitation of theirs is withdrawn."""
    patient = get_patient_to_invite(request.auth, payload.patient_id)
    if payload.email:
        try:
            validate_email(payload.email)
        except ValidationError:
            return Status(
                400,
                {
                    "detail": "Please check the email address.",
                    "problems": ["email: Please give a valid email address."],
                },
            )
    try:
        invitation = services.invite_patient(
            patient=patient, by=request.auth, email=payload.email, phone=payload.phone
        )
    except services.InvitationError as error:
        return _refused(error)
    return Status(201, _out(invitation))


@router.get("/invitations/{invitation_id}", response={200: InvitationOut, **NOT_FOUND})
def read_invitation(request: ApiRequest, invitation_id: UUID):
    """An invitation's state: sent, opened, accepted, expired or withdrawn."""
    return _out(get_invitation(request.auth, invitation_id))


@router.post("/invitations/{invitation_id}/resend", response={200: InvitationOut, **INVALID})
def resend_invitation(request: ApiRequest, invitation_id: UUID):
    """Send a new link with a full week; the old link stops working."""
    invitation = get_invitation(request.auth, invitation_id)
    try:
        return _out(services.resend_invitation(invitation=invitation, by=request.auth))
    except services.InvitationError as error:
        return _refused(error)


@router.post("/invitations/{invitation_id}/withdraw", response={200: InvitationOut, **INVALID})
def withdraw_invitation(request: ApiRequest, invitation_id: UUID):
    """Withdraw the invitation: its link stops working at once."""
    invitation = get_invitation(request.auth, invitation_id)
    try:
        return _out(services.withdraw_invitation(invitation=invitation, by=request.auth))
    except services.InvitationError as error:
        return _refused(error)
