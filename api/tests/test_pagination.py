"""X3: every list of the API pages the same way (core/paging.py): a huge or negative
``offset`` or ``limit`` is a translated 422, never "bigint out of range"."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from conftest import Cast

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
