"""Health information is never kept by a browser or a shared cache.

Every response to a signed-in person, and every API response (token-authenticated requests
carry no session, so they are recognised by their path), goes out with Django's never-cache
headers (`Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`). Pages a
trusted person opens through a signed link set the same headers in their views.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Add the never-cache headers to every response that may carry health information."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)
        return response
