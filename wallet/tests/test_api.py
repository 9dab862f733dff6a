"""P1, P4, I1, X3, X5: the prepaid account, invoices and payments through the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from billing.models import Payment
from conftest import Cast
from ledger.services import prepaid_balance
from orgs.models import Membership
from testsupport.cast import TEST_PASSWORD
from testsupport.money import invoice_for, prepaid_credit_confirmed
from wallet.models import Withdrawal


def api(membership: Membership):
    _, raw = api_token_create(user=membership.user, name="test")
    client = Client()
    base = f"/api/v1/orgs/{membership.organization_id}"

    def call(method: str, path: str, body: object = None, key: str | None = None):
        headers = {"Authorization": f"Bearer {raw}"}
        if key:
            headers["Idempotency-Key"] = key
        if method == "get":
            return client.get(base + path, headers=headers)
        return client.post(
            base + path, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return call


CREDIT = {"amount": "50.00", "currency": "EUR", "method": "bank_transfer"}


@pytest.mark.parametrize(
    ("role", "status"), [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 403)]
)
def test_each_role_reads_the_balance_or_gets_403(cast: Cast, role: str, status: int) -> None:
    assert api(getattr(cast, role))("get", "/prepaid").status_code == status


def test_the_outsider_gets_404(cast: Cast) -> None:
    call = api(cast.outsider)
    other = f"/api/v1/orgs/{cast.org.pk}/prepaid"
    _, raw = api_token_create(user=cast.outsider.user, name="x")
    response = Client().get(other, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 404
    assert call("get", "/prepaid").status_code == 200


def test_balance_and_entries(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "30")
    call = api(cast.accountant)
    assert call("get", "/prepaid").json()["balance"] == "30.00"
    entries = call("get", "/prepaid/entries").json()
    assert entries["count"] == 1 and entries["items"][0]["balance_after"] == "30.00"


def test_credit_needs_an_idempotency_key(cast: Cast) -> None:
    response = api(cast.accountant)("post", "/prepaid/credit", CREDIT)
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_a_replayed_credit_returns_the_first_response_and_credits_once(cast: Cast) -> None:
    call = api(cast.accountant)
    first = call("post", "/prepaid/credit", CREDIT, key="abc")
    second = call("post", "/prepaid/credit", CREDIT, key="abc")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Payment.objects.count() == 1
    reused = call("post", "/prepaid/credit", {**CREDIT, "amount": "60.00"}, key="abc")
    assert reused.status_code == 422


def test_a_credit_with_the_longest_accepted_key_is_stored_whole(cast: Cast) -> None:
    """X5: a 255-character Idempotency-Key fits the payment's 200-character key column."""
    response = api(cast.accountant)("post", "/prepaid/credit", CREDIT, key="k" * 255)
    assert response.status_code == 201
    stored = Payment.objects.get().idempotency_key
    assert len(stored) <= (Payment._meta.get_field("idempotency_key").max_length or 0)


@pytest.mark.parametrize(
    "body",
    [
        {**CREDIT, "amount": "-5"},
        {**CREDIT, "amount": "0"},
        {**CREDIT, "amount": "1e9"},
        {**CREDIT, "amount": "ten"},
        {**CREDIT, "amount": "12.345"},
        {**CREDIT, "amount": "5000.01"},
        {**CREDIT, "currency": "USD"},
        {**CREDIT, "currency": "CHF"},
        {**CREDIT, "method": "prepaid"},
    ],
)
def test_bad_credits_are_refused_with_a_clear_error(cast: Cast, body: dict[str, str]) -> None:
    response = api(cast.accountant)("post", "/prepaid/credit", body, key="k")
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]
    assert not Payment.objects.exists()


def test_member_cannot_credit(cast: Cast) -> None:
    response = api(cast.member)("post", "/prepaid/credit", CREDIT, key="k")
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_withdraw_reserves_the_amount(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "30")
    body = {
        "amount": "20.00",
        "currency": "EUR",
        "destination": "iban",
        "iban": "ES9121000418450200051332",
        "holder_name": "Acme",
        "password": TEST_PASSWORD,
    }
    response = api(cast.legal_rep)("post", "/prepaid/withdraw", body, key="w")
    assert response.status_code == 201
    assert prepaid_balance(organization=cast.org, currency="EUR").amount == Decimal("10.00")
    bad = api(cast.legal_rep)("post", "/prepaid/withdraw", {**body, "iban": "XX00"}, key="w2")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "iban"
    assert Withdrawal.objects.count() == 1


def test_invoices_and_payments_lists_and_details(cast: Cast) -> None:
    invoice = invoice_for(cast.org, "10.00", "5.55")
    call = api(cast.accountant)
    page = call("get", "/invoices").json()
    assert page["count"] == 1 and page["items"][0]["status"] == "unpaid"
    detail = call("get", f"/invoices/{invoice.pk}").json()
    assert detail["total"] == f"{invoice.total:f}"
    assert len(detail["lines"]) == 2
    call("post", "/prepaid/credit", CREDIT, key="p")
    payments = call("get", "/payments").json()
    assert payments["count"] == 1
    assert call("get", f"/payments/{payments['items'][0]['id']}").status_code == 200
    assert api(cast.member)("get", "/invoices").status_code == 403


def test_another_organizations_invoice_is_404(cast: Cast) -> None:
    from testsupport.cast import OrganizationFactory

    invoice = invoice_for(OrganizationFactory(), "10")
    assert api(cast.accountant)("get", f"/invoices/{invoice.pk}").status_code == 404


WITHDRAWAL = {
    "amount": "20.00",
    "currency": "EUR",
    "destination": "iban",
    "iban": "ES9121000418450200051332",
    "holder_name": "Acme",
}


def test_withdraw_without_the_password_moves_nothing(cast: Cast) -> None:
    """A7, P4: a leaked token alone cannot move money out."""
    prepaid_credit_confirmed(cast.org, "30")
    response = api(cast.legal_rep)("post", "/prepaid/withdraw", WITHDRAWAL, key="w")
    assert response.status_code == 422
    assert not Withdrawal.objects.exists()


def test_withdraw_with_a_wrong_password_moves_nothing(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "30")
    body = {**WITHDRAWAL, "password": "not the password"}
    response = api(cast.legal_rep)("post", "/prepaid/withdraw", body, key="w")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_password"
    assert prepaid_balance(organization=cast.org, currency="EUR").amount == Decimal("30.00")


def test_withdraw_asks_for_the_two_factor_code_when_it_is_on(cast: Cast) -> None:
    from testsupport.auth import totp_code, totp_enable

    prepaid_credit_confirmed(cast.org, "30")
    secret = totp_enable(cast.legal_rep.user)
    call = api(cast.legal_rep)
    body = {**WITHDRAWAL, "password": TEST_PASSWORD}
    assert call("post", "/prepaid/withdraw", body, key="w1").json()["error"]["code"] == "wrong_code"
    response = call("post", "/prepaid/withdraw", {**body, "code": totp_code(secret)}, key="w2")
    assert response.status_code == 201
