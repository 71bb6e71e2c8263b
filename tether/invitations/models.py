"""Invitations: how a patient the practice added gets their own Tether account."""

import uuid
from datetime import datetime

from django.db import models

from tether.accounts.models import Patient, Practice, User


class Invitation(models.Model):
    """One invitation of one patient, sent by email and/or text. Its link carries `nonce`:
    re-sending draws a new one, so the old link dies; withdrawing or accepting it kills every
    link at once. A patient has at most one live invitation (neither accepted nor withdrawn)."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened, not yet accepted"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    # Where the link went; at least one of the two.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    # Drawn again on every send; a link with an older nonce is dead.
    nonce = models.CharField(max_length=32)
    opened_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_live_invitation_per_patient",
            ),
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""), name="invitation_has_a_contact"
            ),
        ]
        indexes = [models.Index(fields=["practice", "-created_at"])]

    def __str__(self) -> str:
        return f"Invitation of {self.patient}"

    def state_at(self, now: datetime) -> "Invitation.State":
        """Return the invitation's state at `now` (an accepted or withdrawn one stays so)."""
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if now >= self.expires_at:
            return self.State.EXPIRED
        if self.opened_at is not None:
            return self.State.OPENED
        return self.State.SENT

    def is_live_at(self, now: datetime) -> bool:
        """Return whether its current link still opens at `now`."""
        return self.state_at(now) in (self.State.SENT, self.State.OPENED)


class NoticeAcceptance(models.Model):
    """A patient's acceptance of the practice's privacy notice and communication consent:
    which version of the words they read, and when. Kept for the record; a new version of
    the notice is a new row."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notice_version = models.CharField(max_length=40)
    privacy_accepted_at = models.DateTimeField()
    communication_accepted_at = models.DateTimeField()
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Notice {self.notice_version} accepted by {self.patient}"
