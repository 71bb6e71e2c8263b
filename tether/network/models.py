"""A patient's support network: contacts by layer, trusted people and their consent, the
safety plan."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tether.accounts.models import Patient
from tether.network.layers import Layer


class SupportContact(models.Model):
    """One support the patient relies on: a person, a group, a professional, a program or a
    crisis line they saved. Supports Tether already knows about (the care team, and later
    groups and programs) join the map without a row here."""

    class Kind(models.TextChoices):
        TRUSTED_PERSON = "trusted_person", "Trusted person"
        PEER_GROUP = "peer_group", "Peer group"
        PROFESSIONAL = "professional", "Professional"
        PROGRAM = "program", "Digital program"
        CRISIS_RESOURCE = "crisis_resource", "Saved crisis line"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        DECLINED = "declined", "Declined"

    class Relationship(models.TextChoices):
        # Matches the MSPSS subscales, so a low subscale can be set beside an empty layer.
        FAMILY = "family", "Family"
        PARTNER = "partner", "Partner or someone special"
        FRIEND = "friend", "Friend"
        OTHER = "other", "Someone else"

    class Invitation(models.TextChoices):
        NOT_INVITED = "not_invited", "Not invited"
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=10, choices=Relationship.choices, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15551234567")
    email = models.EmailField(blank=True)
    details = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Trusted people only.
    invitation = models.CharField(
        max_length=12, choices=Invitation.choices, default=Invitation.NOT_INVITED
    )
    # Scopes a staff member suggested; nothing is shared until the patient confirms them.
    suggested_scopes = models.JSONField(default=list, blank=True)
    check_in_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    next_nudge_at = models.DateTimeField(null=True, blank=True)
    last_checked_in_at = models.DateTimeField(null=True, blank=True)
    # Bumped to invalidate every link already sent to this person at once.
    link_version = models.PositiveIntegerField(default=0)

    # Not the bookkeeping of the nudge schedule (a sweep moves it on with an UPDATE).
    history = HistoricalRecords(excluded_fields=["updated_at", "next_nudge_at"])

    class Meta:
        ordering = ["kind", "name"]
        indexes = [
            models.Index(fields=["patient", "kind"]),
            # The nudge sweep reads only due rows.
            models.Index(
                fields=["next_nudge_at"], condition=Q(next_nudge_at__isnull=False), name="nudge_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def layer(self) -> Layer:
        return KIND_LAYER[self.kind]

    @property
    def is_trusted_person(self) -> bool:
        return self.kind == self.Kind.TRUSTED_PERSON


KIND_LAYER: dict[str, Layer] = {
    SupportContact.Kind.CRISIS_RESOURCE: Layer.CRISIS,
    SupportContact.Kind.TRUSTED_PERSON: Layer.RELATIONAL,
    SupportContact.Kind.PEER_GROUP: Layer.PEER,
    SupportContact.Kind.PROFESSIONAL: Layer.PROFESSIONAL,
    SupportContact.Kind.PROGRAM: Layer.DIGITAL,
}


class ConsentScope(models.TextChoices):
    """What a patient lets one trusted person see or be told. Nothing else is ever shared:
    never assessment answers or scores."""

    NUDGE_CHECK_IN = "nudge_check_in", "Remind them to check in with me"
    MISSED_SESSION = "missed_session", "Tell them if I miss a session"
    SEE_SAFETY_PLAN = "see_safety_plan", "Let them see my safety plan"


def scope_for_trusted(scope: str, name: str) -> str:
    """Return what a scope means, worded for the trusted person about the patient `name`."""
    return {
        ConsentScope.NUDGE_CHECK_IN: f"Reminders to check in with {name}",
        ConsentScope.MISSED_SESSION: f"A note if {name} misses a session",
        ConsentScope.SEE_SAFETY_PLAN: f"{name}'s safety plan",
    }[ConsentScope(scope)]


class Consent(models.Model):
    """One scope granted to one trusted person. Withdrawal is a timestamp, so history stays."""

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=20, choices=ConsentScope.choices)
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "scope"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "active"
        return f"{self.get_scope_display()} for {self.contact} ({state})"


class TrustedCheckIn(models.Model):
    """A trusted person said "I checked in"."""

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["contact", "-at"])]

    def __str__(self) -> str:
        return f"{self.contact.name} checked in at {self.at:%Y-%m-%d}"


class SafetyPlan(models.Model):
    """One version of a patient's safety plan (Stanley–Brown structure, Tether's own wording).
    Versions are never edited: saving writes the next one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="safety_plans")
    version = models.PositiveIntegerField()
    # Each step is a list of short entries, in the patient's own words.
    warning_signs = models.JSONField(default=list)
    coping_on_my_own = models.JSONField(default=list)
    distractions = models.JSONField(default=list)
    people_to_ask = models.JSONField(default=list)
    professionals = models.JSONField(default=list)
    safer_surroundings = models.JSONField(default=list)
    reasons_for_living = models.JSONField(default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    with_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the plan was made together with a clinician during a session.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="one_plan_per_version")
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} for {self.patient}"
