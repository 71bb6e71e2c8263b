"""Completed self-assessments."""

import uuid

from django.conf import settings
from django.db import models

from tether.accounts.models import Patient
from tether.assessments.instruments import INSTRUMENTS, Instrument
from tether.assessments.scoring import subscale_means


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def scored(self) -> "AssessmentQuerySet":
        """Return only complete, scored questionnaires. Every reader of totals, bands, trends
        and charts goes through this: an incomplete one (kept for its risk answer) has no
        total and must never count as a score."""
        return self.filter(complete=True)


class Assessment(models.Model):
    """One questionnaire with its item answers. Complete ones are scored when submitted; an
    incomplete one is kept, unscored, only when it carries a risk answer (PHQ-9 question 9)."""

    class Source(models.TextChoices):
        SELF_REPORT = "self_report", "Self-report"
        STAFF_ENTERED = "staff_entered", "Entered by staff during a call"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(
        max_length=10, choices=[(code, i.name) for code, i in INSTRUMENTS.items()]
    )
    # Answers in the instrument's item order, each one of its option values.
    answers = models.JSONField()
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    # An incomplete submission is kept (never scored) when it carries a risk answer: the
    # unanswered items are None in `answers`, and `total` and `severity` stay empty.
    complete = models.BooleanField(default=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=20, blank=True)
    risk = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["patient", "instrument", "-completed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(instrument__in=list(INSTRUMENTS)), name="known_instrument"
            ),
            models.CheckConstraint(
                condition=models.Q(complete=False) | models.Q(total__isnull=False),
                name="complete_assessment_has_total",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.completed_at:%Y-%m-%d}"
        score = self.total if self.complete else "(incomplete)"
        return f"{self.definition.name} {score} for {self.patient} at {when}"

    @property
    def definition(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def severity_label(self) -> str:
        return "" if self.total is None else self.definition.band_for(self.total).label

    def subscale_means(self) -> dict[str, float]:
        return subscale_means(self.definition, self.answers)

    @property
    def mean(self) -> float | None:
        if self.total is None:
            return None
        return round(self.total / len(self.definition.items), 2)

    @property
    def unanswered(self) -> list[int]:
        """Return the numbers of the questions left unanswered (only an incomplete one)."""
        return [
            item.number
            for item, value in zip(self.definition.items, self.answers, strict=True)
            if value is None
        ]

    def item_answers(self) -> list[tuple[str, int | None, str]]:
        """Return (question, value, option label) for each item, in order; an unanswered
        item has the value None and the label "Not answered"."""
        labels = {o.value: o.label for o in self.definition.options}
        return [
            (item.text, value, "Not answered" if value is None else labels[value])
            for item, value in zip(self.definition.items, self.answers, strict=True)
        ]
