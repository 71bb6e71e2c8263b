"""What the patient is going through, in their own words, and the groups it suggests.

The words are screened like every free text a patient writes (crisis.screening): they are
used for matching, and the care team reads them only when they sound like the patient may be
in danger (a crisis result raises a risk alert quoting them) or a person should look soon (a
concern, on the staff review page). Other members never see them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient, Practice
from tether.crisis.models import ScreenedText
from tether.crisis.screening import Screening, screen_text
from tether.lib.embedding import embed
from tether.peers import matching
from tether.peers.errors import clean_text
from tether.peers.groups import bump_matching, tags_by_id
from tether.peers.models import (
    DESCRIPTION_MAX_CHARS,
    ExperienceProfile,
    IdentityTag,
    MatchingState,
    Membership,
    PeerGroup,
    vector_from_bytes,
    vector_to_bytes,
)


@dataclass(frozen=True)
class ExperienceSaved:
    profile: ExperienceProfile
    screening: Screening


@transaction.atomic
def save_experience(
    *,
    patient: Patient,
    description: str,
    tag_ids=(),
    share_for_matching: bool = False,
    now: datetime | None = None,
) -> ExperienceSaved:
    """Save what the patient is going through, in their words, and screen them. Other members
    never see them; a crisis result raises a risk alert for the care team in the same
    transaction, and the page then shows the crisis resources instead of suggestions."""
    now = now or timezone.now()
    description = clean_text(
        description,
        "description",
        limit=DESCRIPTION_MAX_CHARS,
        what="a few words about what you are going through",
    )
    tags = tags_by_id(tag_ids)
    profile, _ = ExperienceProfile.objects.update_or_create(
        patient=patient,
        defaults={
            "description": description,
            "share_for_matching": share_for_matching,
            "embedding": vector_to_bytes(embed(description)),
            "updated_at": now,
        },
    )
    profile.tags.set(tags)
    bump_matching(patient.practice)
    screening = screen_text(
        patient=patient,
        text=description,
        route=ScreenedText.Route.EXPERIENCE,
        written_by=patient.user,
        at=now,
    )
    return ExperienceSaved(profile=profile, screening=screening)


_cache: dict[object, tuple[int, matching.MatchIndex]] = {}
_cache_lock = threading.Lock()


def practice_index(practice: Practice) -> matching.MatchIndex:
    """This process's index of the practice's open, unarchived groups and shared member
    profiles, rebuilt when the practice's MatchingState version moves."""
    version = (
        MatchingState.objects.filter(practice=practice).values_list("version", flat=True).first()
        or 0
    )
    with _cache_lock:
        cached = _cache.get(practice.pk)
        if cached and cached[0] == version:
            return cached[1]
    groups = list(
        PeerGroup.objects.filter(practice=practice, is_open=True, archived_at=None)
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
    query = vector_from_bytes(profile.embedding) if profile is not None else None
    if profile is None or query is None:
        return []
    tags = frozenset(profile.tags.values_list("pk", flat=True))
    mine = frozenset(
        Membership.objects.filter(patient=patient, status=Membership.Status.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    scores = matching.rank(
        practice_index(patient.practice),
        query,
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
