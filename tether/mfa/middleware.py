"""Keep a session that has not passed its second factor away from everything else.

After the password, a person who must use a second factor (tether.mfa.policy) reaches only the
pages of this step, signing out, password reset and the public pages; every other page sends
them to the step (setting a factor up, or entering a code), and comes back afterwards. The API
is left to its own authentication, which refuses such a session (tether.api.auth).
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from tether.accounts.models import User
from tether.mfa.policy import has_passed_second_factor, has_second_factor

# The pages of the factor step itself.
STEP_PAGES = frozenset({"mfa_verify", "mfa_enrol", "mfa_recovery_codes"})
# Pages that are open to anyone, signed in or not: signing in and out, the crisis lines, and
# what a signed link opens (the link is the key there, not the session).
OPEN_PAGES = frozenset(
    {
        "login",
        "logout",
        "help",
        "admin:logout",
        "safety_plan_by_link",
        "trusted_invitation",
        "trusted_check_in",
        "trusted_check_in_thanks",
        "trusted_safety_plan",
        "calendar_feed",
    }
)
# Password reset (tether.accounts): every page whose name starts so.
OPEN_PREFIXES = ("password_reset",)
# The API authenticates each request itself (tether.api.auth).
OWN_AUTH_NAMESPACES = frozenset({"api-v1"})


def is_open_while_unverified(request: HttpRequest) -> bool:
    """Return whether the page asked for may be opened before the second factor."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # a 404 all the same
    name = match.view_name
    return (
        name in STEP_PAGES
        or name in OPEN_PAGES
        or name.startswith(OPEN_PREFIXES)
        or bool(OWN_AUTH_NAMESPACES & set(match.namespaces))
    )


class SecondFactorMiddleware:
    """Send a signed-in person who has not passed their second factor to that step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not has_passed_second_factor(request)
            and not is_open_while_unverified(request)
        ):
            step = "mfa_verify" if has_second_factor(user) else "mfa_enrol"
            url = reverse(step)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        return self.get_response(request)
