"""Request and response shapes for peer communities in /api/v1. Members appear only by the
pseudonym they chose for a group: no shape here has a field for a patient's id or name.
Limits and choices come from the peers models and services, so the document cannot drift."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.api.input import Bounded
from tether.api.network_schemas import CrisisContactOut
from tether.api.openapi import one_of
from tether.crisis.resources import KINDS
from tether.peers.belonging import BELONGING_OPTIONS, LOW_BELONGING
from tether.peers.models import (
    DESCRIPTION_MAX_CHARS,
    POST_MAX_CHARS,
    PSEUDONYM_MAX_CHARS,
    IdentityTag,
    ModerationAction,
    Post,
)


class _Input(Bounded):
    # A misspelt field is an error, not a change silently left out.
    model_config = ConfigDict(extra="forbid")


# Limits are checked by the services, with the same plain-words messages as the web pages;
# the schema only documents them.
def _text(default, limit: int, description: str = ""):
    return Field(default, description=description, json_schema_extra={"maxLength": limit})


class TagOut(Schema):
    id: int
    kind: str = Field(..., json_schema_extra=one_of(IdentityTag.Kind.values))
    label: str


class GroupOut(Schema):
    id: UUID
    name: str
    who_for: str = Field(..., description="Who the group is for, in members' own terms.")
    tags: list[TagOut]


# --- Experience and suggestions --------------------------------------------------------------


class ExperienceIn(_Input):
    description: str = _text(
        ...,
        DESCRIPTION_MAX_CHARS,
        "What you are going through, in your own words. Used for matching; other members "
        "never see it, and your care team sees it only if it sounds like you may be in danger.",
    )
    tag_ids: list[int] = Field(default_factory=list, description="Ids from GET /peers/tags.")
    share_for_matching: bool = Field(
        False,
        description="Let these words (never shown to other members) help match others to "
        "your groups.",
    )


class ExperienceOut(Schema):
    description: str = Field(..., description="Empty until you have described it.")
    tags: list[TagOut]
    share_for_matching: bool
    updated_at: datetime | None = Field(..., description="Null until you have described it.")


class SuggestionOut(Schema):
    rank: int = Field(..., description="1 is the closest match.")
    group: GroupOut
    closeness: str = Field(..., examples=["Close to what you described"])
    reason: str = Field(..., description="Why it matched, in one line.")
    shared_tags: list[str] = Field(..., description="Labels of your tags the group also has.")


# --- Memberships -----------------------------------------------------------------------------


class JoinIn(_Input):
    pseudonym: str = _text(
        ...,
        PSEUDONYM_MAX_CHARS,
        "The name the group will know you by: 2 to 30 letters, numbers, spaces, dots, dashes "
        "or apostrophes, and not your own name.",
    )
    match_reason: str = _text(
        "", 300, "The suggestion's `reason`, kept so you can see later why you joined."
    )


class MembershipOut(Schema):
    id: UUID
    group: GroupOut
    pseudonym: str
    joined_at: datetime


# --- Posts -----------------------------------------------------------------------------------


class PostIn(_Input):
    body: str = _text(..., POST_MAX_CHARS)
    parent_id: UUID | None = Field(None, description="The post this replies to, if any.")


class PostOut(Schema):
    id: UUID
    parent_id: UUID | None
    author: str = Field(..., description="The author's pseudonym in this group.")
    created_at: datetime
    body: str | None = Field(..., description="Null when a moderator has hidden the post.")
    status: str = Field(
        ...,
        description="`held`: a peer supporter reads it first, then it appears for the group; "
        "only its author (and the group's moderators) see it until then.",
        json_schema_extra=one_of(Post.Status.values),
    )

    @staticmethod
    def resolve_author(post: Post) -> str:
        return post.author.pseudonym

    @staticmethod
    def resolve_body(post: Post) -> str | None:
        # A held post reaches a member's list only when it is their own (member_posts).
        return post.body if post.status != Post.Status.HIDDEN else None


class CrisisResourceOut(Schema):
    name: str
    kind: str = Field(..., json_schema_extra=one_of(KINDS))
    summary: str
    hours: str
    contacts: list[CrisisContactOut]


class PostCreatedOut(Schema):
    post: PostOut
    crisis_resources: list[CrisisResourceOut] = Field(
        ...,
        description="When the post may show someone in crisis: the practice's crisis "
        "resources, to show at once. Empty otherwise. The post is saved either way.",
    )
    support_message: str | None = Field(
        ..., description="Words to show with the crisis resources; null when there are none."
    )


class ExperienceSavedOut(ExperienceOut):
    crisis_resources: list[CrisisResourceOut] = Field(
        ...,
        description="When the words may show you are in danger: the practice's crisis "
        "resources, to show at once instead of group suggestions. Empty otherwise. The words "
        "are saved either way.",
    )
    support_message: str | None = Field(
        ..., description="Words to show with the crisis resources; null when there are none."
    )


class ReportIn(_Input):
    reason: str = _text("", 300, "Optional: what is wrong with the post.")


class ReportOut(Schema):
    post_id: UUID
    reason: str
    reported_at: datetime = Field(..., description="When you first reported it.")


# --- Moderation ------------------------------------------------------------------------------


class QueuedPostOut(PostOut):
    group: str = Field(..., description="The group's name.")
    group_id: UUID
    body: str | None = Field(..., description="Moderators see the text even when hidden.")
    crisis_language: bool = Field(..., description="The crisis-language detector flagged it.")
    crisis_reason: str = Field(..., description="What the detector saw, or empty.")
    reports: list[str] = Field(..., description="Members' reasons for reporting it, if any.")

    @staticmethod
    def resolve_group(post: Post) -> str:
        return post.group.name

    @staticmethod
    def resolve_body(post: Post) -> str:
        return post.body

    @staticmethod
    def resolve_reports(post: Post) -> list[str]:
        return [report.reason for report in post.reports.all()]


class ModerationIn(_Input):
    kind: str = Field(..., json_schema_extra=one_of(ModerationAction.Kind.values))
    note: str = Field("", description="Required to escalate: what worried you, in a few words.")


class ModerationOut(Schema):
    kind: str = Field(..., json_schema_extra=one_of(ModerationAction.Kind.values))
    note: str
    at: datetime
    post: QueuedPostOut


# --- Belonging -------------------------------------------------------------------------------


class BelongingOptionOut(Schema):
    value: int
    label: str


class BelongingCheckOut(Schema):
    id: int
    group_id: UUID
    question: str = Field(..., examples=["I identify with New parents."])
    options: list[BelongingOptionOut]
    asked_at: datetime


class BelongingIn(_Input):
    score: int = Field(
        ...,
        description="; ".join(f"{value} {label}" for value, label in BELONGING_OPTIONS) + ".",
        json_schema_extra={"minimum": 1, "maximum": 7},
    )
    tell_supporter: bool = Field(
        False,
        description="When the answer is low: let the group's peer supporter hear (by your "
        "pseudonym only) that the group is not feeling like a fit yet.",
    )


class BelongingAnswerOut(Schema):
    low: bool = Field(..., description=f"The answer was {LOW_BELONGING} or below.")
    suggestions: list[SuggestionOut] = Field(
        ..., description="When low: other groups that may fit better. Empty otherwise."
    )
