"""/api/v1/me/tokens: a person lists, makes and revokes their own API tokens (the web page
is tether.api.token_pages). Tokens are looked up through tether.access.tokens, so another
person's token is a 404, and changed through tether.accounts.tokens. Revocation by the owner
is recorded in the audit trail (revoke_own_token, which the page uses too)."""

from uuid import UUID

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from tether.access.tokens import get_my_api_token, my_api_tokens
from tether.accounts.models import ApiToken, User
from tether.accounts.tokens import TokenInvalid, issue_token, revoke_token
from tether.api.auth import ApiRequest
from tether.api.errors import INVALID, NOT_FOUND, invalid
from tether.api.pagination import Pages
from tether.api.tokens_schemas import TokenCreatedOut, TokenIn, TokenOut
from tether.audit.models import AuditEvent
from tether.audit.services import record_account_event
from tether.lib.pagination import Rows

router = Router(tags=["tokens"])


def revoke_own_token(*, user: User, token: ApiToken) -> bool:
    """Revoke `user`'s own `token` and record it in the audit trail; return False (and
    record nothing) when it was already revoked."""
    revoked = revoke_token(token=token, because=ApiToken.RevokedBecause.OWNER)
    if revoked:
        record_account_event(
            actor=user,
            subject=user,
            action=AuditEvent.Action.TOKEN_REVOKED,
            detail=f"API token {token.name!r}",
        )
    return revoked


def token_out(token: ApiToken) -> dict:
    """Return the token as the API and the page show it (never its secret or hash)."""
    return {
        "id": token.public_id,
        **{f: getattr(token, f) for f in ("name", "created_at", "expires_at", "last_used_at")},
        **{f: getattr(token, f) for f in ("revoked_at", "revoked_because")},
        "status": token.status(timezone.now()),
    }


@router.get("/me/tokens", response=list[TokenOut])
@paginate(Pages)
def list_tokens(request: ApiRequest):
    """Your own API tokens, newest first, with revoked and expired ones (kept for the
    record); paginated."""
    return Rows(my_api_tokens(request.auth), lambda page: [token_out(t) for t in page])


@router.post("/me/tokens", response={201: TokenCreatedOut, **INVALID})
def create_token(request: ApiRequest, payload: TokenIn):
    """Make a token for yourself. The answer holds the token itself, this once."""
    calling_token = getattr(request, "api_token", None)
    try:
        issued = issue_token(
            user=request.auth,
            name=payload.name,
            expires_in_days=payload.expires_in_days,
            not_after=calling_token.expires_at if calling_token is not None else None,
        )
    except TokenInvalid as error:
        return invalid(error)
    return Status(201, {**token_out(issued.token), "token": issued.secret})


@router.post("/me/tokens/{token_id}/revoke", response={200: TokenOut, **NOT_FOUND})
def revoke(request: ApiRequest, token_id: UUID):
    """Revoke one of your tokens: it is refused from now on, and kept in the list. Revoking
    a revoked token changes nothing."""
    token = get_my_api_token(request.auth, token_id)
    revoke_own_token(user=request.auth, token=token)
    return token_out(token)
