"""Nothing secret or identifying in the logs.

A signed link (a trusted person's invitation, check-in or plan link, a patient's plan link,
a calendar feed, a password reset) is a key: whoever reads it in a log can open the page for
as long as it lives, up to 14 days. So every logged path has the value of each URL
parameter named in SECRET_PARAMETERS replaced with `[redacted]`, and any path segment shaped
like a value from django.core.signing (`payload:timestamp:signature`) too, for paths that
match no route. Email addresses and phone numbers in log messages are masked
(`j***@example.org`, `+1******4567`): enough to tell two apart, not to contact anyone.

`RedactingFilter` applies both to every record it sees: LOGGING puts it on Django's request
and development-server loggers and on the console handler; gunicorn's access log goes
through `tether.lib.gunicorn_logging.RedactingLogger` (gunicorn.conf.py).
"""

import logging
import re

from django.urls import Resolver404, resolve

REDACTED = "[redacted]"

# URL parameters that carry a secret. A new route whose parameter is a credential should
# name it one of these, and its paths are redacted with no other change.
SECRET_PARAMETERS = frozenset({"token", "uidb64"})

# A value from django.core.signing.dumps: base64 payload (".…" when compressed), a
# timestamp and a signature, joined by colons.
_SIGNED = re.compile(r"^\.?[\w-]{6,}:[\w-]+(:[\w-]+)?(\.ics)?$")
_PATH = re.compile(r"/[^\s\"'?#]*")
_EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
_PHONE = re.compile(r"\+(\d)[\d ().-]{6,18}(\d{4})\b")


def mask_email(address: str) -> str:
    """Return `address` with all of its local part but the first character hidden."""
    return _EMAIL.sub(r"\1***@\2", address)


def mask_phone(number: str) -> str:
    """Return an E.164 `number` with all but its first and last four digits hidden."""
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 5:
        return "*" * len(digits)
    return f"+{digits[0]}{'*' * (len(digits) - 5)}{digits[-4:]}"


def mask_contacts(text: str) -> str:
    """Return `text` with every email address and international phone number masked."""
    text = _EMAIL.sub(r"\1***@\2", text)
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


def _route_secrets(path: str) -> set[str]:
    try:
        match = resolve(path)
    except Resolver404:
        return set()
    except Exception:  # noqa: BLE001  (a log line must never fail; the shape check still runs)
        return set()
    return {str(value) for name, value in match.kwargs.items() if name in SECRET_PARAMETERS}


def redact_path(path: str) -> str:
    """Return `path` (a query string, if any, is kept) with its secret segments redacted."""
    base, sep, query = path.partition("?")
    secrets = _route_secrets(base)
    segments = base.split("/")
    for index, segment in enumerate(segments):
        stem = segment.removesuffix(".ics")
        if stem in secrets or segment in secrets or _SIGNED.match(segment):
            segments[index] = REDACTED + (".ics" if segment.endswith(".ics") else "")
    return "/".join(segments) + sep + query


def redact_text(text: str) -> str:
    """Return `text` with every path in it redacted and every contact detail masked."""
    return mask_contacts(_PATH.sub(lambda match: redact_path(match.group(0)), text))


class RedactingFilter(logging.Filter):
    """Rewrite a record's message with its paths redacted and contact details masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (let the handler report a broken record as usual)
            return True
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
