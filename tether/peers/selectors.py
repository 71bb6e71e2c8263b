"""Reads for peer communities: what a member may read in their group, the moderator's queue
and group page, the care team's view of a patient's groups, and the post behind a risk alert.

Moderator reads show members by pseudonym only. The care team's summary shows the groups
but not the pseudonym: linking the two is a separate, audited step (services.reveal_member).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from tether.access import may_link_pseudonym
from tether.accounts.models import Patient, User
from tether.peers.models import (
    BelongingCheck,
    Membership,
    ModerationAction,
    PeerGroup,
    Post,
    PostReport,
)
from tether.peers.services import BELONGING_OPTIONS, is_low

NOT_FITTING_DAYS = 30
_BELONGING_LABELS = dict(BELONGING_OPTIONS)


@dataclass(frozen=True)
class BelongingAnswer:
    score: int
    label: str
    answered_at: datetime

    @property
    def is_low(self) -> bool:
        return is_low(self.score)


def _answer(score: int, answered_at: datetime) -> BelongingAnswer:
    return BelongingAnswer(score=score, label=_BELONGING_LABELS[score], answered_at=answered_at)


# --- The member ------------------------------------------------------------------------------


def member_posts(membership: Membership) -> QuerySet[Post]:
    """Return the posts of the member's group that the member may see: every post that is not
    held, and their own held ones (a held post waits for a moderator before the group sees it).
    Hidden posts keep their place; the pages and the API show them without their words."""
    return Post.objects.filter(group_id=membership.group_id).filter(
        ~Q(status=Post.Status.HELD) | Q(author__patient_id=membership.patient_id)
    )


def member_threads(membership: Membership) -> QuerySet[Post]:
    """Return the group's conversations for the member, newest first, each with the replies
    the member may see, oldest first: one query for a page of threads, one for their replies."""
    replies = member_posts(membership).select_related("author").order_by("created_at")
    return (
        member_posts(membership)
        .filter(parent=None)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-pk")
    )


# --- The moderator ---------------------------------------------------------------------------


def moderation_queue(groups: QuerySet[PeerGroup]) -> QuerySet[Post]:
    """Return the posts in `groups` waiting for a moderator: possible crisis first, then the
    most reported, then the oldest."""
    return (
        Post.objects.filter(group__in=groups, needs_review=True)
        .annotate(report_count=Count("reports"))
        .select_related("group", "author")
        .prefetch_related(Prefetch("reports", queryset=PostReport.objects.order_by("created_at")))
        .order_by("-crisis_language", "-report_count", "created_at", "pk")
    )


def not_fitting(groups: QuerySet[PeerGroup], *, now: datetime) -> QuerySet[BelongingCheck]:
    """Return the recent belonging answers in `groups` whose member said the group is not
    fitting and agreed that its peer supporter may hear it, newest first."""
    return (
        BelongingCheck.objects.filter(
            membership__group__in=groups,
            membership__status=Membership.Status.ACTIVE,
            tell_supporter=True,
            answered_at__gte=now - timedelta(days=NOT_FITTING_DAYS),
        )
        .select_related("membership__group")
        .order_by("-answered_at")
    )


def moderated_group_rows(groups: QuerySet[PeerGroup]) -> QuerySet[PeerGroup]:
    """Return `groups` by name (archived ones last) with their tags and a plain count of
    active members."""
    return (
        groups.annotate(
            active_members=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
            )
        )
        .select_related("moderator")
        .prefetch_related("tags")
        .order_by(F("archived_at").asc(nulls_first=True), "name")
    )


def group_posts(group: PeerGroup) -> QuerySet[Post]:
    """Return every post of the group, hidden ones included, newest first, with its reports
    and moderation history."""
    return (
        group.posts.select_related("author", "parent__author")
        .prefetch_related(
            Prefetch("reports", queryset=PostReport.objects.order_by("created_at")),
            Prefetch("moderation", queryset=ModerationAction.objects.select_related("actor")),
        )
        .order_by("-created_at", "pk")
    )


@dataclass(frozen=True)
class MemberRow:
    pseudonym: str
    joined_at: datetime
    latest_belonging: BelongingAnswer | None


def group_members(group: PeerGroup) -> list[MemberRow]:
    """Return the group's active members by pseudonym, longest-standing first, each with the
    latest answer to the belonging question."""
    latest = BelongingCheck.objects.filter(
        membership=OuterRef("pk"), answered_at__isnull=False
    ).order_by("-answered_at")
    members = (
        group.memberships.filter(status=Membership.Status.ACTIVE)
        .annotate(
            belonging_score=Subquery(latest.values("score")[:1]),
            belonging_at=Subquery(latest.values("answered_at")[:1]),
        )
        .order_by("joined_at")
        .values_list("pseudonym", "joined_at", "belonging_score", "belonging_at")
    )
    return [
        MemberRow(
            pseudonym=pseudonym,
            joined_at=joined_at,
            latest_belonging=_answer(score, at) if score is not None else None,
        )
        for pseudonym, joined_at, score, at in members
    ]


# --- The care team ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSummary:
    membership_id: UUID
    group_name: str
    joined_at: datetime
    last_visited_at: datetime
    belonging: tuple[BelongingAnswer, ...]  # newest first

    @property
    def latest(self) -> BelongingAnswer | None:
        return self.belonging[0] if self.belonging else None

    @property
    def earlier(self) -> tuple[BelongingAnswer, ...]:
        return self.belonging[1:]


@dataclass(frozen=True)
class PeerSummary:
    groups: list[GroupSummary]
    can_reveal: bool  # the viewer may look up the name the patient uses in a group


def patient_peer_summary(*, patient: Patient, viewer: User) -> PeerSummary:
    """Return the patient's active groups for their care team: when they joined and last
    visited, and how they answered the belonging question over time. Never their posts, and
    not their pseudonym (that look-up is audited and has its own page)."""
    answered = BelongingCheck.objects.filter(answered_at__isnull=False).order_by("-answered_at")
    memberships = (
        patient.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("group")
        .prefetch_related(Prefetch("belonging_checks", queryset=answered))
        .order_by("joined_at")
    )
    groups = [
        GroupSummary(
            membership_id=m.pk,
            group_name=m.group.name,
            joined_at=m.joined_at,
            last_visited_at=m.last_visited_at,
            belonging=tuple(
                _answer(c.score, c.answered_at)
                for c in m.belonging_checks.all()
                if c.score is not None and c.answered_at is not None  # answered ones only
            ),
        )
        for m in memberships
    ]
    can_reveal = bool(groups) and may_link_pseudonym(viewer, patient.pk)
    return PeerSummary(groups=groups, can_reveal=can_reveal)
