"""Demo data for notifications: preferences, a few in-app notifications, and one text that
failed every retry so /staff/deliveries/ has something to show. Called by load_demo once."""

from datetime import time, timedelta

from tether.accounts.models import Patient, Practice, User
from tether.notifications.models import (
    MAX_ATTEMPTS,
    Delivery,
    Notification,
    NotificationPreference,
)


def load(*, practice: Practice, now) -> None:
    staff = {u.username: u for u in User.objects.filter(practice=practice)}
    patient = Patient.objects.filter(practice=practice, user__username="demo-patient").first()
    if patient is not None:
        NotificationPreference.objects.update_or_create(
            user=patient.user,
            defaults={
                "email_enabled": True,
                "sms_enabled": True,
                "phone": "+12015550123",
                "quiet_hours_start": time(21, 0),
                "quiet_hours_end": time(8, 0),
            },
        )
    clinician = staff.get("demo-clinician")
    if clinician is not None:
        NotificationPreference.objects.update_or_create(
            user=clinician,
            defaults={"email_enabled": True, "sms_enabled": True, "phone": "+12015550142"},
        )
    coordinator = staff.get("demo-coordinator")
    if coordinator is not None:
        for hours, text in (
            (1, "An outreach task is due today"),
            (26, "Your daily outreach digest is ready"),
        ):
            notification = Notification.objects.create(
                user=coordinator, text=text, link="/", purpose="demo"
            )
            Notification.objects.filter(pk=notification.pk).update(
                created_at=now - timedelta(hours=hours)
            )
    if patient is not None:
        failed = Delivery.objects.create(
            channel=Delivery.Channel.SMS,
            to="+12015550199",
            body="Tether reminder: Check-in tomorrow at 10:00 AM.",
            purpose="appointment-reminder",
            patient=patient,
            user=patient.user,
            status=Delivery.Status.FAILED,
            attempts=MAX_ATTEMPTS,
            error="SmsError: Twilio answered HTTP 400: The 'To' number is not a valid phone "
            "number.",
            next_attempt_at=None,
        )
        Delivery.objects.filter(pk=failed.pk).update(created_at=now - timedelta(hours=3))
