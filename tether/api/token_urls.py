"""The page for a person's own API tokens (tether.api.token_pages)."""

from django.urls import path

from tether.api import token_pages

urlpatterns = [
    path("me/api-tokens/", token_pages.api_tokens, name="api_tokens"),
    path(
        "me/api-tokens/<uuid:token_id>/revoke/",
        token_pages.api_token_revoke,
        name="api_token_revoke",
    ),
]
