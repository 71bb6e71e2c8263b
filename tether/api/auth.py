"""How /api/v1 knows who is calling: a browser session (with CSRF) or a bearer token."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import User
from tether.accounts.tokens import authenticate_token
from tether.mfa.policy import has_passed_second_factor


class ApiRequest(AuthenticatedRequest):
    """The request an endpoint behind AUTH receives: `auth` is the User that AUTH returned (and
    `user` the same person). For the type checker only; ninja passes an ordinary HttpRequest.
    An endpoint with `auth=None` takes a plain HttpRequest."""

    auth: User


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: a token that is unknown, expired or revoked, or whose
    owner is inactive, gets the same 401 (tether.accounts.tokens.authenticate_token). The
    token itself is left on `request.api_token`, so a token made with it expires no later."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class ActiveSession(SessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF protects a signed-in session. Without one the caller is simply not signed in
        # (or sent a wrong token) and must get 401, not "CSRF check failed". So does a session
        # that has not passed its second factor: it reaches no data until it has.
        if not request.user.is_authenticated or not has_passed_second_factor(request):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # ninja's SessionAuth reads only request.user: refuse here too what _get_key refused.
        if key is None:
            return None
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [BearerToken(), ActiveSession()]
