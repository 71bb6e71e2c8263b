"""Who looked at or changed which patient's data, and when (HIPAA §164.312(b) audit controls).

Rows are only ever added. Today it records the sensitive look-ups that need a trail of their
own (a care-team member linking a peer pseudonym to their patient); more will follow.
"""

from django.conf import settings
from django.db import models

from tether.accounts.models import Patient


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        PSEUDONYM_REVEALED = "pseudonym_revealed", "Linked a peer pseudonym to the patient"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="audit_events")
    action = models.CharField(max_length=40, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["patient", "-at"], name="audit_patient_time")]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
