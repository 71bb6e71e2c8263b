"""Pages of a list: one way for every paginated page, and a lazy sequence for lists whose rows
are built a page at a time.

Pages use Django's Paginator with a fixed size of at most MAX_PAGE_SIZE; a missing,
malformed or out-of-range ?page= shows the nearest page rather than an error (Django's
get_page). The API pages with tether.api.pagination.Pages (django-ninja's limit/offset),
whose largest `limit` is the NINJA_PAGINATION_MAX_LIMIT setting (the same MAX_PAGE_SIZE)
and whose `offset` is bounded too.

The list is sliced in the database as long as it is a queryset or a `Rows`: never load a
whole list to show one page of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from django.core.paginator import Page, Paginator

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
BATCH = 500  # rows a query when a whole list is read

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
R = TypeVar("R")


class Sliceable(Protocol[T_co]):
    """A list that can count itself and give a slice of itself (a queryset, say)."""

    def count(self) -> int: ...

    def __getitem__(self, window: slice, /) -> Iterable[T_co]: ...


def page_of(items: Any, number: int | str | None, *, per_page: int = DEFAULT_PAGE_SIZE) -> Page:
    """Return page `number` (usually the request's ?page=) of `items`, an ordered queryset, a
    Rows or a list, `per_page` long; the nearest page when `number` is missing or wrong."""
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        raise ValueError(f"A page holds 1 to {MAX_PAGE_SIZE} rows, not {per_page}.")
    return Paginator(items, per_page).get_page(number)


class Rows(Generic[T, R]):
    """A lazy list of rows: counts with `items.count()` and builds the rows of one slice at a
    time with `build(list_of_items)` (one go per slice, so a page costs the same queries
    whatever its length). Django's Paginator and django-ninja's pagination both accept it."""

    def __init__(self, items: Sliceable[T], build: Callable[[list[T]], list[R]]) -> None:
        self.items = items
        self.build = build
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.items.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[R]:
        if not isinstance(window, slice):
            raise TypeError("Rows are read a slice at a time.")
        return self.build(list(self.items[window]))

    def __iter__(self) -> Iterator[R]:
        """Every row, read BATCH at a time (an export)."""
        for batch in self.batches():
            yield from batch

    def batches(self, size: int = BATCH) -> Iterator[list[R]]:
        """Yield every row, `size` at a time."""
        start = 0
        while batch := self[start : start + size]:
            yield batch
            start += size
