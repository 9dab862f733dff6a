"""S2–S4, P1, X5: *Place order* on the cart page and the order's confirmation page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Plan
from conftest import Cast, client_for
from products.models import ProductInstance
from shop.models import CartLine, Order, OrderStatus
from shop.services import cart_line_add
from testsupport.money import prepaid_credit_confirmed

CHECKOUT = reverse("shop:checkout")


def add(cast: Cast, slug: str, period: int = 12, domain: str = "") -> None:
    cart_line_add(
        organization=cast.org,
        user_id=cast.admin.user_id,
        plan_id=Plan.objects.get(slug=slug).pk,
        period_months=period,
        requirement=domain,
    )


def place(client: Client, key: str = "key-1", **fields: Any) -> Any:
    return client.post(CHECKOUT, {"idempotency_key": key, **fields})


def test_a_free_offer_is_ordered_without_any_payment(cast: Cast) -> None:
    """S1: nothing to pay: no method asked, the order is paid and its product exists."""
    add(cast, "storage-free")
    client = client_for(cast.admin)
    assert 'data-testid="nothing-to-pay"' in client.get(reverse("shop:cart")).content.decode()

    response = place(client)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:order", args=[order.reference])
    assert order.status == OrderStatus.PAID
    assert ProductInstance.objects.filter(organization=cast.org).count() == 1
    assert not CartLine.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert f"Order {order.reference} is paid" in page and "Storage Free 5 GB" in page


def test_the_prepaid_account_pays_the_whole_order(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "100.00")
    add(cast, "backup-50")
    client = client_for(cast.admin)

    response = place(client, method="prepaid")

    order = Order.objects.get()
    assert response.status_code == 302 and order.status == OrderStatus.PAID
    assert order.total == order.prepaid_amount
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="order-total">€30.60<' in page
    assert order.invoice is not None and order.invoice.legal_number in page


def test_the_same_form_sent_twice_orders_once(cast: Cast) -> None:
    """X5: the hidden key of the form: a double click places one order."""
    prepaid_credit_confirmed(cast.org, "100.00")
    add(cast, "backup-50")
    client = client_for(cast.admin)
    first = place(client, method="prepaid")
    second = place(client, method="prepaid")
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1


def test_each_cart_page_carries_a_new_key(cast: Cast) -> None:
    add(cast, "backup-50")
    client = client_for(cast.admin)

    def key() -> str:
        body = client.get(reverse("shop:cart")).content.decode()
        return body.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]

    assert key() != key()


def test_a_bank_transfer_order_shows_what_to_transfer(cast: Cast) -> None:
    add(cast, "backup-50")
    client = client_for(cast.admin)
    response = place(client, method="bank_transfer")
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    page = client.get(response["Location"]).content.decode()
    assert "Pay by bank transfer" in page and "IBAN" in page and "€30.60" in page
    assert "qr-bill.svg" not in page  # EUR: IBAN and reference, no QR-bill
    assert not CartLine.objects.exists()


def test_a_bank_transfer_in_francs_shows_the_swiss_qr_bill(cast: Cast) -> None:
    """I4: the order's payment request in CHF carries its QR-bill."""
    cast.org.country = "CH"
    cast.org.save()
    add(cast, "backup-50")
    client = client_for(cast.admin)
    page = client.get(place(client, method="bank_transfer")["Location"]).content.decode()
    qr_url = page.split('download="qr-bill-', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert qr_url.endswith("/qr-bill.svg")
    svg = client.get(qr_url)
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg")


def test_a_card_without_its_number_is_refused_and_nothing_is_ordered(cast: Cast) -> None:
    add(cast, "backup-50")
    response = place(client_for(cast.admin), method="card", card_number="1234")
    assert response.status_code == 400
    assert "Enter a valid card number." in response.content.decode()
    assert not Order.objects.exists() and CartLine.objects.count() == 1


def test_a_prepaid_part_above_the_balance_is_refused(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "5.00")
    add(cast, "backup-50")
    response = place(
        client_for(cast.admin),
        method="card",
        prepaid_amount="10",
        card_number="4242 4242 4242 4242",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The prepaid account balance is not enough for this amount." in body
    assert not Order.objects.exists()


def test_a_prepaid_balance_too_small_is_said_under_the_payment_method(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "5.00")
    add(cast, "backup-50")
    response = place(client_for(cast.admin), method="prepaid")
    assert response.status_code == 400
    fieldset = response.content.decode().split("1. Payment method", 1)[1].split("</fieldset>")[0]
    assert "The prepaid account balance is not enough" in fieldset
    assert not Order.objects.exists()


def test_without_a_payment_method_the_cart_says_to_choose_one(cast: Cast) -> None:
    add(cast, "backup-50")
    response = place(client_for(cast.admin))
    assert response.status_code == 400
    assert "Choose a payment method." in response.content.decode()


def test_a_card_order_waits_for_the_confirmation(cast: Cast) -> None:
    add(cast, "backup-50")
    client = client_for(cast.admin)
    response = place(client, method="card", card_number="4242 4242 4242 4242")
    order = Order.objects.get()
    assert order.payment is not None and order.invoice is None
    page = client.get(response["Location"]).content.decode()
    assert "waits for the confirmation of your payment" in page


def test_another_organizations_order_is_not_found(cast: Cast) -> None:
    add(cast, "storage-free")
    response = place(client_for(cast.admin))
    assert client_for(cast.outsider).get(response["Location"]).status_code == 404
    assert client_for(cast.admin).get(reverse("shop:order", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_users_without_product_management_get_403(cast: Cast, role: str) -> None:
    add(cast, "storage-free")
    order_url = place(client_for(cast.admin))["Location"]
    add(cast, "storage-free")
    client = client_for(getattr(cast, role))
    assert client.get(order_url).status_code == 403
    assert place(client, key="other").status_code == 403
    assert Order.objects.count() == 1


def test_anonymous_goes_to_login(cast: Cast) -> None:
    client = client_for(None)
    for response in (place(client), client.get(reverse("shop:order", args=["X"]))):
        assert response.status_code == 302 and "/login/" in response["Location"]
