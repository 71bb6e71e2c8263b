"""Characters no database column of Tether can hold, found before anything is saved.

PostgreSQL refuses a NUL character (U+0000) in text, and a lone surrogate (U+D800 to U+DFFF
on its own, which JSON's "\\ud800" and a browser's mangled form data can produce) is not
valid UTF-8, so neither SQLite nor PostgreSQL can store it. Either was a server error, or on
SQLite a NUL saved silently. The API (tether.api.parsing) and the web views that read text
without a form (`unstorable_fields`) refuse such text with UNSTORABLE_MESSAGE, and nothing is
saved."""

import re

UNSTORABLE_MESSAGE = (
    "That text contains a character we can't store. Please remove it and try again."
)

# In a Python string a surrogate code point is always a lone one: a valid pair decodes to
# the single character it encodes.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    """Return whether `text` can be saved: it has no NUL character and no lone surrogate."""
    return _UNSTORABLE.search(text) is None


def without_unstorable(text: str) -> str:
    """Return `text` with its NUL characters and lone surrogates removed: the words the
    person meant, for the crisis detector to read (nothing else uses this)."""
    return _UNSTORABLE.sub("", text)


def unstorable_fields(**texts: str) -> dict[str, str]:
    """Return UNSTORABLE_MESSAGE by the name of each of `texts` that cannot be stored: the
    problems of a view that reads text from request.POST itself rather than through a form
    (a form's CharField already refuses a NUL; Django's form parsing replaces a lone
    surrogate with U+FFFD)."""
    return {name: UNSTORABLE_MESSAGE for name, text in texts.items() if not is_storable(text)}
