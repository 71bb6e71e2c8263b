"""The invitation link: signed for one purpose (salt), naming one invitation and the nonce of
its latest send. The signature stops forgery and other purposes' links (a password reset, a
trusted person's link); the database decides the rest (used, withdrawn, re-sent, expired)."""

from dataclasses import dataclass
from uuid import UUID

from django.core import signing
from django.urls import reverse

from tether.invitations.models import Invitation
from tether.lib.urls import absolute_url

_SALT = "tether.invitations.accept"


class BadInvitationLink(Exception):
    """The link is forged, damaged, or made for another purpose."""


@dataclass(frozen=True)
class InvitationLink:
    invitation_id: UUID
    nonce: str


def make_invitation_token(invitation: Invitation) -> str:
    """Return the token of `invitation`'s current link."""
    return signing.dumps({"i": str(invitation.pk), "n": invitation.nonce}, salt=_SALT)


def invitation_url(invitation: Invitation) -> str:
    """Return the full link the patient opens to set up their account."""
    path = reverse("accept_invitation", kwargs={"token": make_invitation_token(invitation)})
    return absolute_url(path)


def read_invitation_token(token: str) -> InvitationLink:
    """Return what a link names, else raise BadInvitationLink. Expiry is the invitation's
    own `expires_at` (the database), so a re-sent invitation gets its full time again."""
    try:
        payload = signing.loads(token, salt=_SALT)
        return InvitationLink(invitation_id=UUID(payload["i"]), nonce=str(payload["n"]))
    except (signing.BadSignature, KeyError, ValueError, TypeError, AttributeError):
        raise BadInvitationLink from None
