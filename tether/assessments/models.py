"""Completed self-assessments."""

import uuid

from django.conf import settings
from django.db import models

from tether.accounts.models import Patient
from tether.assessments.instruments import INSTRUMENTS, Instrument
from tether.assessments.scoring import subscale_means


class Assessment(models.Model):
    """One completed questionnaire with every item answer, as scored when it was submitted."""

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
        return f"{self.definition.name} {self.total} for {self.patient} at {when}"

    @property
    def definition(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def severity_label(self) -> str:
        return self.definition.band_for(self.total).label

    def subscale_means(self) -> dict[str, float]:
        return subscale_means(self.definition, self.answers)

    @property
    def mean(self) -> float:
        return round(self.total / len(self.definition.items), 2)

    def item_answers(self) -> list[tuple[str, int, str]]:
        """Return (question, value, option label) for each item, in order."""
        labels = {o.value: o.label for o in self.definition.options}
        return [
            (item.text, value, labels[value])
            for item, value in zip(self.definition.items, self.answers, strict=True)
        ]
