"""How /api/v1 says no: one error shape, {"detail": "...", "problems": [...]}, for bad input
(400), not signed in (401), a role that may not (403), a record one may not see (404) and a
state conflict (409); the helpers the endpoints raise or return it with; and the exception
handlers that turn the services' errors into it.

Text the database cannot store (tether.api.parsing) is refused before any endpoint runs, so
nothing is saved and no risk alert is raised. A patient whose refused words read as a
possible crisis (the detector every screening uses) still gets the crisis resources in the
400, with words saying plainly that nothing was saved and no one has read it yet."""

from collections.abc import Iterable, Mapping

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tether import access
from tether.accounts.models import Role, User
from tether.api.parsing import UnstorableText
from tether.api.peers_schemas import CrisisResourceOut
from tether.assessments.scoring import AnswersInvalid
from tether.crisis.resources import resources_for
from tether.crisis.screening import CRISIS, detect
from tether.crisis.services import AlertStateError, ShiftInvalid
from tether.crisis.triage import ScreenInvalid
from tether.lib.errors import Invalid
from tether.lib.text import UNSTORABLE_MESSAGE, without_unstorable
from tether.network.services import NetworkError, OnlyThePatientShares, SafetyPlanInvalid
from tether.network.sharing import OnlyStaffSuggest
from tether.network.validation import ContactInvalid


class Error(Schema):
    detail: str
    problems: list[str] = []


class TextRefused(Error):
    crisis_resources: list[CrisisResourceOut] = Field(
        [],
        description="When text was refused for a character that cannot be stored and a "
        "patient's words may show they are in crisis: the practice's crisis resources, to "
        "show at once. Absent otherwise.",
    )
    support_message: str | None = Field(
        None, description="Words to show with the crisis resources; absent when there are none."
    )


# The error answers most endpoints declare beside their success.
NOT_FOUND = {404: Error}
INVALID = {400: Error, 404: Error}
# For endpoints that take a patient's own words, where a refusal may carry crisis resources.
WORDS_INVALID = {400: TextRefused, 404: Error}

# Said with the crisis resources when a patient's words were refused (see module docstring).
REFUSED_SUPPORT_MESSAGE = (
    "What you wrote was not saved, because it contains a character we can't store, so no "
    "one at the practice has read it yet. It sounds like things may be very hard right now: "
    "the people below are there to listen, day or night. Please try sending it again."
)


def problem_lines(error: Invalid, *, fields: Mapping[str, str] | None = None) -> list[str]:
    """Return the error's problems as "field: message" lines; `fields` renames a field the
    service names after the model to the one the request sent."""
    fields = fields or {}
    return [f"{fields.get(field, field)}: {message}" for field, message in error.problems.items()]


def invalid(error: Invalid, *, fields: Mapping[str, str] | None = None) -> Status:
    """Return the 400 answer for input a service refused (nothing was saved)."""
    return Status(400, {"detail": str(error), "problems": problem_lines(error, fields=fields)})


def require_care_staff(user: User, *, hide: bool = False) -> None:
    """Raise unless `user` is care staff (a coordinator, clinician or practice admin): 403
    saying so, or with `hide` the 404 of a record one may not see, for the endpoints that do
    not reveal that they exist."""
    if access.is_care_staff(user):
        return
    if hide:
        raise Http404("Not found.")
    raise HttpError(403, "Only care coordinators, clinicians and practice admins may do this.")


def text_refused(request: HttpRequest, error: UnstorableText) -> dict:
    """Return the 400 body for text the database cannot store: which fields, in plain words,
    and for a patient whose words may show a crisis, the crisis resources."""
    problems = [
        f"{field}: {UNSTORABLE_MESSAGE}" if field else UNSTORABLE_MESSAGE for field in error.fields
    ]
    body: dict = {"detail": UNSTORABLE_MESSAGE, "problems": problems}
    user = getattr(request, "auth", None)
    if not isinstance(user, User) or user.role != Role.PATIENT or user.practice is None:
        return body
    if any(detect(without_unstorable(text)).tier == CRISIS for text in error.texts):
        practice = user.practice
        resources = resources_for(country=practice.country, practice_slug=practice.slug)
        body["crisis_resources"] = [
            CrisisResourceOut.from_orm(resource).model_dump() for resource in resources
        ]
        body["support_message"] = REFUSED_SUPPORT_MESSAGE
    return body


def _readable(error: dict) -> str:
    loc = list(error.get("loc", ()))
    if loc[:2] == ["body", "payload"]:  # ninja's own prefix, not a field called "body"
        loc = loc[2:]
    where = ".".join(str(part) for part in loc)
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid")


def add_exception_handlers(api: NinjaAPI) -> None:
    """Answer the services' errors and django-ninja's own in the one error shape."""

    def answer(
        request: HttpRequest, status: int, detail: str, problems: Iterable[str] = ()
    ) -> HttpResponse:
        body = {"detail": detail, "problems": list(problems)}
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def on_invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [_readable(e) for e in exc.errors]
        return answer(request, 400, "The request is not valid: " + "; ".join(problems), problems)

    @api.exception_handler(AnswersInvalid)
    def on_invalid_answers(request: HttpRequest, exc: AnswersInvalid) -> HttpResponse:
        return answer(request, 400, str(exc), exc.problems)

    @api.exception_handler(ScreenInvalid)
    def on_invalid_screen(request: HttpRequest, exc: ScreenInvalid) -> HttpResponse:
        return answer(request, 400, str(exc), exc.problems)

    @api.exception_handler(AlertStateError)
    def on_alert_state(request: HttpRequest, exc: AlertStateError) -> HttpResponse:
        return answer(request, 409, str(exc))

    @api.exception_handler(ShiftInvalid)
    def on_invalid_shift(request: HttpRequest, exc: ShiftInvalid) -> HttpResponse:
        return answer(request, 400, str(exc))

    @api.exception_handler(ContactInvalid)
    @api.exception_handler(SafetyPlanInvalid)
    def on_invalid_network_input(
        request: HttpRequest, exc: ContactInvalid | SafetyPlanInvalid
    ) -> HttpResponse:
        return answer(request, 400, str(exc), problem_lines(exc))

    # Subclasses of NetworkError: ninja picks the handler of the nearest class, so these two
    # answer 403 (a role that may not) where any other network rule answers 400.
    @api.exception_handler(OnlyThePatientShares)
    @api.exception_handler(OnlyStaffSuggest)
    def on_not_theirs_to_share(
        request: HttpRequest, exc: OnlyThePatientShares | OnlyStaffSuggest
    ) -> HttpResponse:
        return answer(request, 403, str(exc))

    @api.exception_handler(NetworkError)
    def on_network_rule(request: HttpRequest, exc: NetworkError) -> HttpResponse:
        return answer(request, 400, str(exc))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # One fixed message: an unknown record and a forbidden one must read the same.
        return answer(request, 404, "Not found.")

    @api.exception_handler(AuthenticationError)
    def on_not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return answer(request, 401, "Sign in, or send Authorization: Bearer <token>.")

    @api.exception_handler(UnstorableText)
    def on_unstorable_text(request: HttpRequest, exc: UnstorableText) -> HttpResponse:
        return api.create_response(request, text_refused(request, exc), status=400)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja wraps whatever its parser raises on a body in "Cannot parse request body".
        if isinstance(exc.__cause__, UnstorableText):
            return on_unstorable_text(request, exc.__cause__)
        detail = str(exc)
        if detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return answer(request, exc.status_code, detail)
