"""A real SMTP server for email tests.

Tests that send email talk SMTP to an aiosmtpd server on 127.0.0.1, so the message goes
through Django's SMTP backend exactly as it would in production: headers, encoding and
connection failures included. Nothing leaves the machine.
"""

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """Every message the server accepted, in order, parsed as an email."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages sent to `address`."""
        return [
            m for m, rcpts in zip(self.messages, self.recipients, strict=True) if address in rcpts
        ]

    def clear(self) -> None:
        """Forget what was received so far."""
        self.messages.clear()
        self.recipients.clear()

    @staticmethod
    def body(message: EmailMessage) -> str:
        """Return the decoded plain-text body of `message`."""
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server(settings) -> Iterator[Received]:
    """Run an SMTP server for one test and point Django's SMTP backend at it."""
    received = Received()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield received
    finally:
        controller.stop()
