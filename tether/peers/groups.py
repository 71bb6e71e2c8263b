"""Writes for peer groups and their memberships: creating, changing and archiving a group,
its meeting times, joining it under a pseudonym, leaving, and recording a visit.

Everything here that a practice admin types (a group's name, who it is for, where it meets)
is staff text: it is not crisis-screened, which is for what patients and trusted people
write."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from tether.accounts.models import Patient, Practice, Role, User
from tether.lib.embedding import embed
from tether.peers.belonging import FIRST_BELONGING_CHECK
from tether.peers.errors import PeerInvalid, clean_text
from tether.peers.models import (
    DESCRIPTION_MAX_CHARS,
    PSEUDONYM_MAX_CHARS,
    BelongingCheck,
    GroupMeeting,
    IdentityTag,
    MatchingState,
    Membership,
    PeerGroup,
    vector_to_bytes,
)

_PSEUDONYM = re.compile(r"^[\w][\w .'-]*$")


def bump_matching(practice: Practice) -> None:
    """Tell every process that this practice's matching index is out of date."""
    state, _ = MatchingState.objects.get_or_create(practice=practice)
    MatchingState.objects.filter(pk=state.pk).update(version=F("version") + 1)


def tags_by_id(tag_ids) -> list[IdentityTag]:
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
    practice. The description is embedded again on every save, so matching always reads the
    words the group shows. An archived group is not changed."""
    if group is not None and group.archived_at is not None:
        raise PeerInvalid({"name": "This group is archived, so it can no longer be changed."})
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
    who_for = clean_text(who_for, "who_for", limit=DESCRIPTION_MAX_CHARS, what="who it is for")
    tags = tags_by_id(tag_ids)
    group = group or PeerGroup(practice=practice)
    group.name, group.who_for, group.moderator, group.is_open = name, who_for, moderator, is_open
    group.embedding = vector_to_bytes(embed(who_for))
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise PeerInvalid({"name": f"The practice already has a group called “{name}”."}) from None
    group.tags.set(tags)
    bump_matching(practice)
    return group


@transaction.atomic
def archive_group(*, group: PeerGroup, now: datetime | None = None) -> PeerGroup:
    """Archive `group`: it takes no new members or posts and is no longer suggested, and its
    members keep reading what was shared. Nothing is deleted; archiving twice changes
    nothing."""
    if group.archived_at is None:
        group.archived_at = now or timezone.now()
        group.is_open = False
        group.save(update_fields=["archived_at", "is_open"])
        bump_matching(group.practice)
    return group


MEETING_PLACE_MAX_CHARS = 200
MEETING_MINUTES = (15, 240)


@transaction.atomic
def add_meeting(
    *,
    group: PeerGroup,
    starts_at: datetime,
    duration_minutes: int,
    where: str,
    now: datetime | None = None,
) -> GroupMeeting:
    """Add a meeting time to `group`, shown to its members on the group page."""
    problems = {}
    if group.archived_at is not None:
        problems["starts_at"] = "This group is archived, so it has no more meetings."
    elif timezone.is_naive(starts_at):
        problems["starts_at"] = "Give a time with its time zone."
    elif starts_at <= (now or timezone.now()):
        problems["starts_at"] = "Please choose a time in the future."
    low, high = MEETING_MINUTES
    if not low <= duration_minutes <= high:
        problems["duration_minutes"] = f"Please choose between {low} and {high} minutes."
    where = " ".join((where or "").split())
    if not where:
        problems["where"] = "Please say where it meets, e.g. “Online (link in the group)”."
    elif len(where) > MEETING_PLACE_MAX_CHARS:
        problems["where"] = f"Please keep this to {MEETING_PLACE_MAX_CHARS} characters."
    if problems:
        raise PeerInvalid(problems)
    return GroupMeeting.objects.create(
        group=group, starts_at=starts_at, duration_minutes=duration_minutes, where=where
    )


@transaction.atomic
def remove_meeting(*, group: PeerGroup, meeting_id: int) -> None:
    """Remove one of `group`'s meeting times (another group's, or an unknown one, is left)."""
    GroupMeeting.objects.filter(group=group, pk=meeting_id).delete()


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
    if not group.is_open or group.archived_at is not None:
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
            bump_matching(group.practice)
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
    bump_matching(membership.group.practice)
    return membership


def record_visit(*, membership: Membership, now: datetime | None = None) -> None:
    now = now or timezone.now()
    Membership.objects.filter(pk=membership.pk).update(
        last_visited_at=now, inactivity_nudged_at=None
    )
