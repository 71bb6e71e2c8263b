"""What the OpenAPI document says beyond what ninja writes: a field's schema beyond its
pydantic type, and the error answers every operation can give."""

from collections.abc import Iterable
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from pydantic.json_schema import JsonDict, JsonValue


def one_of(values: Iterable[JsonValue], **schema: JsonValue) -> JsonDict:
    """Return `json_schema_extra` saying the field takes only `values` (an OpenAPI enum), with
    any other keywords of its schema (`type="string"` for a list's items).

    Written once because a TextChoices' `.values` is a list[str], and pydantic's JsonDict
    takes only lists typed as holding any JSON value (a list's type is invariant)."""
    return {**schema, "enum": list(values)}


# The answers any operation can give, whether or not its endpoint declares them: ninja answers
# a path, query or body its schema refuses with 400, and a caller without a session or a valid
# token with 401, before the endpoint runs (tether.api.errors gives both the one error shape).
COMMON_ERRORS = {
    "400": "The request is not valid: a parameter or the body (see `problems`).",
    "401": "Not signed in: no session, and no valid `Authorization: Bearer` token.",
}


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the COMMON_ERRORS on every operation that can
    give them, so the document tells the truth about every answer (tests/test_api_schema.py
    holds it to that)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                # ninja keys the answers an endpoint declares by number (400), JSON by text:
                # one key each, or the document carries "400" twice (Swagger UI refuses it).
                responses = operation["responses"] = {
                    str(status): answer for status, answer in operation["responses"].items()
                }
                takes_input = operation.get("parameters") or "requestBody" in operation
                if takes_input and "400" not in responses:
                    responses["400"] = {"description": COMMON_ERRORS["400"], "content": error}
                if operation.get("security") and "401" not in responses:
                    responses["401"] = {"description": COMMON_ERRORS["401"], "content": error}
        return schema
