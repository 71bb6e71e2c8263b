"""How /api/v1 reads a request: django-ninja's JSON and query parsing, plus the one rule that
no text an endpoint receives holds a character the database cannot store (a NUL or a lone
surrogate, tether.lib.text). Checking here, before any schema or endpoint runs, covers every
string of every body and query, nested or not; the refusal is a 400 in the API's error shape
(tether.api.errors), and nothing is saved."""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from tether.lib.text import is_storable


class UnstorableText(ValueError):
    """A request holding text the database cannot store: `fields` names where ("body",
    "warning_signs.0", "q"), `texts` are the strings as sent (the crisis detector reads them
    before the refusal is answered, tether.api.errors)."""

    def __init__(self, found: list[tuple[str, str]]):
        self.fields = [where for where, _ in found]
        self.texts = [text for _, text in found]
        super().__init__("Text the database cannot store in: " + ", ".join(self.fields))


def _unstorable(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Return (where, text) for each string in the parsed JSON `value`, keys included, that
    cannot be stored."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        if not is_storable(value):
            found.append((where, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            found += _unstorable(key, inner) + _unstorable(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _unstorable(item, f"{where}.{index}" if where else str(index))
    return found


class StrictParser(Parser):
    """Ninja's parser, refusing text the database cannot store."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        found = _unstorable(data)
        if found:
            # Ninja turns any parse error into "Cannot parse request body"; the error
            # handler finds this one as its cause and answers in plain words.
            raise UnstorableText(found)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        found = _unstorable(parsed)
        if found:
            raise UnstorableText(found)
        return parsed
