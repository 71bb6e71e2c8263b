"""A record of every message Tether sends, so nothing is dropped without a trace; in-app
notifications; each person's notification preferences; and the claim rows that make
reminders, digests and the calendar link happen exactly once."""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q

from tether.accounts.models import Patient, User

# Attempt n failed → try again this long after it. After the last attempt the delivery stays
# failed, visible in the admin and on /staff/deliveries/.
RETRY_BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What the message is for, e.g. "trusted-invitation"; lets a sweep find its own.
    purpose = models.CharField(max_length=40)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The Tether user it went to, when it went to one (staff digests, on-call alerts).
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the retry sweep may (re)try it; null once sent or out of attempts.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The retry sweep reads only rows that may still be sent.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_retry_due",
                condition=Q(status__in=["queued", "failed"], next_attempt_at__isnull=False),
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to}: {self.subject or self.purpose}"

    @property
    def gave_up(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is None


class Notification(models.Model):
    """An in-app notification, listed at /notifications/ and counted in the nav."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"


class NotificationPreference(models.Model):
    """How someone wants to hear from Tether. Quiet hours are in their local time (the
    patient's time zone, else the practice's)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("Email me", default=True)
    sms_enabled = models.BooleanField("Text me", default=False)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"


class AppointmentReminder(models.Model):
    """Claimed before a reminder is sent: one per appointment and channel, ever."""

    appointment = models.ForeignKey(
        "engagement.Appointment", on_delete=models.CASCADE, related_name="reminders"
    )
    channel = models.CharField(max_length=10, choices=Delivery.Channel.choices)
    delivery = models.ForeignKey(Delivery, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "channel"], name="one_reminder_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} reminder for {self.appointment_id}"


class OutreachDigest(models.Model):
    """Claimed before a staff member's daily digest is sent: one per local day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    delivery = models.ForeignKey(Delivery, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.date}"


class CalendarFeed(models.Model):
    """The patient's secret calendar link: bumping token_version retires every old link."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="+")
    token_version = models.PositiveIntegerField(default=1)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"
