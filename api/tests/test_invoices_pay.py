"""S4, P2, X3, X5: paying payment requests through the API, with the same flow and
the same translated messages as the invoice page's *Pay*."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from billing.models import InvoiceStatus, Payment, PaymentPurpose
from billing.qr_bill import structured_reference_display
from conftest import Cast
from ledger.services import prepaid_balance
from orgs.models import Membership
from testsupport.money import _ledger_stays_clean, invoice_for, prepaid_credit_confirmed

__all__ = ["_ledger_stays_clean"]

CARD = "4242 4242 4242 4242"


def pay(membership: Membership, body: object, *, key: str | None = "k1", language: str = "en"):
    _, raw = api_token_create(user=membership.user, name="test")
    headers = {"Authorization": f"Bearer {raw}", "Accept-Language": language}
    if key:
        headers["Idempotency-Key"] = key
    return Client().post(
        f"/api/v1/orgs/{membership.organization_id}/invoices/pay",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def invoice(cast: Cast):
    return invoice_for(cast.org, "30.00")  # 32.43 EUR


def test_prepaid_part_and_card_rest(cast: Cast, invoice, django_capture_on_commit_callbacks):
    prepaid_credit_confirmed(cast.org, "20.00")
    body = {"invoices": [invoice.pk], "method": "card", "prepaid_amount": "20.00"}

    with django_capture_on_commit_callbacks(execute=True):
        response = pay(cast.accountant, {**body, "card_number": CARD})

    assert response.status_code == 201
    data = response.json()
    assert data["prepaid_payment"]["amount"] == "20.00"
    assert data["payment"]["method"] == "card" and data["payment"]["amount"] == "12.43"
    assert data["status"] == "pending"  # as it was when the checkout committed
    assert data["transfer"] is None
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID  # the test card's webhook arrived after
    assert prepaid_balance(organization=cast.org, currency="EUR").amount == 0


def test_the_prepaid_account_alone(cast: Cast, invoice) -> None:
    prepaid_credit_confirmed(cast.org, "50.00")

    response = pay(cast.legal_rep, {"invoices": [invoice.pk], "method": "prepaid"})

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "paid" and data["payment"] is None
    assert data["invoices"][0]["number"]


def test_a_bank_transfer_returns_what_to_type(cast: Cast, invoice, settings) -> None:
    response = pay(cast.admin, {"invoices": [invoice.pk], "method": "bank_transfer"})

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "pending"
    assert data["transfer"] == {
        "iban": settings.SELLER["iban"],
        "beneficiary": settings.SELLER["name"],
        "reference": data["payment"]["reference"],
        "structured_reference": structured_reference_display(data["payment"]["reference"]),
    }


def test_the_same_key_replays_and_charges_once(cast: Cast, invoice) -> None:
    prepaid_credit_confirmed(cast.org, "20.00")
    body = {"invoices": [invoice.pk], "method": "card", "prepaid_amount": "20", "card_number": CARD}

    first = pay(cast.accountant, body)
    second = pay(cast.accountant, body)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(purpose=PaymentPurpose.INVOICES).count() == 2


def test_an_idempotency_key_is_required(cast: Cast, invoice) -> None:
    response = pay(cast.accountant, {"invoices": [invoice.pk], "method": "prepaid"}, key=None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_member_without_accounting_gets_403(cast: Cast, invoice) -> None:
    response = pay(cast.member, {"invoices": [invoice.pk], "method": "bank_transfer"})
    assert response.status_code == 403
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_outsider_gets_404_for_the_organization(cast: Cast, invoice) -> None:
    _, raw = api_token_create(user=cast.outsider.user, name="x")
    response = Client().post(
        f"/api/v1/orgs/{cast.org.pk}/invoices/pay",
        data=json.dumps({"invoices": [invoice.pk], "method": "bank_transfer"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "k"},
    )
    assert response.status_code == 404


def test_another_organizations_invoice_is_not_found(cast: Cast, invoice) -> None:
    response = pay(cast.outsider, {"invoices": [invoice.pk], "method": "bank_transfer"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_anonymous_gets_401(cast: Cast, invoice) -> None:
    response = Client().post(
        f"/api/v1/orgs/{cast.org.pk}/invoices/pay",
        data=json.dumps({"invoices": [invoice.pk], "method": "prepaid"}),
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 401


def test_more_than_the_balance_gets_the_pages_translated_message(cast: Cast, invoice) -> None:
    prepaid_credit_confirmed(cast.org, "5.00")
    body = {"invoices": [invoice.pk], "method": "card", "prepaid_amount": "6", "card_number": CARD}

    response = pay(cast.accountant, body, language="es")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "insufficient_balance"
    assert error["message"] == "El saldo de la cuenta prepagada no alcanza para este importe."
    assert prepaid_balance(organization=cast.org, currency="EUR").amount == Decimal("5.00")


@pytest.mark.parametrize(
    "body",
    [
        {"invoices": [], "method": "card"},
        {"invoices": [0], "method": "card"},
        {"invoices": [10**30], "method": "card"},
        {"invoices": "1", "method": "card"},
        {"method": "card"},
        {"invoices": [1], "method": "cash"},
        {"invoices": [1], "method": "card", "prepaid_amount": "-5"},
        {"invoices": [1], "method": "card", "prepaid_amount": "1e9"},
        {"invoices": [1], "method": "card", "prepaid_amount": "ten"},
        {"invoices": [1], "method": "card", "prepaid_amount": "12.345"},
        {"invoices": [1], "method": "card", "card_number": "1234"},
        {"invoices": [1], "method": "paypal", "paypal_email": "not an address"},
        {"invoices": [1], "method": "card", "card_number": "4242\u0000"},
    ],
)
def test_bad_input_gets_a_clear_4xx(cast: Cast, invoice, body: dict[str, object]) -> None:
    body = {k: ([invoice.pk] if v == [1] else v) for k, v in body.items()}
    prepaid_credit_confirmed(cast.org, "50.00")

    response = pay(cast.accountant, body)

    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_the_endpoint_is_documented(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/orgs/{org_id}/invoices/pay"]["post"]
    assert operation["summary"] == "Pay invoices"
    assert "Idempotency-Key" in operation["description"]
