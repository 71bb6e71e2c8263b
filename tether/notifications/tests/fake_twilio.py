"""A local HTTP server that plays Twilio's Messages API, for SMS tests: it records each
request and answers 201 (accepted) or whatever status the test sets."""

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

SID = "AC00000000000000000000000000000000"
TOKEN = "fake-auth-token"
FROM = "+15005550006"


@dataclass
class TwilioRequest:
    path: str
    auth: tuple[str, str]
    form: dict[str, str]


@dataclass
class FakeTwilio:
    base: str = ""
    requests: list[TwilioRequest] = field(default_factory=list)
    status: int = 201  # what the next requests are answered with

    @property
    def texts(self) -> list[tuple[str, str]]:
        """(to, body) of every message received, accepted or not."""
        return [(r.form["To"], r.form["Body"]) for r in self.requests]


def _handler(fake: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
            user, _, password = base64.b64decode(encoded).decode().partition(":")
            fake.requests.append(TwilioRequest(self.path, (user, password), form))
            if fake.status == 201:
                body = {"sid": f"SM{len(fake.requests):032d}", "status": "queued"}
            else:
                body = {"code": 20500, "message": "Internal Server Error", "status": fake.status}
            payload = json.dumps(body).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def twilio(settings) -> Iterator[FakeTwilio]:
    """Run a fake Twilio on 127.0.0.1 (a free port) and point the Twilio backend at it."""
    fake = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "tether.notifications.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM = FROM
    settings.TWILIO_API_BASE = fake.base
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
