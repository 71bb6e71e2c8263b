"""One audit trail per request: a request id, and the reads the doors noted, written at the end.

The request id is the caller's X-Request-ID when it is a sane one (8 to 64 letters, digits and
`._:-`, as a proxy or load balancer sets it), else a new one; it is echoed in the response's
X-Request-ID so a person reporting a problem, a log line and an audit row can be matched.

The channel is "api" under /api/, "export" when the response is a download (an attachment or
CSV), "link" when a door for a signed link set it, else "web". A streamed response (the CSV
export) is recorded after its last row, since its rows are read after this middleware returns.

A refused request (401, 403, 404, 405) records nothing: a door may have handed the view a record
before a later check refused (a patient's own record, then another patient's contact), but
the person was shown the refusal, not the record. Every other answer records what was handed
out, a 400 included: a form refused with its errors is shown beside the patient's records.

A failed audit write is logged at ERROR with the rows it would have written (so the record is
not lost and the operator is alerted) and the response is still sent: the records were already
read and rendered, refusing them would not undo the read, and a clinician may need them now.
"""

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from tether.audit.models import AuditEvent
from tether.lib.reads import Trail, serving

logger = logging.getLogger(__name__)

# Answers that show no record (see the module docstring).
REFUSALS = frozenset({401, 403, 404, 405})

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id_of(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex


def _is_download(response: HttpResponse | StreamingHttpResponse) -> bool:
    disposition = response.get("Content-Disposition", "")
    return disposition.startswith("attachment") or response.get("Content-Type", "").startswith(
        "text/csv"
    )


def _flush(trail: Trail, channel: str) -> None:
    try:
        trail.flush(channel=channel)
    except Exception:  # noqa: S110 - trail.flush logged it, with the rows; see the docstring
        pass


def _flush_after(content: Iterable[bytes], trail: Trail, channel: str) -> Iterator[bytes]:
    try:
        yield from content
    finally:
        _flush(trail, channel)


class AuditTrailMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        api = request.path.startswith("/api/")
        trail = Trail(
            request_id=request_id,
            channel=AuditEvent.Channel.API if api else AuditEvent.Channel.WEB,
        )
        with serving(trail):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if response.status_code in REFUSALS:
            trail.pending.clear()
        channel = AuditEvent.Channel.EXPORT if _is_download(response) else trail.channel
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            response.streaming_content = _flush_after(response.streaming_content, trail, channel)
        else:
            _flush(trail, channel)
        return response
