"""The request a view sees once a sign-in decorator has let it through.

Django types `request.user` as `User | AnonymousUser`, because middleware puts an anonymous
user on every request. A view behind `login_required` or a role decorator only ever sees a
signed-in `User`; annotating its request as `AuthenticatedRequest` says so to the type
checker. Django still builds an ordinary HttpRequest: this class is never instantiated.
"""

from django.http import HttpRequest

from tether.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """An HttpRequest whose user is signed in."""

    user: User
