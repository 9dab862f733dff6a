"""S1: the shop lists the catalog in the organization's currency (O5), with
*Add to cart* per plan for the periods offered (P5); free offers are pointed to."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Offer, Plan, Price
from conftest import Cast, client_for
from shop.models import CartLine
from shop.services import cart_get

URL = reverse("shop")


def plan_block(body: str, slug: str) -> str:
    return body.split(f'data-testid="plan-{slug}"', 1)[1].split('data-testid="plan-', 1)[0]


def add(client: Client, slug: str, **fields: object) -> Any:
    plan = Plan.objects.get(slug=slug)
    return client.post(URL, {"plan": plan.pk, "period_months": 12, "quantity": 1, **fields})


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_see_offers_and_prices_in_euros(cast: Cast, role: str) -> None:
    body = client_for(getattr(cast, role)).get(URL).content.decode()
    assert "Web hosting" in body and "Business 50 GB" in body
    assert "€9.90" in body  # Business 50 GB, monthly, EUR
    assert "11.00" not in body  # the CHF price of the same plan
    assert "export of services" in body
    assert "opens soon" not in body


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


def test_only_the_periods_offered_can_be_chosen(cast: Cast) -> None:
    """P5: Backup 50 GB costs 3.00 a month, below the 5.00 minimum: no monthly term."""
    body = client_for(cast.admin).get(URL).content.decode()
    backup = plan_block(body, "backup-50")
    periods = backup.split('name="period_months"', 1)[1].split("</select>", 1)[0]
    assert "€3.00" not in backup and 'value="1"' not in periods
    assert 'value="3"' in periods and 'value="12"' in periods
    storage = plan_block(body, "storage-100").split('name="period_months"', 1)[1]
    assert 'value="1"' in storage.split("</select>", 1)[0]


def test_free_offers_are_marked_and_pointed_to(cast: Cast) -> None:
    body = client_for(cast.admin).get(URL).content.decode()
    pointer = body.split('data-testid="free-offers"', 1)[1].split("</div>", 1)[0]
    assert "No promo code?" in pointer
    assert 'href="#offer-storage-free"' in pointer and 'href="#offer-email-free"' in pointer
    assert "Add to cart" in plan_block(body, "storage-free")


def test_add_to_cart_puts_the_plan_in_the_users_cart(cast: Cast) -> None:
    client = client_for(cast.admin)
    response = add(client, "backup-50", period_months=3, quantity=2)
    assert response.status_code == 302 and response["Location"] == reverse("shop:cart")
    line = CartLine.objects.get(cart__organization=cast.org, cart__user=cast.admin.user)
    assert (line.plan.slug, line.period_months, line.quantity) == ("backup-50", 3, 2)


def test_the_cart_survives_logging_out(cast: Cast) -> None:
    client = client_for(cast.admin)
    add(client, "storage-100")
    client.post(reverse("account_logout"))
    body = client_for(cast.admin).get(reverse("shop:cart")).content.decode()
    assert "Storage 100 GB" in body


def test_a_free_offer_is_ordered_through_the_same_cart(cast: Cast) -> None:
    """S1: a free plan goes into the cart like any other, at no cost."""
    client = client_for(cast.admin)
    assert add(client, "storage-free").status_code == 302
    body = client.get(reverse("shop:cart")).content.decode()
    assert "Storage Free 5 GB" in body
    assert 'data-testid="total">€0.00<' in body


def test_a_period_not_offered_is_refused_with_its_reason(cast: Cast) -> None:
    response = add(client_for(cast.admin), "backup-50", period_months=1)
    assert response.status_code == 400
    assert "is not sold with this billing period" in plan_block(
        response.content.decode(), "backup-50"
    )
    assert cart_get(organization=cast.org, user_id=cast.admin.user_id) is None


@pytest.mark.parametrize("quantity", ["0", "101", "abc", "1\x00"])
def test_a_bad_quantity_is_refused_clearly(cast: Cast, quantity: str) -> None:
    response = add(client_for(cast.admin), "backup-50", quantity=quantity)
    assert response.status_code == 400
    assert not CartLine.objects.exists()


def test_a_plan_not_on_sale_is_refused(cast: Cast) -> None:
    plan = Plan.objects.get(slug="backup-50")
    plan.is_active = False
    plan.save()
    response = add(client_for(cast.admin), "backup-50")
    assert response.status_code == 400
    assert "This plan is not on sale." in response.content.decode()


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_users_without_product_management_get_403(cast: Cast, role: str) -> None:
    client = client_for(getattr(cast, role))
    assert client.get(URL).status_code == 403
    assert add(client, "backup-50").status_code == 403
    assert not CartLine.objects.exists()


def test_anonymous_goes_to_login(db: None) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


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


def test_an_offer_asks_for_its_domain_name_next_to_add_to_cart(cast: Cast) -> None:
    body = client_for(cast.admin).get(URL).content.decode()
    assert "Domain name to register" in plan_block(body, "domain-ch")
    assert "Domain of the mailboxes" in plan_block(body, "mail-free")
    assert 'name="domain"' not in plan_block(body, "storage-100")


def test_a_domain_name_is_stored_in_ascii_and_shown_in_unicode(cast: Cast) -> None:
    """IDN: bücher.ch is kept as its ASCII form and shown as typed."""
    client = client_for(cast.admin)
    assert add(client, "domain-ch", domain="Bücher.ch").status_code == 302
    assert CartLine.objects.get().requirement == "xn--bcher-kva.ch"
    cart = client.get(reverse("shop:cart")).content.decode()
    assert "Domain name to register: <strong>bücher.ch</strong>" in cart


@pytest.mark.parametrize("typed", ["exa mple.com", "", "-bad-.ch", "a" * 70 + ".ch"])
def test_a_malformed_domain_name_gets_its_reason_and_nothing_is_added(
    cast: Cast, typed: str
) -> None:
    response = add(client_for(cast.admin), "domain-ch", domain=typed)
    assert response.status_code == 400
    block = plan_block(response.content.decode(), "domain-ch")
    assert 'aria-invalid="true"' in block and 'class="invalid-feedback d-block"' in block
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("example.com", "registers names ending in .ch"), ("www.example.ch", "enter example.ch")],
)
def test_a_domain_name_outside_the_plans_extension_gets_its_reason(
    cast: Cast, typed: str, reason: str
) -> None:
    response = add(client_for(cast.admin), "domain-ch", domain=typed)
    assert response.status_code == 400
    assert reason in plan_block(response.content.decode(), "domain-ch")
    assert not CartLine.objects.exists()
