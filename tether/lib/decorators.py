"""View decorators shared by the apps."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from tether.access import is_care_staff

View = Callable[..., HttpResponse]


def care_staff_required(view: View) -> View:
    """Let coordinators, clinicians and admins in; everyone else gets the same 404 as for a
    page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_care_staff(request.user):
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def patient_required(view: View) -> View:
    """Let signed-in patients in; others get a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_patient:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper
