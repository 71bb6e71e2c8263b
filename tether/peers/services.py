"""Writes and rules for peer communities, one module per noun; this module gathers them so
callers (views, the API) import from one place.

- groups.py: groups (adding, changing, archiving, meeting times), joining, leaving, visits
- experience.py: what the patient is going through (screened), matching and suggestions
- posts.py: posts and replies (screened; a possible crisis is held for a moderator), reports
- moderation.py: moderation actions and the audited pseudonym look-up (who may moderate or
  look up a pseudonym is decided in tether.access)
- belonging.py: the belonging check and the note to members who have not visited
  (the sweeps that send them are in sweeps.py, not gathered here)
"""

from tether.peers.belonging import (
    BELONGING_EVERY,
    BELONGING_OPTIONS,
    BELONGING_QUESTION,
    FIRST_BELONGING_CHECK,
    LOW_BELONGING,
    NO_VISIT,
    answer_belonging,
    is_low,
)
from tether.peers.errors import PeerInvalid
from tether.peers.experience import (
    ExperienceSaved,
    Suggestion,
    practice_index,
    save_experience,
    suggest_groups,
)
from tether.peers.groups import (
    add_meeting,
    archive_group,
    join_group,
    leave_group,
    record_visit,
    remove_meeting,
    save_group,
)
from tether.peers.moderation import moderate, reveal_member
from tether.peers.posts import (
    POST_WINDOW,
    POSTS_PER_DAY,
    POSTS_PER_WINDOW,
    PostResult,
    create_post,
    report_post,
)

__all__ = [
    "BELONGING_EVERY",
    "BELONGING_OPTIONS",
    "BELONGING_QUESTION",
    "FIRST_BELONGING_CHECK",
    "LOW_BELONGING",
    "NO_VISIT",
    "POSTS_PER_DAY",
    "POSTS_PER_WINDOW",
    "POST_WINDOW",
    "ExperienceSaved",
    "PeerInvalid",
    "PostResult",
    "Suggestion",
    "add_meeting",
    "answer_belonging",
    "archive_group",
    "create_post",
    "is_low",
    "join_group",
    "leave_group",
    "moderate",
    "practice_index",
    "record_visit",
    "remove_meeting",
    "report_post",
    "reveal_member",
    "save_experience",
    "save_group",
    "suggest_groups",
]
