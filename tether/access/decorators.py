"""The one role decorator for views: who may open a page at all, before any door decides
whose data they see."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBase

from tether.access.engagement import OUTREACH_ROLES
from tether.access.peers import MODERATOR_ROLES
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role

View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    """Return a decorator that lets in signed-in, active users of a practice with one of
    `roles`; anyone else signed in gets the same 404 as for a page that does not exist (and
    a visitor who is not signed in, the sign-in page)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_active or user.role not in roles or user.practice_id is None:
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The roles the pages are built for, named once.
patient_required = role_required(Role.PATIENT)
care_staff_required = role_required(Role.COORDINATOR, Role.CLINICIAN, Role.ADMIN)
outreach_worker_required = role_required(*OUTREACH_ROLES)
moderator_required = role_required(*MODERATOR_ROLES)
admin_required = role_required(Role.ADMIN)
