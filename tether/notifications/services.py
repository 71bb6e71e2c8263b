"""Sending messages. Each one gets a Delivery record first; the send happens after the
transaction that asked for it commits, and its outcome (sent, or failed with the reason) is
written back. A failed send is tried again by the retry sweep (sweeps.retry_failed_deliveries)
with backoff: 1, 5, 15 and 60 minutes; after the last attempt it stays failed and visible.

Every attempt is claimed first with a conditional UPDATE on the attempt count, so two
workers (or the on-commit send and the sweep) never send the same delivery twice, and a
worker killed mid-send leaves a row the sweep picks up again once its backoff has passed.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.accounts.zones import patient_zone
from tether.lib.errors import Invalid
from tether.lib.log_redaction import mask_contacts
from tether.lib.phones import normalise_phone
from tether.lib.urls import absolute_url
from tether.notifications.models import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF,
    Delivery,
    Notification,
    NotificationPreference,
)
from tether.notifications.sms import send_sms

log = logging.getLogger(__name__)

# A queued delivery whose on-commit send never ran (the process died) is picked up by the
# retry sweep after this long.
QUEUED_GRACE = RETRY_BACKOFF[0]


def _queue(
    *,
    channel: str,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    patient: Patient | None,
    user: User | None,
) -> Delivery:
    delivery = Delivery.objects.create(
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        patient=patient,
        user=user,
        next_attempt_at=timezone.now() + QUEUED_GRACE,
    )
    # robust: a failed send must never turn the request that asked for it into an error.
    transaction.on_commit(lambda: deliver(delivery.pk), robust=True)
    return delivery


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    patient: Patient | None = None,
    user: User | None = None,
) -> Delivery:
    """Record an email and send it once the current transaction commits."""
    return _queue(
        channel=Delivery.Channel.EMAIL,
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        patient=patient,
        user=user,
    )


def queue_sms(
    *,
    to: str,
    body: str,
    purpose: str,
    patient: Patient | None = None,
    user: User | None = None,
    country: str = "US",
) -> Delivery:
    """Record a text message to `to` (normalised to E.164; ValueError with a plain message if
    it is not a phone number) and send it once the current transaction commits."""
    return _queue(
        channel=Delivery.Channel.SMS,
        to=normalise_phone(to, country=country),
        subject="",
        body=body,
        purpose=purpose,
        patient=patient,
        user=user,
    )


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.SMS:
        send_sms(delivery.to, delivery.body)
        return
    EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to],
    ).send(fail_silently=False)


def claim(delivery: Delivery, *, now: datetime) -> bool:
    """Take the next attempt at `delivery` for this worker. The UPDATE matches only while
    nobody else has taken the attempt, so exactly one caller gets True. The claim already
    books the next try as if this one fails, so a worker killed mid-send loses nothing."""
    attempt = delivery.attempts + 1
    if attempt > MAX_ATTEMPTS:
        return False
    retry_at = now + RETRY_BACKOFF[attempt - 1] if attempt < MAX_ATTEMPTS else None
    taken = Delivery.objects.filter(
        pk=delivery.pk,
        attempts=delivery.attempts,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED],
    ).update(attempts=F("attempts") + 1, next_attempt_at=retry_at)
    if taken:
        delivery.attempts = attempt
        delivery.next_attempt_at = retry_at
    return bool(taken)


def deliver(delivery_id: UUID, *, now: datetime | None = None) -> Delivery:
    """Try to send one delivery, if no one else is, and record what happened."""
    now = now or timezone.now()
    delivery = Delivery.objects.get(pk=delivery_id)
    if delivery.status == Delivery.Status.SENT or not claim(delivery, now=now):
        return delivery
    return send_claimed(delivery)


def send_claimed(delivery: Delivery) -> Delivery:
    """Send a delivery whose attempt this worker has claimed (`claim`, committed first, so a
    send is never made for a claim that could still roll back) and record what happened."""
    try:
        _send(delivery)
    except Exception as error:  # noqa: BLE001  (every failure is recorded, none is lost)
        # Masked: a log is read by more people than the Delivery row (which keeps both).
        log.warning(
            "%s %s to %s failed (attempt %s of %s): %s",
            delivery.get_channel_display(),
            delivery.pk,
            mask_contacts(delivery.to),
            delivery.attempts,
            MAX_ATTEMPTS,
            mask_contacts(str(error)),
        )
        delivery.status = Delivery.Status.FAILED
        delivery.error = f"{type(error).__name__}: {error}"
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "error", "sent_at", "next_attempt_at"])
    return delivery


# --- Preferences ------------------------------------------------------------------------


def preference_for(user: User) -> NotificationPreference:
    """Return the user's preferences, or the defaults (email on, SMS off) unsaved."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def user_zone(user: User) -> ZoneInfo:
    """Return the zone a user's local times are in: the patient's own, else the practice's."""
    patient = Patient.objects.filter(user=user).select_related("practice").first()
    name = ""
    if patient is not None:
        name = patient_zone(patient)
    elif user.practice is not None:
        name = user.practice.time_zone
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def in_quiet_hours(preference: NotificationPreference, local: time) -> bool:
    """Return whether `local` (a wall-clock time) falls in the quiet hours; they may run
    across midnight (e.g. 21:00–08:00). Equal or missing ends mean no quiet hours."""
    start, end = preference.quiet_hours_start, preference.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = local.replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


class PreferenceInvalid(Invalid):
    """Notification preferences that cannot be saved."""


def save_preferences(
    *,
    user: User,
    email_enabled: bool,
    sms_enabled: bool,
    phone: str,
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
) -> NotificationPreference:
    """Check everything first, then save: a bad phone number saves nothing."""
    problems: dict[str, str] = {}
    phone = (phone or "").strip()
    country = user.practice.country if user.practice is not None else "US"
    if phone:
        try:
            phone = normalise_phone(phone, country=country)
        except ValueError as error:
            problems["phone"] = str(error)
    if sms_enabled and not phone and "phone" not in problems:
        problems["phone"] = "Add a mobile number to get text messages."
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        problems["quiet_hours_end"] = "Give both a start and an end for quiet hours, or neither."
    if problems:
        raise PreferenceInvalid(problems)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "email_enabled": email_enabled,
            "sms_enabled": sms_enabled,
            "phone": phone,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )
    return preference


# --- Notifying a person -----------------------------------------------------------------

ALL_CHANNELS = ("in_app", "email", "sms")


@dataclass
class Notified:
    notification: Notification | None = None
    deliveries: list[Delivery] = field(default_factory=list)


def notify(
    *,
    user: User,
    subject: str,
    body: str,
    link: str,
    purpose: str,
    channels: Sequence[str] = ALL_CHANNELS,
    patient: Patient | None = None,
) -> Notified:
    """Tell `user` something on each of `channels` they accept: in-app always; email when
    they have an address and email is on; SMS when they gave a phone and SMS is on. Quiet
    hours do not apply: this is for things that cannot wait (on-call alerts). Keep clinical
    detail out of `subject` and `body`; they travel by email and text."""
    unknown = set(channels) - set(ALL_CHANNELS)
    if unknown:
        raise ValueError(f"Unknown channels: {', '.join(sorted(unknown))}")
    preference = preference_for(user)
    result = Notified()
    with transaction.atomic():
        if "in_app" in channels:
            result.notification = Notification.objects.create(
                user=user, text=subject[:300], link=link, purpose=purpose
            )
        url = absolute_url(link)
        if "email" in channels and preference.email_enabled and user.email:
            text = f"{body}\n\n{url}\n" if url else f"{body}\n"
            result.deliveries.append(
                queue_email(
                    to=user.email,
                    subject=subject,
                    body=text,
                    purpose=purpose,
                    patient=patient,
                    user=user,
                )
            )
        if "sms" in channels and preference.sms_enabled and preference.phone:
            result.deliveries.append(
                queue_sms(
                    to=preference.phone,
                    body=f"Tether: {subject} {url}".strip(),
                    purpose=purpose,
                    patient=patient,
                    user=user,
                )
            )
    return result


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
