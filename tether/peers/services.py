"""Writes and rules for peer communities: groups, experience profiles, matching, joining,
posts with crisis-language detection, reports, moderation and the belonging check.

Views, the API and the sweeps call these; none of them holds a rule of its own.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import CareTeamMember, Patient, Practice, Role, User
from tether.audit.models import AuditEvent
from tether.audit.services import record as audit
from tether.crisis.language import CrisisSignal, detect
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.lib.errors import PleaseCheck
from tether.notifications.services import notify
from tether.peers import matching
from tether.peers.embedding import embed
from tether.peers.models import (
    DESCRIPTION_MAX_CHARS,
    POST_MAX_CHARS,
    PSEUDONYM_MAX_CHARS,
    BelongingCheck,
    ExperienceProfile,
    IdentityTag,
    MatchingState,
    Membership,
    ModerationAction,
    PeerGroup,
    Post,
    PostReport,
    vector_from_bytes,
    vector_to_bytes,
)

FIRST_BELONGING_CHECK = timedelta(weeks=2)
BELONGING_EVERY = timedelta(days=30)
NO_VISIT = timedelta(weeks=3)
# The single item is answered 1 (strongly disagree) .. 7 (strongly agree); 4 is "neither".
# Anything on the disagree side is "low": the group is not (yet) people like me.
LOW_BELONGING = 3
BELONGING_QUESTION = "I identify with {group}."
BELONGING_OPTIONS = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Somewhat disagree"),
    (4, "Neither agree nor disagree"),
    (5, "Somewhat agree"),
    (6, "Agree"),
    (7, "Strongly agree"),
)
# Rate limit for posts: enough for a real conversation, not enough to flood a group.
POSTS_PER_WINDOW = 5
POST_WINDOW = timedelta(minutes=10)
POSTS_PER_DAY = 40
_PSEUDONYM = re.compile(r"^[\w][\w .'-]*$")


class PeerInvalid(PleaseCheck):
    """Input that cannot be saved; `problems` maps each field to what is wrong with it."""


# --- Groups and profiles --------------------------------------------------------------------


def _bump(practice: Practice) -> None:
    """Tell every process that this practice's matching index is out of date."""
    state, _ = MatchingState.objects.get_or_create(practice=practice)
    MatchingState.objects.filter(pk=state.pk).update(version=F("version") + 1)


def _clean_text(value: str, field: str, *, limit: int, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PeerInvalid({field: f"Please write {what}."})
    if len(value) > limit:
        raise PeerInvalid(
            {field: f"Please keep it to {limit:,} characters (it has {len(value):,})."}
        )
    return value


def _tags(tag_ids) -> list[IdentityTag]:
    ids = {int(t) for t in (tag_ids or [])}
    tags = list(IdentityTag.objects.filter(pk__in=ids))
    if len(tags) != len(ids):
        raise PeerInvalid({"tags": "One of the chosen tags does not exist."})
    return tags


@transaction.atomic
def save_group(
    *,
    practice: Practice,
    name: str,
    who_for: str,
    moderator: User,
    tag_ids=(),
    is_open: bool = True,
    group: PeerGroup | None = None,
) -> PeerGroup:
    """Create a group (or change `group`). The moderator must be a peer supporter of the
    practice."""
    problems = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = "Please give the group a name."
    elif len(name) > 120:
        problems["name"] = "Please keep the name to 120 characters."
    if moderator.role != Role.PEER_SUPPORTER or moderator.practice_id != practice.pk:
        problems["moderator"] = "The moderator must be a peer supporter of this practice."
    if problems:
        raise PeerInvalid(problems)
    who_for = _clean_text(who_for, "who_for", limit=DESCRIPTION_MAX_CHARS, what="who it is for")
    tags = _tags(tag_ids)
    group = group or PeerGroup(practice=practice)
    group.name, group.who_for, group.moderator, group.is_open = name, who_for, moderator, is_open
    group.embedding = vector_to_bytes(embed(who_for))
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise PeerInvalid({"name": f"The practice already has a group called “{name}”."}) from None
    group.tags.set(tags)
    _bump(practice)
    return group


@transaction.atomic
def save_experience(
    *,
    patient: Patient,
    description: str,
    tag_ids=(),
    share_for_matching: bool = False,
    now: datetime | None = None,
) -> ExperienceProfile:
    """Save what the patient is going through, in their words. Nobody else ever sees it."""
    description = _clean_text(
        description,
        "description",
        limit=DESCRIPTION_MAX_CHARS,
        what="a few words about what you are going through",
    )
    tags = _tags(tag_ids)
    profile, _ = ExperienceProfile.objects.update_or_create(
        patient=patient,
        defaults={
            "description": description,
            "share_for_matching": share_for_matching,
            "embedding": vector_to_bytes(embed(description)),
            "updated_at": now or timezone.now(),
        },
    )
    profile.tags.set(tags)
    _bump(patient.practice)
    return profile


# --- Matching --------------------------------------------------------------------------------

_cache: dict[object, tuple[int, matching.MatchIndex]] = {}
_cache_lock = threading.Lock()


def practice_index(practice: Practice) -> matching.MatchIndex:
    """This process's index of the practice's open groups and shared member profiles, rebuilt
    when the practice's MatchingState version moves."""
    version = (
        MatchingState.objects.filter(practice=practice).values_list("version", flat=True).first()
        or 0
    )
    with _cache_lock:
        cached = _cache.get(practice.pk)
        if cached and cached[0] == version:
            return cached[1]
    groups = list(
        PeerGroup.objects.filter(practice=practice, is_open=True)
        .exclude(embedding=None)
        .prefetch_related("tags")
    )
    row = {g.pk: i for i, g in enumerate(groups)}
    members = (
        Membership.objects.filter(
            group__in=groups,
            status=Membership.Status.ACTIVE,
            patient__experience_profile__share_for_matching=True,
        )
        .exclude(patient__experience_profile__embedding=None)
        .values_list("group_id", "patient__experience_profile__embedding")
    )
    member_group, member_vectors = [], []
    for group_id, data in members:
        member_group.append(row[group_id])
        member_vectors.append(vector_from_bytes(data))
    index = matching.build_index(
        group_ids=[g.pk for g in groups],
        group_vectors=np.array([vector_from_bytes(g.embedding) for g in groups], np.float32),
        group_tags=[frozenset(t.pk for t in g.tags.all()) for g in groups],
        member_group=np.array(member_group, dtype=np.int64),
        member_vectors=np.array(member_vectors, np.float32),
    )
    with _cache_lock:
        _cache[practice.pk] = (version, index)
    return index


@dataclass(frozen=True)
class Suggestion:
    group: PeerGroup
    score: float
    closeness: str
    reason: str  # one line: why it matched
    shared_tags: tuple[str, ...]


def _reason(score: matching.GroupScore, tag_names: dict[int, str]) -> tuple[str, tuple[str, ...]]:
    shared = tuple(sorted(tag_names[t] for t in score.shared_tags if t in tag_names))
    parts = [matching.closeness(score)]
    if score.member_evidence and score.members > score.centroid:
        parts.append("members here describe experiences like yours")
    if shared:
        parts.append("you share: " + ", ".join(shared))
    return "; ".join(parts) + ".", shared


def suggest_groups(*, patient: Patient, limit: int = 5) -> list[Suggestion]:
    """Open groups ranked by closeness of experience to the patient's own description plus
    tag overlap. Never by size or activity. Empty until the patient has described theirs."""
    profile = ExperienceProfile.objects.filter(patient=patient).first()
    if profile is None or not profile.embedding:
        return []
    tags = frozenset(profile.tags.values_list("pk", flat=True))
    mine = frozenset(
        Membership.objects.filter(patient=patient, status=Membership.Status.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    scores = matching.rank(
        practice_index(patient.practice),
        vector_from_bytes(profile.embedding),
        tags,
        limit=limit,
        exclude=mine,
    )
    groups = PeerGroup.objects.in_bulk([s.group_id for s in scores])
    tag_names = dict(IdentityTag.objects.filter(pk__in=tags).values_list("pk", "label"))
    suggestions = []
    for s in scores:
        if s.group_id not in groups:  # closed or removed since the index was built
            continue
        reason, shared = _reason(s, tag_names)
        suggestions.append(
            Suggestion(
                group=groups[s.group_id],
                score=s.score,
                closeness=matching.closeness(s),
                reason=reason,
                shared_tags=shared,
            )
        )
    return suggestions


# --- Membership ------------------------------------------------------------------------------


def _check_pseudonym(pseudonym: str, patient: Patient) -> str:
    pseudonym = " ".join((pseudonym or "").split())
    if len(pseudonym) < 2:
        raise PeerInvalid({"pseudonym": "Please choose a name of at least 2 characters."})
    if len(pseudonym) > PSEUDONYM_MAX_CHARS:
        raise PeerInvalid(
            {"pseudonym": f"Please keep the name to {PSEUDONYM_MAX_CHARS} characters."}
        )
    if not _PSEUDONYM.match(pseudonym):
        raise PeerInvalid(
            {"pseudonym": "Please use letters, numbers, spaces, dots, dashes or apostrophes."}
        )
    own = {n.lower() for n in (patient.first_name, patient.last_name, patient.preferred_name) if n}
    words = {w.lower().strip(".'-") for w in pseudonym.split()}
    if own & (words | {pseudonym.lower()}):
        raise PeerInvalid(
            {"pseudonym": "Please choose a name that is not your own, so you stay private here."}
        )
    return pseudonym


def join_group(
    *,
    patient: Patient,
    group: PeerGroup,
    pseudonym: str,
    match_reason: str = "",
    now: datetime | None = None,
) -> Membership:
    """The patient joins `group` under `pseudonym`. Only ever on the patient's own choice."""
    now = now or timezone.now()
    if group.practice_id != patient.practice_id:
        raise Http404("No such group.")
    if not group.is_open:
        raise PeerInvalid({"group": "This group is not taking new members right now."})
    pseudonym = _check_pseudonym(pseudonym, patient)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                group=group,
                patient=patient,
                pseudonym=pseudonym,
                match_reason=match_reason[:300],
                joined_at=now,
                last_visited_at=now,
                belonging_due_at=now + FIRST_BELONGING_CHECK,
            )
            _bump(group.practice)
    except IntegrityError:
        if Membership.objects.filter(
            group=group, patient=patient, status=Membership.Status.ACTIVE
        ).exists():
            raise PeerInvalid({"group": "You are already a member of this group."}) from None
        raise PeerInvalid(
            {"pseudonym": "Someone in this group already uses that name. Please pick another."}
        ) from None
    return membership


@transaction.atomic
def leave_group(*, membership: Membership, now: datetime | None = None) -> Membership:
    membership.status = Membership.Status.LEFT
    membership.left_at = now or timezone.now()
    membership.save(update_fields=["status", "left_at"])
    BelongingCheck.objects.filter(membership=membership, answered_at=None).delete()
    _bump(membership.group.practice)
    return membership


def record_visit(*, membership: Membership, now: datetime | None = None) -> None:
    now = now or timezone.now()
    Membership.objects.filter(pk=membership.pk).update(
        last_visited_at=now, inactivity_nudged_at=None
    )


# --- Posts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostResult:
    post: Post
    signal: CrisisSignal

    @property
    def show_crisis_resources(self) -> bool:
        return self.signal.flagged


def _check_rate(membership: Membership, now: datetime) -> None:
    recent = Post.objects.filter(author__patient_id=membership.patient_id)
    if recent.filter(created_at__gt=now - POST_WINDOW).count() >= POSTS_PER_WINDOW:
        raise PeerInvalid(
            {
                "body": "You have posted a lot in the last few minutes. Please wait a little "
                "before posting again. If you need someone now, the crisis lines are below."
            }
        )
    if recent.filter(created_at__gt=now - timedelta(days=1)).count() >= POSTS_PER_DAY:
        raise PeerInvalid(
            {
                "body": "You have reached today's limit for posts. Please come back tomorrow. "
                "If you need someone now, the crisis lines are below."
            }
        )


def _queue_link() -> str:
    return reverse("moderation_queue")


def create_post(
    *,
    membership: Membership,
    body: str,
    parent: Post | None = None,
    now: datetime | None = None,
) -> PostResult:
    """Post in the member's group. Text passes through crisis-language detection first: a
    possible crisis is never blocked; it is saved, its author is shown the crisis resources,
    it goes to the top of the moderator's queue, and a risk alert for the author's care team
    is raised in the same transaction as the post."""
    now = now or timezone.now()
    if membership.status != Membership.Status.ACTIVE:
        raise PeerInvalid({"group": "You are no longer a member of this group."})
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise PeerInvalid({"body": "Please write something before posting."})
    if len(body) > POST_MAX_CHARS:
        raise PeerInvalid(
            {"body": f"Please keep a post to {POST_MAX_CHARS:,} characters (it has {len(body):,})."}
        )
    if parent is not None and (parent.group_id != membership.group_id or parent.parent_id):
        raise PeerInvalid({"parent": "You can reply only to a post in this group."})
    signal = detect(body)  # before the transaction: embedding takes a few milliseconds
    # A post that may show someone in crisis is never refused, however often they post.
    if not signal.flagged:
        _check_rate(membership, now)
    group = membership.group
    with transaction.atomic():
        post = Post.objects.create(
            group=group,
            author=membership,
            parent=parent,
            body=body,
            created_at=now,
            crisis_language=signal.flagged,
            crisis_reason=signal.reason[:300],
            needs_review=signal.flagged,
        )
        if signal.flagged:
            patient = membership.patient
            post.risk_alert = raise_risk_alert(
                patient=patient,
                reason=RiskAlert.Reason.CRISIS_LANGUAGE,
                raised_by=patient.user or group.moderator,
                detail=f"Possible crisis language in a post in the peer group “{group.name}”: "
                f"{signal.reason}.",
                at=now,
            )
            post.save(update_fields=["risk_alert"])
            notify(
                user=group.moderator,
                subject="A post may need you now",
                body="A post in one of your groups may show someone in crisis. Open Tether.",
                link=_queue_link(),
                purpose="peer-crisis-post",
            )
        Membership.objects.filter(pk=membership.pk).update(
            last_visited_at=now, inactivity_nudged_at=None
        )
    return PostResult(post=post, signal=signal)


@transaction.atomic
def report_post(
    *, post: Post, reporter: Membership, reason: str = "", now: datetime | None = None
) -> PostReport:
    """A member flags a post for the moderator. Reporting twice changes nothing."""
    now = now or timezone.now()
    if reporter.group_id != post.group_id or reporter.status != Membership.Status.ACTIVE:
        raise Http404("No such post.")
    if post.author_id == reporter.pk:
        raise PeerInvalid({"post": "You cannot report your own post."})
    report, created = PostReport.objects.get_or_create(
        post=post, reporter=reporter, defaults={"reason": reason.strip()[:300], "created_at": now}
    )
    if created:
        Post.objects.filter(pk=post.pk).update(needs_review=True, reviewed_at=None)
        notify(
            user=post.group.moderator,
            subject="A post was reported",
            body="A member reported a post in one of your groups. Open Tether.",
            link=_queue_link(),
            purpose="peer-report",
            channels=("in_app",),
        )
    return report


def can_moderate(user: User, group: PeerGroup) -> bool:
    """The group's own peer supporter, and the practice's admins."""
    if not user.is_authenticated or not user.is_active or user.practice_id != group.practice_id:
        return False
    return (user.role == Role.PEER_SUPPORTER and group.moderator_id == user.pk) or (
        user.role == Role.ADMIN
    )


@transaction.atomic
def moderate(
    *, post: Post, by: User, kind: str, note: str = "", now: datetime | None = None
) -> ModerationAction:
    """Hide, restore, escalate or keep a post. Every action is recorded; it takes the post
    out of the queue. Escalating raises a risk alert for the author's care team."""
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
    if kind == ModerationAction.Kind.HIDE:
        post.status = Post.Status.HIDDEN
    elif kind == ModerationAction.Kind.RESTORE:
        post.status = Post.Status.VISIBLE
    elif kind == ModerationAction.Kind.ESCALATE:
        open_alert = post.risk_alert and post.risk_alert.status != RiskAlert.Status.RESOLVED
        if open_alert:
            # The care team already has an alert for this post: the peer supporter's worry
            # goes on it, where the team will read it.
            AlertEvent.objects.create(
                alert=post.risk_alert,
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
    post.needs_review = False
    post.reviewed_at = now
    post.save(update_fields=["status", "risk_alert", "needs_review", "reviewed_at"])
    return ModerationAction.objects.create(post=post, actor=by, kind=kind, note=note, at=now)


# --- Who is behind a pseudonym ---------------------------------------------------------------


def reveal_member(*, user: User, membership: Membership, now: datetime | None = None) -> Patient:
    """Link a pseudonym to the patient: only for the patient's own care team, and recorded."""
    on_team = (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.COORDINATOR, Role.CLINICIAN)
        and CareTeamMember.objects.filter(patient_id=membership.patient_id, staff=user).exists()
    )
    if not on_team:
        raise Http404("No such member.")
    audit(
        actor=user,
        patient=membership.patient,
        action=AuditEvent.Action.PSEUDONYM_REVEALED,
        detail=f"“{membership.pseudonym}” in {membership.group.name}",
        at=now,
    )
    return membership.patient


# --- Belonging --------------------------------------------------------------------------------


def is_low(score: int) -> bool:
    return score <= LOW_BELONGING


def ask_due_belonging_checks(*, now: datetime | None = None, batch: int = 500) -> int:
    """Ask members whose belonging question is due (two weeks after joining, then monthly).
    Idempotent: a member with an unanswered question is not asked again; the due date moves
    on either way."""
    now = now or timezone.now()
    asked = 0
    due = Membership.objects.filter(
        status=Membership.Status.ACTIVE, belonging_due_at__lte=now
    ).select_related("group", "patient__user")[:batch]
    for membership in due:
        with transaction.atomic():
            moved = Membership.objects.filter(
                pk=membership.pk, belonging_due_at=membership.belonging_due_at
            ).update(belonging_due_at=now + BELONGING_EVERY)
            if not moved:  # another worker took it
                continue
            if BelongingCheck.objects.filter(membership=membership, answered_at=None).exists():
                continue
            check = BelongingCheck.objects.create(membership=membership, asked_at=now)
            if membership.patient.user:
                notify(
                    user=membership.patient.user,
                    # Generic on purpose: it also goes by email, and a group's name
                    # ("Veterans living with depression") is health information.
                    subject="One quick question about your peer group",
                    body="How is your peer group feeling for you? One question, one tap.",
                    link=reverse("belonging_check", args=[check.pk]),
                    purpose="belonging-check",
                    channels=("in_app", "email"),
                    patient=membership.patient,
                )
            asked += 1
    return asked


@transaction.atomic
def answer_belonging(
    *, check: BelongingCheck, score: int, tell_supporter: bool = False, now=None
) -> BelongingCheck:
    """Record the answer. A low answer leads the page to fresh suggestions; if the member
    agrees, the group's peer supporter hears (by pseudonym only) that it is not fitting."""
    now = now or timezone.now()
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise PeerInvalid({"score": "Please choose one of the seven answers."}) from None
    if not 1 <= score <= 7:
        raise PeerInvalid({"score": "Please choose one of the seven answers."})
    check = BelongingCheck.objects.select_for_update().get(pk=check.pk)
    if check.answered_at is not None:
        raise PeerInvalid({"score": "You have already answered this one. Thank you."})
    check.score, check.answered_at = score, now
    check.tell_supporter = bool(tell_supporter) and is_low(score)
    check.save(update_fields=["score", "answered_at", "tell_supporter"])
    membership = check.membership
    if check.tell_supporter:
        notify(
            user=membership.group.moderator,
            subject=f"{membership.pseudonym} may not be feeling at home in {membership.group.name}",
            body="A member said the group is not feeling like a fit yet and would welcome a "
            "word from you. Open Tether.",
            link=reverse("moderation_queue"),
            purpose="peer-belonging-low",
            channels=("in_app",),
        )
    return check


def nudge_inactive_members(*, now: datetime | None = None, batch: int = 500) -> int:
    """Members who have not visited in three weeks get one gentle note with fresh
    suggestions; they are not told again until they visit."""
    now = now or timezone.now()
    told = 0
    quiet = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        inactivity_nudged_at=None,
        last_visited_at__lte=now - NO_VISIT,
    ).select_related("group", "patient__user")[:batch]
    for membership in quiet:
        with transaction.atomic():
            if not Membership.objects.filter(pk=membership.pk, inactivity_nudged_at=None).update(
                inactivity_nudged_at=now
            ):
                continue
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
            told += 1
    return told
