"""API tokens: a person lists and revokes only their own. Another person's token, whoever
asks (an admin of the same practice included), is unknown: the same 404 as a token that does
not exist."""

from django.db.models import QuerySet

from tether.access.lookup import one_or_404
from tether.accounts.models import ApiToken, User


def my_api_tokens(user: User) -> QuerySet[ApiToken]:
    """Return `user`'s own API tokens, newest first (revoked and expired ones included, for
    the record); none for an anonymous visitor or an inactive account."""
    if not user.is_authenticated or not user.is_active:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def get_my_api_token(user: User, token_id: object) -> ApiToken:
    """Return `user`'s own token with the public id `token_id`, else raise Http404."""
    return one_or_404(my_api_tokens(user), token_id, "token", field="public_id")
