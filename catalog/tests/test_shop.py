"""S1: the shop lists the catalog read-only, in the organization's currency (O5)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Offer, Plan, Price
from conftest import Cast, client_for

URL = reverse("shop")


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_see_offers_and_prices_in_euros(cast: Cast, role: str) -> None:
    body = client_for(getattr(cast, role)).get(URL).content.decode()
    assert "Web hosting" in body and "Business 50 GB" in body
    assert "€9.90" in body  # Business 50 GB, monthly, EUR
    assert "11.00" not in body  # the CHF price of the same plan
    assert "export of services" in body


def test_a_swiss_organization_sees_francs_and_swiss_vat(cast: Cast) -> None:
    cast.org.country = "CH"
    cast.org.save()
    with time_machine.travel("2026-11-26 10:00Z", tick=False):
        body = client_for(cast.admin).get(URL).content.decode()
    assert "CHF\xa011.00" in body or "CHF 11.00" in body
    assert "VAT 8.1 % (Switzerland)." in body


def test_a_business_abroad_with_a_vat_number_sees_the_reverse_charge(cast: Cast) -> None:
    """S4: no Swiss VAT for a business customer abroad with a valid VAT number."""
    cast.org.country = "DE"
    cast.org.tax_id = "136695976"
    cast.org.save()
    body = client_for(cast.admin).get(URL).content.decode()
    assert "No Swiss VAT: reverse charge (business customer with a VAT number)." in body


def test_a_malformed_vat_number_abroad_is_a_consumer(cast: Cast) -> None:
    cast.org.country = "DE"
    cast.org.tax_id = "136695977"
    cast.org.save()
    body = client_for(cast.admin).get(URL).content.decode()
    assert "reverse charge" not in body and "export of services" in body


def test_the_monthly_price_below_the_minimum_is_not_offered(cast: Cast) -> None:
    body = client_for(cast.admin).get(URL).content.decode()
    starter = body.split("Starter 10 GB", 1)[1].split("</tr>", 1)[0]
    assert "Not offered" in starter and "€4.50" not in starter


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_users_without_product_management_get_403(cast: Cast, role: str) -> None:
    assert client_for(getattr(cast, role)).get(URL).status_code == 403


def test_anonymous_goes_to_login(db: None) -> None:
    assert client_for(None).get(URL).status_code == 302


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_more_offers_take_no_more_queries(cast: Cast) -> None:
    client = client_for(cast.admin)
    client.get(URL)
    before = _queries(client)
    for i in range(3):
        offer = Offer.objects.create(kind="backup", slug=f"extra-{i}", name=f"Extra {i}")
        plan = Plan.objects.create(offer=offer, slug=f"extra-plan-{i}", name=f"Extra plan {i}")
        Price.objects.create(plan=plan, period_months=12, currency="EUR", amount="10.00")
    assert _queries(client) == before
