"""Periods of whole days as plain half-open ranges on a timestamp (issue 9).

A filter "from 1 March to 31 March" becomes ``at >= 1 March 00:00`` and
``at < 1 April 00:00`` in the time zone of the request, computed once: an index
on the timestamp reads the range directly, where a ``__date`` lookup would cast
every row's timestamp to a local date first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def _midnight(day: date, zone: tzinfo) -> datetime | None:
    if not 1900 <= day.year <= 9998:
        return None  # at the edge of the calendar: no event is that old or that new
    try:
        return timezone.make_aware(datetime.combine(day, time.min), zone)
    except (OverflowError, ValueError):
        return None


def day_bounds(
    since: date | None, until: date | None, zone: tzinfo | None = None
) -> tuple[datetime | None, datetime | None]:
    """``[start, end)``: midnight of ``since`` and midnight after ``until`` (both
    days included), in ``zone`` (the current time zone by default); ``None`` for
    an open side."""
    zone = zone or timezone.get_current_timezone()
    start = _midnight(since, zone) if since else None
    end = _midnight(until + timedelta(days=1), zone) if until and until.year < 9999 else None
    return start, end
