"""Checking out through the API (S2-S4, P1, X3, X5): the checkout flow behind one
idempotent endpoint, with the flow's rules and translated messages."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.tokens import api_token_create
from billing.models import Invoice, Payment
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import webhook_receive
from catalog.models import BillingPeriod, Plan
from conftest import Cast
from ledger.services import prepaid_balance
from orgs.models import Membership
from products.models import ProductInstance
from shop.models import CartLine, Grant, Order, PromoCode, PromoKind
from testsupport.money import prepaid_credit_confirmed

YEARLY = BillingPeriod.YEARLY
CARD = "4242 4242 4242 4242"
# The flow's message in English; the tests compare its translation.
CHOOSE_METHOD = "Choose a payment method."


def plan(slug: str) -> Plan:
    return Plan.objects.select_related("offer").get(slug=slug)


class Api:
    def __init__(self, membership: Membership, *, org_id: int | None = None) -> None:
        _, raw = api_token_create(user=membership.user, name="test")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})
        self.base = f"/api/v1/orgs/{org_id or membership.organization_id}"

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(f"{self.base}{path}", **kwargs)

    def add(self, slug: str, requirement: str = "") -> dict[str, Any]:
        body = {"plan_id": plan(slug).pk, "period_months": YEARLY, "requirement": requirement}
        response = self("post", "/cart/lines", body)
        assert response.status_code == 201, response.content
        return response.json()  # type: ignore[no-any-return]

    def checkout(self, body: dict[str, Any], key: str = "k-1", **headers: str) -> Any:
        return self("post", "/cart/checkout", body, **{"Idempotency-Key": key, **headers})


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body  # type: ignore[no-any-return]


def test_a_free_offer_is_ordered_without_payment(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("storage-free")

    response = api.checkout({})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "paid" and body["payment"] is None
    order = body["order"]
    assert order["status"] == "paid" and order["total"] == "0.00"
    assert order["invoice_number"]
    (product,) = ProductInstance.objects.filter(organization=cast.org)
    assert order["lines"][0]["products"] == [product.pk]
    assert not CartLine.objects.exists()


def test_the_prepaid_account_pays_everything_with_a_code_and_a_grant(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "500.00")
    api = Api(cast.admin)
    api.add("domain-com", requirement="acme-shop.com")
    web = api.add("web-starter", requirement="acme-shop.com")["lines"][-1]
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    assert api("post", f"/cart/lines/{web['id']}/grant", {"grant_id": grant.pk}).status_code == 200
    promo = PromoCode.objects.create(code="DOM50", kind=PromoKind.PERCENT, percent=Decimal(50))
    promo.plans.set([plan("domain-com")])
    assert api("post", "/cart/promo-codes", {"code": "dom50"}).status_code == 200
    api("put", "/cart/payment-method", {"method": "prepaid"})

    response = api.checkout({})  # the method chosen on the cart

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "paid"
    order = body["order"]
    reasons = {line["discount_reason"] for line in order["lines"]}
    assert reasons == {"Promo code DOM50", "Free grant"}
    assert Decimal(order["prepaid_amount"]) == Decimal(order["total"]) > 0
    invoice = Invoice.objects.get(pk=order["invoice_id"])
    assert invoice.status == "paid"
    assert prepaid_balance(organization=cast.org, currency="EUR").amount == Decimal(
        "500.00"
    ) - Decimal(order["total"])
    assert ProductInstance.objects.filter(organization=cast.org).count() == 2
    detail = api("get", f"/orders/{order['reference']}").json()
    moments = {"created_at", "paid_at"}  # the stored answer writes milliseconds
    assert {k: v for k, v in detail.items() if k not in moments} == {
        k: v for k, v in order.items() if k not in moments
    }


def test_prepaid_part_and_card_rest_wait_for_the_card(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "10.00")
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")

    response = api.checkout({"method": "card", "prepaid_amount": "5.00", "card_number": CARD})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "awaiting_confirmation"
    assert body["order"]["prepaid_amount"] == "5.00" and body["order"]["invoice_id"] is None
    payment = body["payment"]
    assert payment["method"] == "card" and payment["status"] == "pending"
    assert Decimal(payment["amount"]) == Decimal(body["order"]["total"]) - 5
    assert CartLine.objects.exists()  # the cart stays until the card is confirmed
    assert not ProductInstance.objects.filter(organization=cast.org).exists()


def test_a_bank_transfer_waits_with_its_instructions(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")

    body = api.checkout({"method": "bank_transfer"}).json()

    assert body["status"] == "awaiting_transfer"
    transfer = body["transfer"]
    assert transfer["iban"] and transfer["reference"] == body["payment"]["reference"]
    assert body["order"]["invoice_id"] is not None


def test_the_same_key_returns_the_first_order_and_charges_once(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "100.00")
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")
    first = api.checkout({"method": "prepaid"}, key="order-1")
    again = api.checkout({"method": "prepaid"}, key="order-1")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Order.objects.count() == 1
    other = api.checkout({"method": "card", "card_number": CARD}, key="order-1")
    error(other, 422, "idempotency_key_reused")


def test_a_checkout_without_an_idempotency_key_is_refused(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("storage-free")
    error(api("post", "/cart/checkout", {}), 400, "idempotency_key_required")
    assert not Order.objects.exists()


def test_a_cart_to_pay_without_a_method_gets_the_flows_message(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")
    body = error(api.checkout({}, **{"Accept-Language": "it"}), 400, "method")
    with translation.override("it"):
        assert body["message"] == translation.gettext(CHOOSE_METHOD) != CHOOSE_METHOD
    assert not Order.objects.exists()


def test_an_empty_cart_is_refused(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    error(api.checkout({"method": "prepaid"}), 400, "cart_empty")
    api.add("storage-free")
    api("delete", f"/cart/lines/{CartLine.objects.get().pk}")
    error(api.checkout({"method": "prepaid"}, key="k-2"), 400, "cart_empty")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"method": "card", "prepaid_amount": "abc", "card_number": CARD}, 400, "amount"),
        ({"method": "card", "prepaid_amount": "-5", "card_number": CARD}, 400, "amount"),
        ({"method": "card", "prepaid_amount": "1e400", "card_number": CARD}, 400, "amount"),
        ({"method": "card", "prepaid_amount": 5.5, "card_number": CARD}, 422, "invalid"),
        ({"method": "card", "prepaid_amount": "9" * 29, "card_number": CARD}, 400, "amount"),
        ({"method": "card", "card_number": "1234"}, 400, "card_number"),
        ({"method": "card", "card_number": "42\u000042"}, 400, "invalid_text"),
        ({"method": "cheque"}, 400, "method"),
        ({"method": ["card"]}, 422, "invalid"),
    ],
)
def test_bad_checkout_input_is_a_clear_4xx_and_creates_nothing(
    cast: Cast, body: dict[str, Any], status: int, code: str
) -> None:
    prepaid_credit_confirmed(cast.org, "10.00")
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")
    response = api.checkout(body)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] in {code, "prepaid_amount"}
    assert not Order.objects.exists() and not Payment.objects.filter(purpose="order").exists()


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_checkout_needs_the_right_to_manage_products(cast: Cast, role: str) -> None:
    error(Api(getattr(cast, role)).checkout({}), 403, "forbidden")
    error(Api(cast.outsider, org_id=cast.org.pk).checkout({}), 404, "not_found")
    response = Client().post(
        f"/api/v1/orgs/{cast.org.pk}/cart/checkout",
        data="{}",
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    error(response, 401, "unauthenticated")


def test_a_declined_card_creates_nothing_and_the_cart_stays(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("domain-com", requirement="acme-shop.com")
    body = api.checkout({"method": "card", "card_number": "4000 0000 0000 0002"}).json()
    assert body["status"] == "awaiting_confirmation"
    payment = Payment.objects.get(reference=body["payment"]["reference"])

    event = simulated_event_body(
        reference=payment.reference,
        kind="payment.failed",
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )
    webhook_receive(provider="card", body=event, signature=webhook_sign("card", event))

    order = api("get", f"/orders/{body['order']['reference']}").json()
    assert order["status"] == "cancelled" and order["invoice_id"] is None
    assert not ProductInstance.objects.filter(organization=cast.org).exists()
    assert len(api("get", "/cart").json()["lines"]) == 1
    again = api.checkout({"method": "card", "card_number": CARD}, key="k-2")
    assert again.status_code == 201, again.content
