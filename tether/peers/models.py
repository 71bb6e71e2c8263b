"""Peer communities: groups matched by shared experience, pseudonymous memberships, posts,
moderation and the belonging check.

Members are known to each other only by the pseudonym they chose for the group. Nothing here
holds clinical data; a post that raises a risk alert links to the alert, which lives in
`crisis` and is seen only by the author's care team.
"""

import uuid

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from tether.accounts.models import Patient, Practice

POST_MAX_CHARS = 2000
DESCRIPTION_MAX_CHARS = 2000
PSEUDONYM_MAX_CHARS = 30


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    return np.frombuffer(bytes(data), dtype="<f4")


class IdentityTag(models.Model):
    """A word people use for who they are or what they live with, shared across practices."""

    class Kind(models.TextChoices):
        EXPERIENCE = "experience", "Experience"
        LIFE_STAGE = "life_stage", "Life stage"
        COMMUNITY = "community", "Community"
        LANGUAGE = "language", "Language"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [models.UniqueConstraint(fields=["kind", "label"], name="unique_tag")]

    def __str__(self) -> str:
        return self.label


class PeerGroup(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="peer_groups")
    name = models.CharField(max_length=120)
    # Who it is for, in members' own terms ("new parents with anxiety or low mood after birth").
    who_for = models.TextField(max_length=DESCRIPTION_MAX_CHARS)
    tags = models.ManyToManyField(IdentityTag, blank=True, related_name="groups")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderated_groups"
    )
    is_open = models.BooleanField(default=True)  # closed groups take no new members
    # Archived by the practice admin: no new members or posts, not offered in matching;
    # members keep reading what was shared (peers.groups.archive_group).
    archived_at = models.DateTimeField(null=True, blank=True)
    embedding = models.BinaryField(null=True, blank=True)  # of `who_for`, float32 little-endian
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "practice", Lower("name"), name="unique_group_name_per_practice"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMeeting(models.Model):
    """An optional regular meeting of a group (online or in person), shown to its members."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    where = models.CharField(max_length=200)  # "Online (link in the group)", "Room 2"

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.group} meeting at {self.starts_at:%Y-%m-%d %H:%M}"


class ExperienceProfile(models.Model):
    """What the patient is going through, in their own words, used for matching only."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="experience_profile"
    )
    description = models.TextField(max_length=DESCRIPTION_MAX_CHARS)
    tags = models.ManyToManyField(IdentityTag, blank=True, related_name="profiles")
    # Consent: let these words (never shown to anyone) help match others to my groups.
    share_for_matching = models.BooleanField(default=False)
    embedding = models.BinaryField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Experience profile {self.pk}"  # never the words themselves


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Member"
        LEFT = "left", "Left"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.PROTECT, related_name="memberships")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="memberships")
    pseudonym = models.CharField(max_length=PSEUDONYM_MAX_CHARS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    match_reason = models.CharField(max_length=300, blank=True)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    last_visited_at = models.DateTimeField()
    # When the next belonging question is due (two weeks after joining, then monthly).
    belonging_due_at = models.DateTimeField()
    # Set when a member was told "you haven't visited in a while", so they are told once.
    inactivity_nudged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "patient"],
                condition=Q(status="active"),
                name="one_active_membership_per_group",
            ),
            models.UniqueConstraint(
                "group",
                Lower("pseudonym"),
                condition=Q(status="active"),
                name="unique_pseudonym_in_group",
            ),
        ]
        indexes = [
            models.Index(
                fields=["belonging_due_at"], condition=Q(status="active"), name="belonging_due"
            ),
            models.Index(
                fields=["last_visited_at"],
                condition=Q(status="active", inactivity_nudged_at__isnull=True),
                name="membership_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym  # never the patient's name


class BelongingCheck(models.Model):
    """The one-item social identification question for one membership (Postmes et al. 2013):
    "I identify with [this group]", 1 (strongly disagree) to 7 (strongly agree)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="belonging_checks"
    )
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The member agreed that the group's peer supporter may hear that it is not fitting.
    tell_supporter = models.BooleanField(default=False)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=7),
                name="belonging_score_1_to_7",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(answered_at__isnull=True),
                name="one_open_belonging_check",
            ),
        ]

    def __str__(self) -> str:
        return f"Belonging check for {self.membership}"


class Post(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"
        # Possible crisis: its author and the moderators see it at once; other members only
        # once a moderator has reviewed it.
        HELD = "held", "Held for a peer supporter to see first"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="posts")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    # Stored as typed; templates escape it, so markup is shown as text and never runs.
    body = models.TextField(max_length=POST_MAX_CHARS)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    # Crisis-language detection: it only orders the moderator's queue and raises an alert.
    crisis_language = models.BooleanField(default=False)
    crisis_reason = models.CharField(max_length=300, blank=True)
    risk_alert = models.ForeignKey(
        "crisis.RiskAlert", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # In the moderator's queue until a moderator has acted on it.
    needs_review = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["group", "created_at"], name="post_group_time"),
            models.Index(fields=["author", "created_at"], name="post_author_time"),
            models.Index(
                fields=["group", "-crisis_language", "created_at"],
                condition=Q(needs_review=True),
                name="post_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"Post by {self.author} in {self.group}"


class PostReport(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_member")
        ]

    def __str__(self) -> str:
        return f"Report on {self.post_id}"


class ModerationAction(models.Model):
    """Every moderation step, kept for good: who did what to which post, and why."""

    class Kind(models.TextChoices):
        HIDE = "hide", "Hid the post"
        RESTORE = "restore", "Restored the post"
        ESCALATE = "escalate", "Escalated to the author's care team"
        KEEP = "keep", "Reviewed and left as it is"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="moderation")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


class MatchingState(models.Model):
    """A counter bumped whenever a practice's groups or shared profiles change, so each
    process knows when its in-memory vector index is stale."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Matching version {self.version}"
