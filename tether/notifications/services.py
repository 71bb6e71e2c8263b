"""Sending messages. Each one gets a Delivery record first; the send happens after the
transaction that asked for it commits, and its outcome (sent, or failed with the reason) is
written back. Retries with backoff arrive with the background-work engine."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient
from tether.notifications.models import Delivery

log = logging.getLogger(__name__)


def queue_email(
    *, to: str, subject: str, body: str, purpose: str, patient: Patient | None = None
) -> Delivery:
    """Record an email and send it once the current transaction commits."""
    delivery = Delivery.objects.create(
        channel=Delivery.Channel.EMAIL,
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        patient=patient,
    )
    # robust: a failed send must never turn the request that asked for it into an error.
    transaction.on_commit(lambda: deliver(delivery.pk), robust=True)
    return delivery


def deliver(delivery_id) -> Delivery:
    """Try to send one queued delivery and record what happened."""
    delivery = Delivery.objects.get(pk=delivery_id)
    if delivery.status == Delivery.Status.SENT:
        return delivery
    delivery.attempts += 1
    try:
        EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.to],
        ).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001  (every failure is recorded, none is lost)
        log.warning("Email %s to %s failed: %s", delivery.pk, delivery.to, error)
        delivery.status = Delivery.Status.FAILED
        delivery.error = f"{type(error).__name__}: {error}"
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
    delivery.save(update_fields=["status", "attempts", "error", "sent_at"])
    return delivery
