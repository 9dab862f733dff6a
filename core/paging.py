"""One pagination for every list of the API: ``offset`` and ``limit`` in bounds, so a
huge offset is a 422 and never reaches the database ("bigint out of range")."""

from __future__ import annotations

from ninja import Field, Schema

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class PageParams(Schema):
    """Query parameters of a list: where it starts and how many items it holds."""

    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="How many items to return")

    @property
    def end(self) -> int:
        return self.offset + self.limit
