"""What a field's OpenAPI schema says beyond its pydantic type."""

from collections.abc import Iterable

from pydantic.json_schema import JsonDict, JsonValue


def one_of(values: Iterable[JsonValue], **schema: JsonValue) -> JsonDict:
    """Return `json_schema_extra` saying the field takes only `values` (an OpenAPI enum), with
    any other keywords of its schema (`type="string"` for a list's items).

    Written once because a TextChoices' `.values` is a list[str], and pydantic's JsonDict
    takes only lists typed as holding any JSON value (a list's type is invariant)."""
    return {**schema, "enum": list(values)}
