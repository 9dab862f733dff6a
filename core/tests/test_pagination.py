"""Pages without counting the list (issue 9): numbered pages go as deep as the
limit, a malformed or too deep number shows a real page."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet

from core import pagination
from core.models import AuditEvent
from core.pagination import offset_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> QuerySet[AuditEvent]:
    AuditEvent.objects.bulk_create(AuditEvent(kind=f"k{n:02d}") for n in range(23))
    return AuditEvent.objects.order_by("kind")


def test_a_page_knows_its_neighbours_without_counting(events, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        page = offset_page(events, "2", 10)
    assert "COUNT(" not in captured.captured_queries[0]["sql"]
    assert [e.kind for e in page] == [f"k{n:02d}" for n in range(10, 20)]
    assert page.has_previous and page.has_next and not page.at_limit
    last = offset_page(events, 3, 10)
    assert len(last) == 3 and not last.has_next


@pytest.mark.parametrize("number", [None, "", "x", "-4", "0", "99"])
def test_a_malformed_or_too_deep_number_shows_the_first_page(events, number):
    page = offset_page(events, number, 10)
    assert page.number == 1 and page.object_list[0].kind == "k00"


def test_pages_stop_at_the_limit_and_say_the_list_goes_on(events, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 20)
    page = offset_page(events, 5, 10)
    assert page.number == 2 and not page.has_next and page.at_limit
    assert page.has_other_pages
