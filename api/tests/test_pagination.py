"""X3: every list of the API pages the same way (core/paging.py): a huge or negative
``offset`` or ``limit`` is a translated 422, never "bigint out of range"."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from conftest import Cast
from core import paging

pytestmark = pytest.mark.django_db

LISTS = ["invoices", "payments", "products", "prepaid/entries", "members", "audit-events"]


def _get(cast: Cast, path: str, query: str):  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(user=cast.legal_rep.user, name="ci")
    return Client().get(
        f"/api/v1/orgs/{cast.org.pk}/{path}?{query}",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "es"},
    )


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),
        ("offset=1000001", "offset"),
        ("offset=-1", "offset"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("limit=99999999999999999999", "limit"),
    ],
)
def test_an_offset_or_limit_out_of_bounds_is_a_translated_422(
    cast: Cast, path: str, query: str, field: str
) -> None:
    response = _get(cast, path, query)
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["loc"] == ["query", field]
    assert detail["msg"].startswith("Introduzca un valor")


@pytest.mark.parametrize("path", LISTS)
def test_the_last_allowed_offset_gives_an_empty_page(cast: Cast, path: str) -> None:
    response = _get(cast, path, "offset=1000000&limit=100")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_count_stops_at_the_limit_and_says_more(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries
) -> None:
    """Issue 9: ``count`` is exact up to the limit (1,000), then ``count_more``; the
    count reads no more than limit + 1 rows (its SQL carries that LIMIT)."""
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    with django_assert_max_num_queries(20) as captured:
        body = _get(cast, "members", "limit=2").json()
    assert body["count"] == 3 and body["count_more"] is True and len(body["items"]) == 2
    (counted,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 4" in counted
    monkeypatch.setattr(paging, "COUNT_LIMIT", 4)
    body = _get(cast, "members", "").json()
    assert body["count"] == 4 and body["count_more"] is False


def test_the_schema_says_how_far_the_count_goes(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["MemberPage"]["properties"]
    assert "1,000" in fields["count"]["description"]
    assert "count_more" in fields
