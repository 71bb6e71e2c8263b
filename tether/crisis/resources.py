"""Crisis resources, read from the dated data file named by settings.CRISIS_RESOURCES_FILE.

The file holds defaults per country and optional replacements per practice (keyed by the
practice's slug). It is read once per process; a change needs a restart, which keeps a
half-edited file from ever reaching a patient.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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
