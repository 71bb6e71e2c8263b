"""Absolute links to this site. Lives in lib because emails, text messages, calendar feeds
and alert pages in every app need a link a person can open outside the browser session."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return `path` (e.g. from `reverse`) as a full URL on settings.SITE_URL; an empty
    link or one that is already absolute comes back unchanged."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path
