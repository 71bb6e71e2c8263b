"""Request and response shapes for /api/v1/me/tokens: a person's own API tokens."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ApiToken

Status = Literal[tuple(ApiToken.Status.values)]
RevokedBecause = Literal[tuple(["", *ApiToken.RevokedBecause.values])]


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=100, description='What you call it, e.g. "EHR sync".'
    )
    expires_in_days: int = Field(
        TOKEN_DEFAULT_DAYS,
        ge=1,
        le=TOKEN_MAX_DAYS,
        description=f"Days until it stops working: {TOKEN_DEFAULT_DAYS} unless you choose "
        f"fewer, at most {TOKEN_MAX_DAYS}. A token made with a token expires no later than "
        "the token it was made with.",
    )


class TokenOut(Schema):
    id: UUID
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(
        description="To the minute: written at most once a minute."
    )
    revoked_at: datetime | None
    revoked_because: RevokedBecause
    status: Status


class TokenCreatedOut(TokenOut):
    token: str = Field(
        description="The token itself, shown this once: only its hash is kept. Send it as "
        "`Authorization: Bearer <token>`."
    )
