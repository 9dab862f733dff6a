"""One pagination for every list of the API: ``offset`` and ``limit`` in bounds, so a
huge offset is a 422 and never reaches the database ("bigint out of range")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from core.pagination import bounded_count

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
# Issue 9: a list's ``count`` is exact up to 1,000 items, then "more than 1,000"
# (``count_more``): counting reads at most 1,001 index entries per request, where
# 10,000 cost a large organization's lists a third of their time.
COUNT_LIMIT = 1_000


class PageParams(Schema):
    """Query parameters of a list: where it starts and how many items it holds."""

    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="How many items to return")

    @property
    def end(self) -> int:
        return self.offset + self.limit


class CountedPage(Schema):
    """The count of a list: exact up to 1,000 items, then "more than 1,000" (issue 9:
    counting every row of a large organization on each request does not scale)."""

    count: int = Field(
        description="How many items match, counted up to 1,000: past that, 1,000 and "
        "`count_more` is true. Page through with `offset` until a page has fewer than "
        "`limit` items."
    )
    count_more: bool = Field(
        False, description="True when more items match than `count` (more than 1,000)"
    )


def page_count(queryset: QuerySet[Any]) -> dict[str, Any]:
    """The ``count`` and ``count_more`` of a ``CountedPage`` for ``queryset``."""
    count, more = bounded_count(queryset, COUNT_LIMIT)
    return {"count": count, "count_more": more}
