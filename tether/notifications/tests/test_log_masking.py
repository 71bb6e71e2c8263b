"""A failed send logs the address or number masked: a log is read by more people than the
Delivery row, which keeps both in full for the people who review failed messages."""

import logging
import socket

from tether.notifications.models import Delivery
from tether.notifications.services import queue_email, queue_sms


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_failed_email_logs_no_full_address(
    settings, caplog, db, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    caplog.set_level(logging.WARNING)

    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="jamie.patel@example.org", subject="Hi", body="Hi", purpose="test")

    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert "j***@example.org" in caplog.text
    assert "jamie.patel" not in caplog.text


def test_a_failed_text_logs_no_full_number(twilio, caplog, db, django_capture_on_commit_callbacks):
    twilio.status = 500
    caplog.set_level(logging.WARNING)

    with django_capture_on_commit_callbacks(execute=True):
        queue_sms(to="(201) 555-0123", body="Hi", purpose="test")

    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert Delivery.objects.get().to == "+12015550123"  # kept in full where it is needed
    assert "+1******0123" in caplog.text
    assert "2015550123" not in caplog.text
