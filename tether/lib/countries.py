"""The countries a practice may be in: those the crisis-resources file has lines for.

Lives in lib because the practice model (accounts) needs it and the crisis app, which owns
the file's full reading, sits above accounts."""

import json
from functools import cache

from django.conf import settings

# Shown in the practice's settings; a code without a name is shown as the code.
COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "CA": "Canada",
    "AU": "Australia",
    "IE": "Ireland",
    "NZ": "New Zealand",
}


@cache
def _codes(path: str) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(json.load(f)["countries"])


def crisis_countries() -> list[tuple[str, str]]:
    """Return (code, name) for each country the crisis-resources file covers."""
    return [
        (code, COUNTRY_NAMES.get(code, code))
        for code in _codes(str(settings.CRISIS_RESOURCES_FILE))
    ]
