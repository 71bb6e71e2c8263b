"""The reads of a request: which patients' records the access doors handed out.

Every door of tether.access that hands out a patient's records is wrapped in `door(...)`.
During a request (AuditTrailMiddleware) a door notes the patients it handed out: a single
record at once; a queryset when its rows are fetched (so a list records the patients actually
listed, however the caller filtered, sliced or paginated it, and a streamed CSV as it
streams). The notes are kept per (actor, patient, kind of record) and written in ONE insert
when the response is done (after the last row of a streamed one), so a page's query count
grows by a constant, never per patient.

Outside a request (jobs, management commands) doors record nothing: there is no reader to
record, and a job's work is recorded by what it changes. `reads_not_recorded()` turns the
recording off for the benchmark that measures its cost; nothing else should use it.

This module is the mechanism only (in lib, so the access module depends on nothing above
it); tether.audit registers the writer that stores the notes as audit rows (set_writer) and
runs the middleware that gives each request its Trail.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db.models import Model, QuerySet

# How a request reached the records (the audit's channels).
WEB, API, EXPORT, LINK, SYSTEM = "web", "api", "export", "link", "system"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Reader:
    """Who is reading: an account, or someone on a signed link described by `label`."""

    user_id: int | None
    practice_id: Any  # the practice's primary key, None on a signed link
    label: str = ""


@dataclass
class Trail:
    """What one request has handed out so far, written in one insert when it ends."""

    request_id: str
    channel: str = WEB
    # (reader, patient id, what) -> the practice of the patient, when known
    pending: dict[tuple[Reader, Any, str], Any] = field(default_factory=dict)

    def note(self, reader: Reader, patient_ids: Iterable[Any], what: str) -> None:
        for patient_id in patient_ids:
            if patient_id is not None:
                self.pending.setdefault((reader, patient_id, what), reader.practice_id)

    def flush(self, *, channel: str | None = None) -> int:
        """Store what was noted since the last flush, through the writer tether.audit set, in
        one insert; return the number of rows. The writer logs and re-raises a failure."""
        if not self.pending:
            return 0
        if _writer is None:
            raise RuntimeError("No audit writer: is tether.audit installed?")
        pending, self.pending = self.pending, {}
        return _writer(self, pending, channel or self.channel)


Pending = dict[tuple[Reader, Any, str], Any]
_writer: Callable[[Trail, Pending, str], int] | None = None


def set_writer(writer: Callable[[Trail, Pending, str], int]) -> None:
    """Set the function that stores a request's notes (tether.audit, when it is ready)."""
    global _writer
    _writer = writer


_current: ContextVar[Trail | None] = ContextVar("tether_audit_trail", default=None)
_depth: ContextVar[int] = ContextVar("tether_audit_door_depth", default=0)
_paused: ContextVar[bool] = ContextVar("tether_audit_paused", default=False)


def current() -> Trail | None:
    """Return the trail of the request being served, or None outside a request (or paused)."""
    if _paused.get():
        return None
    return _current.get()


@contextmanager
def serving(trail: Trail) -> Iterator[Trail]:
    """Make `trail` the current request's trail (the middleware's, and tests')."""
    token = _current.set(trail)
    try:
        yield trail
    finally:
        _current.reset(token)


@contextmanager
def reads_not_recorded() -> Iterator[None]:
    """Record no reads inside this block: for the benchmark that measures the trail's cost."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def request_facts() -> tuple[str, str]:
    """Return (channel, request id) of the request being served; ("system", "") outside one."""
    trail = _current.get()
    if trail is None:
        return SYSTEM, ""
    return trail.channel, trail.request_id


def reader_of(user: Any) -> Reader:
    """Return the Reader for a signed-in account (a tether.accounts User)."""
    return Reader(user_id=user.pk, practice_id=user.practice_id)


# --- The doors ---------------------------------------------------------------------------------


def patient_ids_of(obj: Model, path: str) -> list[Any]:
    """Return the id of the patient `obj` belongs to, following `path` ("patient",
    "episode__patient"; "" when `obj` is the patient), as a one-item list."""
    if not path:
        return [obj.pk]
    *through, last = path.split("__")
    for name in through:
        obj = getattr(obj, name)
        if obj is None:
            return []
    return [getattr(obj, f"{last}_id")]


@dataclass(frozen=True)
class _Handout:
    trail: Trail
    reader: Reader
    what: str
    path: str

    def fetched(self, queryset: QuerySet[Any], rows: list[Any]) -> None:
        if not rows:
            return
        if self._direct(rows[0], queryset):
            ids = [patient_ids_of(row, self.path)[0] for row in rows]
        else:
            ids = list(_ids_query(queryset, self.path))
        self.trail.note(self.reader, ids, self.what)

    def streamed(self, queryset: QuerySet[Any], rows: Iterator[Any]) -> Iterator[Any]:
        first = True
        for row in rows:
            if first and not self._direct(row, queryset):
                self.trail.note(self.reader, _ids_query(queryset, self.path), self.what)
                yield row
                yield from rows
                return
            first = False
            self.trail.note(self.reader, patient_ids_of(row, self.path), self.what)
            yield row

    def _direct(self, row: Any, queryset: QuerySet[Any]) -> bool:
        # A model row carries its patient's id itself when the path is one step (or none).
        return isinstance(row, queryset.model) and "__" not in self.path


def _ids_query(queryset: QuerySet[Any], path: str) -> Iterable[Any]:
    """Return the patient ids of the rows `queryset` fetches, in one query (for value rows
    and records a step or more away from their patient)."""
    plain: QuerySet[Any] = QuerySet(
        model=queryset.model, query=queryset.query.chain(), using=queryset.db
    )
    return set(plain.values_list(path or "pk", flat=True))


class _AuditedQuerySet(QuerySet[Any]):
    """Mixed into a door's queryset: notes the patients of the rows it fetches."""

    _handout: _Handout | None = None

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]  # Django's, not in the stubs
        clone._handout = self._handout
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._handout is not None and self._result_cache is not None:
            self._handout.fetched(self, self._result_cache)

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        rows = super().iterator(chunk_size) if chunk_size else super().iterator()
        if self._handout is None:
            return rows
        return self._handout.streamed(self, rows)


_audited_classes: dict[type, type] = {}


def _audited(queryset: QuerySet[Any], handout: _Handout) -> QuerySet[Any]:
    base = type(queryset)
    cls = _audited_classes.get(base)
    if cls is None:
        cls = type(f"Audited{base.__name__}", (_AuditedQuerySet, base), {})
        _audited_classes[base] = cls
    audited = queryset.all()
    audited.__class__ = cls
    audited._handout = handout  # type: ignore[attr-defined]
    return audited


def door(
    what: str | Callable[..., str],
    *,
    patient: str = "patient",
    reader: Callable[..., Reader | None] | None = None,
    patients: Callable[[Any], Iterable[Any]] | None = None,
    channel: str | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark an access function as a door that hands out `what` (a kind of record, in a
    clinician's words) and record, during a request, the patients it hands out.

    `patient` is the path from the returned model to its patient ("" for a Patient);
    `patients` instead maps the result to patient ids (for results that are not a model or a
    queryset); `reader` maps the door's arguments and result to who is reading (default: the
    door's first argument, the user); `what` may be a function of the door's arguments;
    `channel` ("link") marks the request as served through that channel. A door called inside
    another door records nothing itself: the outer door records what it hands out."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            token = _depth.set(_depth.get() + 1)
            try:
                result = fn(*args, **kwargs)
            finally:
                _depth.reset(token)
            trail = current()
            if trail is None or _depth.get() > 0 or result is None:
                return result
            who = reader(*args, result=result, **kwargs) if reader else _user_reader(args)
            if who is None:
                return result
            if channel is not None:
                trail.channel = channel
            kind = what if isinstance(what, str) else what(*args, **kwargs)
            if isinstance(result, QuerySet):
                return _audited(result, _Handout(trail, who, kind, patient))  # type: ignore[return-value]
            if patients is not None:
                trail.note(who, patients(result), kind)
            elif isinstance(result, Model):
                trail.note(who, patient_ids_of(result, patient), kind)
            return result

        wrapper.audit_door = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _user_reader(args: tuple[Any, ...]) -> Reader | None:
    user = args[0] if args else None
    # The user model lives above lib: recognise a signed-in account by what it has.
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "practice_id"):
        return None
    return reader_of(user)
