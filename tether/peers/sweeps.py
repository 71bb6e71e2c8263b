"""Peer communities' periodic sweeps (listed in settings.SWEEPS, run every minute by the
scheduler).

- ask_due_belonging_checks: the belonging question, two weeks after joining, then monthly.
- nudge_inactive_members: one gentle note to a member who has not visited for three weeks.

Due memberships are claimed in batches (tether.lib.claims), each by a conditional UPDATE of
the field that makes it due, so two runs or two workers never ask or tell anyone twice.
Members of an archived group are neither asked nor nudged: the group has closed."""

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tether.lib.claims import CLAIM_BATCH, claim_due
from tether.notifications.services import notify
from tether.peers.belonging import BELONGING_EVERY, NO_VISIT
from tether.peers.models import BelongingCheck, Membership


def due_belonging_checks(*, now: datetime) -> QuerySet[Membership]:
    """Return active memberships of unarchived groups whose belonging question is due (index:
    belonging_due)."""
    return Membership.objects.filter(
        status=Membership.Status.ACTIVE, belonging_due_at__lte=now, group__archived_at=None
    ).select_related("group", "patient__user")


def ask_due_belonging_checks(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Ask members whose belonging question is due (two weeks after joining, then monthly).
    A member with an unanswered question is not asked again; the due date moves on either
    way. Return how many were asked."""
    at = now or timezone.now()
    return claim_due(
        due_belonging_checks(now=at),
        order_by=["belonging_due_at", "pk"],
        claim=lambda membership: _ask(membership, now=at),
        batch=batch,
    )


def _ask(membership: Membership, *, now: datetime) -> bool:
    moved = Membership.objects.filter(
        pk=membership.pk, belonging_due_at=membership.belonging_due_at
    ).update(belonging_due_at=now + BELONGING_EVERY)
    if not moved:  # another worker took it
        return False
    if BelongingCheck.objects.filter(membership=membership, answered_at=None).exists():
        return False
    check = BelongingCheck.objects.create(membership=membership, asked_at=now)
    if membership.patient.user:
        notify(
            user=membership.patient.user,
            # Generic on purpose: it also goes by email, and a group's name ("Veterans
            # living with depression") is health information.
            subject="One quick question for you",
            body="How is your group feeling for you? One question, one tap.",
            link=reverse("belonging_check", args=[check.pk]),
            purpose="belonging-check",
            channels=("in_app", "email"),
            patient=membership.patient,
        )
    return True


def inactive_members(*, now: datetime) -> QuerySet[Membership]:
    """Return active members of unarchived groups not seen for three weeks and not yet told
    (index: membership_inactive)."""
    return Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        inactivity_nudged_at=None,
        last_visited_at__lte=now - NO_VISIT,
        group__archived_at=None,
    ).select_related("group", "patient__user")


def nudge_inactive_members(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Members who have not visited in three weeks get one gentle note with fresh
    suggestions; they are not told again until they visit. Return how many were told."""
    at = now or timezone.now()
    return claim_due(
        inactive_members(now=at),
        order_by=["last_visited_at", "pk"],
        claim=lambda membership: _nudge(membership, now=at),
        batch=batch,
    )


def _nudge(membership: Membership, *, now: datetime) -> bool:
    if not Membership.objects.filter(pk=membership.pk, inactivity_nudged_at=None).update(
        inactivity_nudged_at=now
    ):
        return False
    if membership.patient.user:
        notify(
            user=membership.patient.user,
            subject="We haven't seen you in your group for a while",
            body="No pressure. If the group isn't feeling right, there may be one that "
            "fits better.",
            link=reverse("group_suggestions"),
            purpose="peer-inactive",
            channels=("in_app",),
            patient=membership.patient,
        )
    return True
