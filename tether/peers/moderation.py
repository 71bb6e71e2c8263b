"""Moderating peer groups (the group's peer supporter, the practice's admins) and the care
team's audited look-up of who is behind a pseudonym."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from tether.access import can_moderate, may_link_pseudonym
from tether.accounts.models import Patient, User
from tether.audit.models import AuditEvent
from tether.audit.services import record as audit
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.peers.errors import PeerInvalid
from tether.peers.models import Membership, ModerationAction, Post


@transaction.atomic
def moderate(
    *, post: Post, by: User, kind: str, note: str = "", now: datetime | None = None
) -> ModerationAction:
    """Hide, restore, escalate or keep a post. Every action is recorded. Keep or restore shows
    a held post to the group; hide keeps it from the group. Each takes the post out of the
    queue, except escalating a held post, which still waits for "keep" or "hide". Escalating
    raises a risk alert for the author's care team, or adds the note to the post's open one."""
    now = now or timezone.now()
    post = (
        Post.objects.select_for_update().select_related("group", "author__patient").get(pk=post.pk)
    )
    if not can_moderate(by, post.group):
        raise Http404("No such post.")
    if kind not in ModerationAction.Kind.values:
        raise PeerInvalid({"kind": "Choose hide, restore, escalate or keep."})
    note = (note or "").strip()
    if kind == ModerationAction.Kind.HIDE and post.status == Post.Status.HIDDEN:
        raise PeerInvalid({"kind": "This post is already hidden."})
    if kind == ModerationAction.Kind.RESTORE and post.status == Post.Status.VISIBLE:
        raise PeerInvalid({"kind": "This post is not hidden."})
    if kind == ModerationAction.Kind.ESCALATE and not note:
        raise PeerInvalid({"note": "Please say in a few words what worried you."})
    held = post.status == Post.Status.HELD
    if kind == ModerationAction.Kind.HIDE:
        post.status = Post.Status.HIDDEN
    elif kind in (ModerationAction.Kind.RESTORE, ModerationAction.Kind.KEEP) and (
        held or kind == ModerationAction.Kind.RESTORE
    ):
        # A held post appears for the group once a person has read it and kept it.
        post.status = Post.Status.VISIBLE
    elif kind == ModerationAction.Kind.ESCALATE:
        alert = post.risk_alert
        if alert is not None and alert.status != RiskAlert.Status.RESOLVED:
            # The care team already has an alert for this post: the peer supporter's worry
            # goes on it, where the team will read it.
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEvent.Kind.NOTE,
                actor=by,
                at=now,
                note=f"A peer supporter escalated this post in “{post.group.name}”: {note}",
            )
        else:
            post.risk_alert = raise_risk_alert(
                patient=post.author.patient,
                reason=RiskAlert.Reason.PEER_ESCALATED,
                raised_by=by,
                detail=f"A peer supporter escalated a post in “{post.group.name}”: {note}",
                at=now,
            )
    # Escalating a held post leaves it in the queue: someone still has to decide whether the
    # group sees it, and it must never stay held because nobody did.
    post.needs_review = held and kind == ModerationAction.Kind.ESCALATE
    post.reviewed_at = now
    post.save(update_fields=["status", "risk_alert", "needs_review", "reviewed_at"])
    return ModerationAction.objects.create(post=post, actor=by, kind=kind, note=note, at=now)


def reveal_member(*, user: User, membership: Membership, now: datetime | None = None) -> Patient:
    """Link a pseudonym to the patient: only for the patient's own care team, and recorded."""
    if not may_link_pseudonym(user, membership.patient_id):
        raise Http404("No such member.")
    audit(
        actor=user,
        patient=membership.patient,
        action=AuditEvent.Action.PSEUDONYM_REVEALED,
        detail=f"“{membership.pseudonym}” in {membership.group.name}",
        at=now,
    )
    return membership.patient
