"""S1, X3: the catalog is public (no token) and applies the monthly minimum (P5)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/offers"


def test_anyone_reads_the_catalog_without_a_token() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    kinds = {offer["kind"] for offer in response.json()}
    assert "domain_name" in kinds and "cloud_server" in kinds


def test_prices_come_in_the_asked_currency_as_exact_strings() -> None:
    offers = Client().get(URL, {"currency": "CHF"}).json()
    web = next(o for o in offers if o["slug"] == "web-hosting")
    starter = next(p for p in web["plans"] if p["slug"] == "web-starter")
    assert {p["currency"] for p in starter["prices"]} == {"CHF"}
    assert {"period_months": 1, "currency": "CHF", "amount": "5.50"} in starter["prices"]


def test_a_monthly_price_below_the_minimum_is_not_offered() -> None:
    offers = Client().get(URL, {"currency": "EUR"}).json()
    web = next(o for o in offers if o["slug"] == "web-hosting")
    starter = next(p for p in web["plans"] if p["slug"] == "web-starter")
    assert [p["period_months"] for p in starter["prices"]] == [3, 12]


def test_an_unknown_currency_gets_the_error_shape() -> None:
    response = Client().get(URL, {"currency": "USD"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_it_takes_a_fixed_number_of_queries(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(5):
        Client().get(URL)
