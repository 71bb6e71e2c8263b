"""The one pagination of /api/v1 lists: django-ninja's limit/offset, with the offset bounded
too. Ninja caps `limit` (settings.NINJA_PAGINATION_MAX_LIMIT) but not `offset`, and an offset
past what the database's integers hold (e.g. 89334509131215028224) was a server error; now it
is a 400 like any other bad query parameter."""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

# Far beyond any list a practice holds, well inside SQLite's and PostgreSQL's 64-bit integers.
MAX_OFFSET = 1_000_000_000


class Pages(LimitOffsetPagination):
    """Limit/offset pages: `limit` 1 to NINJA_PAGINATION_MAX_LIMIT, `offset` 0 to MAX_OFFSET."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
