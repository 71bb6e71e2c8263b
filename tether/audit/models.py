"""Who looked at or changed which patient's data or which account, and when (HIPAA §164.312(b)
audit controls).

Rows are only ever added: `AuditEvent.save()` refuses to change an existing row, and neither a
row nor a queryset can be deleted or updated through the ORM (the admin shows them read-only).
Reads of a patient's records are recorded by the access doors (tether.audit.trail); sensitive
look-ups (linking a peer pseudonym) and account events (an admin lifting a lockout, resetting a
colleague's second factor, revoking a token) through tether.audit.services.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from tether.accounts.models import Patient, Practice


class AppendOnlyError(Exception):
    """An audit row was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are never deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEWED = "viewed", "Looked at"
        EXPORTED = "exported", "Downloaded"
        PSEUDONYM_REVEALED = "pseudonym_revealed", "Linked a peer pseudonym to the patient"
        ACCOUNT_UNLOCKED = "account_unlocked", "Lifted a sign-in lockout"
        FACTOR_RESET = "factor_reset", "Reset the second sign-in step"
        TOKEN_REVOKED = "token_revoked", "Revoked an API token"
        PASSWORD_RESET = "password_reset", "Reset the password"

    class Channel(models.TextChoices):
        WEB = "web", "Web page"
        API = "api", "API"
        EXPORT = "export", "Download"
        LINK = "link", "Signed link"
        SYSTEM = "system", "Outside a request"

    # Null when nobody with an account did it: a trusted person on a signed link (see actor_label).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    # The practice whose records or account this is about: scopes the admins' report.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    # The account an account event is about (the person unlocked, whose factor was reset).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    # The kind of record, in a clinician's words: "check-in scores", "safety plan".
    what = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-at"], name="audit_patient_time"),
            models.Index(fields=["practice", "-at"], name="audit_practice_time"),
            models.Index(fields=["actor", "-at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        who = self.actor or self.actor_label or "someone"
        return f"{who} {self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are never deleted.")
