"""Crisis resources, read from the dated data file named by settings.CRISIS_RESOURCES_FILE.

The file holds defaults per country and optional replacements per practice (keyed by the
practice's slug). It is read once per process; a change needs a restart, which keeps a
half-edited file from ever reaching a patient.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.checks import Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

KINDS = ("emergency", "crisis_line", "support_line")
METHODS = ("call", "text", "chat")
FALLBACK_COUNTRY = "US"


@dataclass(frozen=True)
class Contact:
    method: str  # call, text or chat
    label: str
    value: str
    body: str = ""  # the word to text, e.g. HOME

    @property
    def href(self) -> str:
        """Return a one-tap link: tel:, sms: (with the word to send) or the chat page."""
        if self.method == "call":
            return f"tel:{self.value}"
        if self.method == "text":
            return f"sms:{self.value}" + (f"?&body={quote(self.body)}" if self.body else "")
        return self.value


@dataclass(frozen=True)
class Resource:
    name: str
    kind: str
    summary: str
    contacts: tuple[Contact, ...]
    hours: str = ""

    @property
    def is_crisis_line(self) -> bool:
        return self.kind in ("emergency", "crisis_line")


@dataclass(frozen=True)
class Directory:
    reviewed_on: date
    review_every_days: int
    countries: dict[str, tuple[Resource, ...]]
    practices: dict[str, tuple[Resource, ...]]


def _parse_resources(raw: list[dict], where: str) -> tuple[Resource, ...]:
    resources = []
    for entry in raw:
        if entry.get("kind") not in KINDS:
            raise ImproperlyConfigured(
                f"{where}: {entry.get('name')!r} has kind {entry.get('kind')!r}"
            )
        contacts = tuple(Contact(**c) for c in entry["contacts"])
        for contact in contacts:
            if contact.method not in METHODS:
                raise ImproperlyConfigured(f"{where}: unknown contact method {contact.method!r}")
        resources.append(
            Resource(
                name=entry["name"],
                kind=entry["kind"],
                summary=entry.get("summary", ""),
                contacts=contacts,
                hours=entry.get("hours", ""),
            )
        )
    return tuple(resources)


def load_directory(path: Path) -> Directory:
    """Return the crisis directory in `path`, refusing a file that is malformed."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    countries = {
        country: _parse_resources(items, f"{path} [{country}]")
        for country, items in data["countries"].items()
    }
    # Every unknown country falls back to this list, so a file without it could show nothing.
    if not countries.get(FALLBACK_COUNTRY):
        raise ImproperlyConfigured(f"{path}: needs a non-empty {FALLBACK_COUNTRY!r} list")
    return Directory(
        reviewed_on=date.fromisoformat(data["reviewed_on"]),
        review_every_days=int(data.get("review_every_days", 180)),
        countries=countries,
        practices={
            slug: _parse_resources(items, f"{path} [practice {slug}]")
            for slug, items in data.get("practices", {}).items()
        },
    )


@cache
def directory() -> Directory:
    return load_directory(settings.CRISIS_RESOURCES_FILE)


def resources_for(*, country: str = "US", practice_slug: str | None = None) -> tuple[Resource, ...]:
    """Return the crisis resources for a practice (its own list if it has one, else its
    country's), falling back to the United States list rather than showing nothing."""
    d = directory()
    # An empty practice list falls through to the country's, as an empty country list does.
    if practice_slug and d.practices.get(practice_slug):
        return d.practices[practice_slug]
    return d.countries.get(country.upper()) or d.countries[FALLBACK_COUNTRY]


# --- Review date ----------------------------------------------------------------------------

STALE_CHECK_ID = "tether.W010"


def review_due_on(d: Directory | None = None) -> date:
    """Return the day the crisis-resources file is due for its next review."""
    d = d or directory()
    return d.reviewed_on + timedelta(days=d.review_every_days)


def stale_resources_warning(*, today: date, d: Directory | None = None) -> str:
    """Return a warning for practice admins when the crisis-resources file is past its
    review date (crisis numbers change: 988's press-3 option ended in 2025), else ""."""
    d = d or directory()
    due = review_due_on(d)
    if today <= due:
        return ""
    return (
        f"The crisis lines Tether shows your patients were last reviewed on "
        f"{d.reviewed_on:%-d %B %Y} and were due for review on {due:%-d %B %Y}. Please check "
        "every number and update the crisis-resources file (its reviewed_on date)."
    )


@register()
def check_crisis_resources_reviewed(app_configs=None, **kwargs) -> list[Warning]:
    """Warn (manage.py check) when the crisis-resources file is past its review date."""
    message = stale_resources_warning(today=timezone.localdate())
    if not message:
        return []
    return [
        Warning(
            message,
            hint=f"Review {settings.CRISIS_RESOURCES_FILE} and set reviewed_on to today.",
            id=STALE_CHECK_ID,
        )
    ]
