"""Measurement-based care: treatment episodes, the practice's thresholds, the weekly case
review and its recommendations. The rules themselves are pure functions in targets.py."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

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

    # Who changed the practice's care targets, and when.
    history = HistoricalRecords()

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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


class RegistryEntry(models.Model):
    """One patient's facts as the registry ranks them, rebuilt from the source records in the
    same transaction as every write that changes them (care.signals, care.entries), so the
    registry can flag, order and page thousands of patients in SQL.

    Nothing here depends on the day it is read: each time-bound rule of targets.py is stored
    as the first day it holds (e.g. `not_improving_from`), and the registry compares those
    days with today in the query (care.need). Rules that need no clock are stored as they are.
    The practice's thresholds are applied when the entry is built, so changing them rebuilds
    the practice's entries. The episode's course, shown but not ranked by, is a RegistryCourse,
    so that ranking thousands of entries reads narrow rows.

    The need rank itself is also kept, stamped for one day of the practice (`need`, `need_on`):
    the registry restamps what is stale before it reads (care.need.stamp), then walks the
    `registry_rank` index in need order and stops at the end of the page, so a page costs the
    same at 150 patients or 10,000. The patient's practice and name are copied here for that
    index."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="registry_entry"
    )
    # Copies of the patient's, for the registry_rank index.
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    # The open treatment episode, if any; every rule below but the last four needs one.
    episode = models.OneToOneField(
        TreatmentEpisode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    no_episode = models.BooleanField(default=True)  # orders patients in treatment first
    # Rules that need no clock.
    severe = models.BooleanField(default=False)
    relapse = models.BooleanField(default=False)
    no_baseline = models.BooleanField(default=False)
    # Time-bound rules: the first day each holds (None: it does not hold whatever the day).
    not_improving_from = models.DateField(null=True, blank=True)
    change_plan_from = models.DateField(null=True, blank=True)
    reassessment_due_from = models.DateField(null=True, blank=True)
    reassessment_overdue_from = models.DateField(null=True, blank=True)
    contact_overdue_from = models.DateField(null=True, blank=True)
    # With or without an episode.
    last_contact_at = models.DateTimeField(null=True, blank=True)  # care.contact; None: never
    open_alert = models.BooleanField(default=False)
    # The highest Columbia triage among the open alerts ("" when none is triaged) and its
    # rank (high 3, moderate 2, low 1, else 0), which orders open alerts in the registry.
    triage = models.CharField(max_length=10, blank=True)
    triage_rank = models.PositiveSmallIntegerField(default=0)
    last_missed_at = models.DateTimeField(null=True, blank=True)  # latest missed appointment
    missed_until = models.DateTimeField(null=True, blank=True)  # when its flag lapses
    # The need rank (targets.NEED_ORDER, 10 without a flag) as stamped on `need_on`, the
    # practice's day, at `stamped_at`; None until first stamped.
    need = models.PositiveSmallIntegerField(null=True, blank=True)
    need_on = models.DateField(null=True, blank=True)
    stamped_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "registry entries"
        indexes = [
            # The registry's order (care.registry), walked one page at a time.
            models.Index(
                fields=[
                    "practice",
                    "need",
                    "-triage_rank",
                    "no_episode",
                    "started_on",
                    "last_name",
                    "first_name",
                    "patient",
                ],
                name="registry_rank",
            ),
            # What care.need.stamp finds stale: stamped on another day, or a missed session's
            # flag lapsed since.
            models.Index(fields=["practice", "need_on"], name="registry_stamped_on"),
            models.Index(fields=["practice", "missed_until"], name="registry_missed_until"),
        ]

    def __str__(self) -> str:
        return f"Registry entry of patient {self.patient_id}"


class RegistryCourse(models.Model):
    """The open episode's course of each instrument, as targets.progress gives it (baseline,
    latest, change, response, remission), for the registry's rows, CSV and API; None without
    an episode. Rebuilt with the patient's RegistryEntry."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="registry_course"
    )
    phq9 = models.JSONField(null=True, blank=True)
    gad7 = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Registry course of patient {self.patient_id}"
