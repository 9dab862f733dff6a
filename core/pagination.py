"""Lists that stay flat with 100,000 rows (issue 9).

- ``bounded_count``: counts at most ``COUNT_LIMIT`` + 1 rows; beyond, the answer is
  "more than 10,000" instead of a scan of every row.
- ``offset_page``: numbered pages of lists sorted by name or status (users,
  products) without counting them: "Page 3", Previous, Next; as deep as 10,000
  rows, past that the search and filters narrow the list.
- ``keyset_page``: newest-first lists (invoices, prepaid history, audit log)
  page by a cursor, the last row's sort key, so that the 2,000th page costs what
  the first does: an index range read of one page, no OFFSET, no COUNT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

COUNT_LIMIT = 10_000

M = TypeVar("M", bound=Model)


def bounded_count(queryset: QuerySet[Any], limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(rows, more): the number of rows up to ``limit``, and whether there are more."""
    found = queryset.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


@dataclass(frozen=True)
class OffsetPage(Generic[M]):
    """A numbered page of a list sorted by name or status, without counting the list:
    "Page 3" with Previous and Next. Pages go as deep as ``COUNT_LIMIT`` rows; past
    that, the list's search and filters narrow it (``at_limit``)."""

    object_list: list[M]
    number: int
    has_next: bool
    at_limit: bool

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next or self.at_limit

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def offset_page(queryset: QuerySet[M], number: str | int | None, size: int) -> OffsetPage[M]:
    """Page ``number`` (1 when missing or malformed) of ``size`` rows, reading ``size + 1``
    rows to know whether a next page exists: no COUNT over the list (issue 9)."""
    try:
        wanted = max(int(str(number)), 1)
    except ValueError:
        wanted = 1
    last = max(COUNT_LIMIT // size, 1)
    wanted = min(wanted, last)
    start = (wanted - 1) * size
    rows = list(queryset[start : start + size + 1])
    if not rows and wanted > 1:
        return offset_page(queryset, 1, size)  # past the end: the first page
    more = len(rows) > size
    return OffsetPage(
        object_list=rows[:size],
        number=wanted,
        has_next=more and wanted < last,
        at_limit=more and wanted == last,
    )


# --- keyset (cursor) pagination ------------------------------------------------------


def _encode(value: Any) -> str:
    if isinstance(value, datetime):
        delta = value - datetime(1970, 1, 1, tzinfo=UTC)
        return str((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
    return str(int(value))


def _decode(text: str, sample: str) -> Any:
    number = int(text)
    if sample == "datetime":
        return datetime.fromtimestamp(number // 1_000_000, tz=UTC).replace(
            microsecond=number % 1_000_000
        )
    return number


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page of a newest-first list: its rows and the cursors of its neighbours."""

    object_list: list[M]
    newer: str | None  # the cursor for ?before= (the page of newer rows), if any
    older: str | None  # the cursor for ?after= (the page of older rows), if any
    is_first: bool

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def cursor_of(*values: Any) -> str:
    """The cursor of a row from its sort key values (e.g. issued_at, id)."""
    return "_".join(_encode(value) for value in values)


def _cursor(row: Any, keys: tuple[str, ...]) -> str:
    return cursor_of(*(getattr(row, key) for key in keys))


def _parse(cursor: str | None, kinds: tuple[str, ...]) -> tuple[Any, ...] | None:
    if not cursor:
        return None
    parts = cursor.split("_")
    if len(parts) != len(kinds):
        return None
    try:
        return tuple(_decode(p, kind) for p, kind in zip(parts, kinds, strict=True))
    except (ValueError, OverflowError, OSError):
        return None  # a mangled cursor: the first page


def _beyond(keys: tuple[str, ...], values: tuple[Any, ...], lookup: str) -> Q:
    """Rows strictly past ``values`` in the order of ``keys`` (lexicographic), written so
    that the first key is a plain range the index reads from."""
    first, rest = keys[0], keys[1:]
    condition = Q(**{f"{first}__{lookup}": values[0]})
    if rest:
        condition |= Q(**{first: values[0]}) & _beyond(rest, values[1:], lookup)
    return Q(**{f"{first}__{lookup}e": values[0]}) & condition


def keyset_page(
    queryset: QuerySet[M],
    *,
    keys: tuple[str, ...],
    kinds: tuple[str, ...],
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage[M]:
    """Rows newest first by ``keys`` (all descending; the last one unique, e.g. ``id``).

    ``after`` is the cursor of the last row of the page before (older rows follow);
    ``before`` that of the first row of the page after (newer rows, read backwards).
    ``kinds`` says how each key is written in the cursor ("datetime" or "int").
    """
    descending = [f"-{key}" for key in keys]
    older_than, newer_than = _parse(after, kinds), _parse(before, kinds)
    if newer_than is not None:
        rows = list(queryset.filter(_beyond(keys, newer_than, "gt")).order_by(*keys)[: size + 1])
        if len(rows) <= size:  # fewer newer rows than a page: that is the first page
            return keyset_page(queryset, keys=keys, kinds=kinds, size=size)
        rows = rows[:size][::-1]
        return KeysetPage(
            object_list=rows,
            newer=_cursor(rows[0], keys),
            older=_cursor(rows[-1], keys),
            is_first=False,
        )
    if older_than is not None:
        queryset = queryset.filter(_beyond(keys, older_than, "lt"))
    rows = list(queryset.order_by(*descending)[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        object_list=rows,
        newer=_cursor(rows[0], keys) if older_than is not None and rows else None,
        older=_cursor(rows[-1], keys) if more_older else None,
        is_first=older_than is None,
    )
