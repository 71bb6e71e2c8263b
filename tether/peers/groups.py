"""Writes for peer groups and their memberships: creating and changing a group, joining it
under a pseudonym, leaving, and recording a visit."""

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
