"""Measurement-based care: treatment episodes, the practice's thresholds, the weekly case
review and its recommendations. The rules themselves are pure functions in targets.py."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from tether.accounts.models import Patient, Practice
from tether.care.targets import DEFAULTS, Thresholds


class CareSettings(models.Model):
    """A practice's treat-to-target thresholds; defaults from CLINICAL.md (IMPACT, AIMS)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="care_settings"
    )
    response_percent = models.PositiveSmallIntegerField(default=DEFAULTS.response_percent)
    remission_below = models.PositiveSmallIntegerField(default=DEFAULTS.remission_below)
    relapse_at = models.PositiveSmallIntegerField(default=DEFAULTS.relapse_at)
    not_improving_weeks = models.PositiveSmallIntegerField(default=DEFAULTS.not_improving_days // 7)
    change_plan_weeks = models.PositiveSmallIntegerField(default=DEFAULTS.change_plan_days // 7)
    reassess_due_days = models.PositiveSmallIntegerField(default=DEFAULTS.reassess_due_days)
    reassess_overdue_days = models.PositiveSmallIntegerField(default=DEFAULTS.reassess_overdue_days)
    first_contact_days = models.PositiveSmallIntegerField(default=DEFAULTS.first_contact_days)
    contact_overdue_days = models.PositiveSmallIntegerField(default=DEFAULTS.contact_overdue_days)
    caseload_limit = models.PositiveSmallIntegerField(default=DEFAULTS.caseload_limit)
    dropout_weeks = models.PositiveSmallIntegerField(default=DEFAULTS.dropout_days // 7)
    small_cohort = models.PositiveSmallIntegerField(default=DEFAULTS.small_cohort)

    class Meta:
        verbose_name_plural = "care settings"

    def __str__(self) -> str:
        return f"Care settings of {self.practice}"

    def thresholds(self) -> Thresholds:
        return Thresholds(
            response_percent=self.response_percent,
            remission_below=self.remission_below,
            relapse_at=self.relapse_at,
            not_improving_days=self.not_improving_weeks * 7,
            change_plan_days=self.change_plan_weeks * 7,
            reassess_due_days=self.reassess_due_days,
            reassess_overdue_days=self.reassess_overdue_days,
            first_contact_days=self.first_contact_days,
            contact_overdue_days=self.contact_overdue_days,
            caseload_limit=self.caseload_limit,
            dropout_days=self.dropout_weeks * 7,
            small_cohort=self.small_cohort,
        )


def thresholds_for(practice: Practice) -> Thresholds:
    found = CareSettings.objects.filter(practice=practice).first()
    return found.thresholds() if found else DEFAULTS


class TreatmentEpisode(models.Model):
    """One course of care, from its start (baseline PHQ-9 and/or GAD-7) to discharge."""

    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Completed treatment"
        DISCHARGED = "discharged", "Discharged"
        TRANSFERRED = "transferred", "Transferred elsewhere"
        STOPPED = "stopped", "Stopped coming"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=15, choices=EndReason.choices, blank=True)
    program = models.ForeignKey(
        "engagement.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(ended_on__isnull=True), name="one_open_episode"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-started_on"], name="episode_patient")]

    def __str__(self) -> str:
        return f"Episode from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class CaseReview(models.Model):
    """The weekly systematic case review of one practice, led by a psychiatric consultant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="case_reviews")
    week_of = models.DateField()  # the Monday of the review's week
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_of"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "week_of"], name="one_review_a_week")
        ]

    def __str__(self) -> str:
        return f"Case review, week of {self.week_of}"


class Recommendation(models.Model):
    """The consultant's recommendation for one patient: a task for the treating clinician."""

    class Kind(models.TextChoices):
        INCREASE_DOSE = "increase_dose", "Increase the dose"
        CHANGE_MEDICATION = "change_medication", "Change or add a medication"
        ADD_THERAPY = "add_therapy", "Add or change psychotherapy"
        REFER = "refer", "Refer (specialty care)"
        CONTINUE = "continue", "Continue the current plan"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Carried out"
        NOT_DONE = "not_done", "Not carried out"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="recommendations")
    episode = models.ForeignKey(
        TreatmentEpisode, on_delete=models.PROTECT, related_name="recommendations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=2000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recommendations"
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "episode"], name="one_recommendation_per_review"
            )
        ]
        indexes = [
            models.Index(
                fields=["assigned_to", "created_at"],
                condition=Q(status="open"),
                name="open_recommendations",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
