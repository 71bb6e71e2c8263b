"""Text messages behind a small backend interface, like Django's email backends.

`send_sms(to, body)` hands the message to the class named by settings.SMS_BACKEND:
- ConsoleBackend prints it (the demo's default, with DEBUG on);
- TwilioBackend POSTs it to Twilio's Messages API with the standard library.

A backend raises SmsError when the message was not accepted; the caller records the reason
on the Delivery and retries later (see services.deliver).
"""

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "tether.notifications.sms.ConsoleBackend"


class SmsError(Exception):
    """The provider did not accept the message; the text says why."""


class BaseBackend:
    def send(self, to: str, body: str) -> str:
        """Send one message; return the provider's id for it (or "")."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Print the message instead of sending it (the demo)."""

    def send(self, to: str, body: str) -> str:
        sys.stdout.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return ""


class TwilioBackend(BaseBackend):
    """Twilio's REST API: POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth."""

    timeout = 10

    def send(self, to: str, body: str) -> str:
        sid = getattr(settings, "TWILIO_ACCOUNT_SID", "")
        token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
        sender = getattr(settings, "TWILIO_FROM", "")
        if not (sid and token and sender):
            raise SmsError(
                "Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_FROM."
            )
        base = getattr(settings, "TWILIO_API_BASE", "https://api.twilio.com").rstrip("/")
        url = f"{base}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
        if not url.startswith(("https://", "http://")):
            raise SmsError(f"TWILIO_API_BASE must be an http(s) address, not {base!r}.")
        data = urllib.parse.urlencode({"To": to, "From": sender, "Body": body}).encode()
        credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310  (scheme checked above)
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise SmsError(
                f"Twilio answered HTTP {error.code}: {_twilio_message(error.read())}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"Could not reach Twilio: {reason}") from None
        try:
            return str(json.loads(payload).get("sid", ""))
        except (ValueError, AttributeError):
            return ""


def _twilio_message(raw: bytes) -> str:
    """Return Twilio's own explanation from an error body, or the body itself (trimmed)."""
    try:
        data = json.loads(raw)
        return str(data.get("message") or data)[:300]
    except (ValueError, AttributeError):
        return raw.decode(errors="replace")[:300] or "no details"


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(to: str, body: str) -> str:
    """Send one text message through the configured backend; raise SmsError on failure."""
    return get_backend().send(to, body)
