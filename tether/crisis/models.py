"""Risk alerts and their history."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tether.accounts.models import Patient, Practice


class RiskAlert(models.Model):
    """A risk signal that a human must see and act on. Never closed by software."""

    class Reason(models.TextChoices):
        PHQ9_ITEM9 = "phq9_item9", "PHQ-9 question 9 answered above 0"
        PATIENT_NOT_SAFE = "patient_not_safe", "Patient said “I'm not safe right now”"
        STAFF_RAISED = "staff_raised", "Raised by staff"
        CRISIS_LANGUAGE = "crisis_language", "Possible crisis language in something they wrote"
        PEER_ESCALATED = "peer_escalated", "Escalated by a peer supporter"
        CSSRS_POSITIVE = "cssrs_positive", "Columbia screener (C-SSRS) answered yes"

    class Triage(models.TextChoices):
        """The Columbia screener's triage level (CLINICAL.md); blank until it is answered."""

        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="risk_alerts")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    # By name, not by import: assessments sits above crisis (it raises alerts) and crisis
    # never imports it.
    assessment = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_alert",
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    # None: raised by Tether on text from someone without an account (a trusted person).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    # Escalation: 0 the on-call clinician was notified, 1 the backup, 2 the practice admin.
    # `next_escalation_at` is when the next step is due; None once acknowledged or when no
    # step is left. Each step is claimed by a conditional UPDATE on (pk, escalation_level).
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    on_call_shift = models.ForeignKey(
        "OnCallShift", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    # Said on the alert when escalation could not follow the rota, e.g. nobody was on call.
    escalation_note = models.CharField(max_length=200, blank=True)
    # How many times the whole chain has been paged again after reaching the admin.
    repage_count = models.PositiveSmallIntegerField(default=0)
    # Set from the patient's C-SSRS screener answers (crisis.triage); blank: not screened yet.
    triage = models.CharField(max_length=10, choices=Triage.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["patient", "status"]),
            # The escalation sweep reads only open alerts that have a step due.
            models.Index(
                fields=["next_escalation_at"],
                condition=models.Q(status="open", next_escalation_at__isnull=False),
                name="crisis_alert_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.patient} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def time_to_acknowledge(self):
        """How long the alert waited for a human, or None while nobody has acknowledged it."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at - self.created_at


class AlertEvent(models.Model):
    """One change of an alert's state: who, when, and what they wrote."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        NOTIFIED = "notified", "On-call clinician notified"
        ESCALATED = "escalated", "Escalated"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"
        NOTE = "note", "Note added"
        REPAGED = "repaged", "Paged again"
        AFTER_HOURS = "after_hours", "After-hours contact texted"
        FURTHER_SIGNAL = "further_signal", "Further risk signal"
        TRIAGED = "triaged", "Columbia screener answered"
        FOLLOW_UP = "follow_up", "Follow-up contact planned"

    alert = models.ForeignKey(RiskAlert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    # None: Tether itself (notifying and escalating).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whom a NOTIFIED or ESCALATED event went to.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        who = self.actor or "Tether"
        return f"{self.get_kind_display()} by {who} at {self.at:%Y-%m-%d %H:%M}"


class RiskScreen(models.Model):
    """One Columbia screener (C-SSRS, past-month screen version), offered after a positive
    PHQ-9 item 9 or "I'm not safe". Its answers set the triage level of the alert it follows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="risk_screens")
    alert = models.ForeignKey(
        RiskAlert, on_delete=models.PROTECT, null=True, blank=True, related_name="screens"
    )
    # Question key ("wish_dead", "thoughts", "method", "intent", "plan", "behavior",
    # "behavior_recent") -> True/False; questions the screener skipped are absent.
    answers = models.JSONField()
    triage = models.CharField(max_length=10, choices=RiskAlert.Triage.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["patient", "-completed_at"])]

    def __str__(self) -> str:
        return f"C-SSRS screen ({self.get_triage_display()}) for {self.patient}"


class ScreenedText(models.Model):
    """Free text a patient or trusted person wrote that screening put in front of a human:
    a *crisis* result (it also raised or added to a risk alert) or a *concern* (a person
    should look soon; no alert). The quote is kept so the reviewer sees what was written."""

    class Tier(models.TextChoices):
        CRISIS = "crisis", "Possible crisis"
        CONCERN = "concern", "Concern"

    class Route(models.TextChoices):
        PEER_POST = "peer_post", "Peer group post"
        EXPERIENCE = "experience", "Peer matching description"
        BELONGING = "belonging", "Peer group belonging comment"
        HELP_WANTED = "help_wanted", "What they would like help with"
        TRUSTED_NOTE = "trusted_note", "Trusted person's check-in note"
        SUPPORT_DETAILS = "support_details", "Notes on someone in their support map"
        MESSAGE = "message", "Message"
        OTHER = "other", "Other text"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screened_texts")
    route = models.CharField(max_length=20, choices=Route.choices)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    text = models.TextField()
    # What the detector saw, in words a reviewer can check.
    reasons = models.CharField(max_length=500, blank=True)
    # Written by a trusted person, not the patient (their name, for the reviewer).
    written_by_name = models.CharField(max_length=120, blank=True)
    alert = models.ForeignKey(
        RiskAlert, on_delete=models.PROTECT, null=True, blank=True, related_name="screened_texts"
    )
    created_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Who reviewed it and when; the words themselves never change, so they are not copied.
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["patient", "-created_at"],
                condition=models.Q(reviewed_at__isnull=True),
                name="screened_text_unreviewed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} in {self.get_route_display()} for {self.patient}"


class OnCallShift(models.Model):
    """One clinician on call for a practice's risk alerts over a time range, with a backup."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="on_call_shifts")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call_shifts"
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="backup_shifts",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="on_call_shift_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["practice", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.clinician} on call {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
