"""The one "cannot be saved" shape for peer communities, and the text check every write
shares."""

from tether.lib.errors import PleaseCheck


class PeerInvalid(PleaseCheck):
    """Input that cannot be saved; `problems` maps each field to what is wrong with it."""


def clean_text(value: str, field: str, *, limit: int, what: str) -> str:
    """Return `value` stripped, or raise PeerInvalid when it is empty or longer than `limit`."""
    value = (value or "").strip()
    if not value:
        raise PeerInvalid({field: f"Please write {what}."})
    if len(value) > limit:
        raise PeerInvalid(
            {field: f"Please keep it to {limit:,} characters (it has {len(value):,})."}
        )
    return value
