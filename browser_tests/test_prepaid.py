"""Issue 5 prepaid account in Chromium (P1, P4): credit the account with the test
card, pay, see the balance and history, withdraw with re-authentication; in
English and Spanish. Every page is saved to var/screenshots/ and checked with axe."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from ledger.services import prepaid_balance
from orgs.models import Role
from testsupport.cast import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from testsupport.money import invoice_for
from wallet.models import Withdrawal, WithdrawalStatus

LABELS = {
    "en": {
        "credit": "Credit the account",
        "withdraw": "Withdraw the balance",
        "pay": "Pay",
        "confirmed": "Payment confirmed",
        "reserved": "The amount is reserved",
        "minimum": "The minimum amount is",
        "iban": "valid IBAN",
        "prepaid_method": "Prepaid account",
        "confirm": "Confirm the payment",
        "paid_invoice": "paid from the prepaid account",
    },
    "es": {
        "credit": "Acreditar la cuenta",
        "withdraw": "Recuperar el saldo",
        "pay": "Pagar",
        "confirmed": "Pago confirmado",
        "reserved": "El importe está reservado",
        "minimum": "El importe mínimo es",
        "iban": "IBAN válido",
        "prepaid_method": "Cuenta prepagada",
        "confirm": "Confirmar el pago",
        "paid_invoice": "pagados con la cuenta prepagada",
    },
}


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_accountant_credits_the_account_by_card_and_withdraws(
    page: Any, shoot: Any, language: str
) -> None:
    labels = LABELS[language]
    org: Any = OrganizationFactory(name="Alpenblick Treuhand AG", country="CH", city="Bern")
    email = f"elena-{language}@example.test"
    MembershipFactory(
        organization=org,
        role=Role.MEMBER,
        accounting=True,
        user=UserFactory(email=email, name="Elena Accounting", language=language),
    )
    _log_in(page, email)

    page.goto("/prepaid/")
    expect(page.get_by_test_id("balance")).to_contain_text(re.compile(r"0[.,]00"))
    shoot(page, f"prepaid-01-empty-{language}")

    # Credit: a refused amount first (below the minimum), then 120 by the test card.
    page.get_by_role("link", name=labels["credit"]).first.click()
    page.locator("input[name=amount]").fill("5")
    page.locator("input[name=card_number]").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=labels["pay"]).click()
    expect(page.locator(".invalid-feedback")).to_contain_text(labels["minimum"])
    shoot(page, f"prepaid-02-credit-error-{language}")
    page.locator("input[name=amount]").fill("120.50")
    page.get_by_role("button", name=labels["pay"]).click()
    expect(page.locator(".alert-success")).to_contain_text(labels["confirmed"])
    shoot(page, f"prepaid-03-credit-confirmed-{language}")
    # Going back and submitting the same form again credits nothing more.
    page.go_back()
    page.get_by_role("button", name=labels["pay"]).click()
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("120.50")

    page.goto("/prepaid/")
    expect(page.get_by_test_id("balance")).to_contain_text(re.compile(r"120[.,]50"))
    expect(page.locator("tbody tr")).to_have_count(1)
    shoot(page, f"prepaid-04-balance-{language}")

    # Pay a payment request from the prepaid account (P2): 30.00 + 8.1 % VAT = 32.43.
    invoice = invoice_for(org, "30.00")
    page.goto("/invoices/")
    page.get_by_role("link", name=re.compile(invoice.payment_reference)).click()
    shoot(page, f"prepaid-04b-payment-request-{language}")
    page.get_by_role("link", name=labels["pay"], exact=True).click()
    page.get_by_label(labels["prepaid_method"], exact=True).check()
    page.get_by_role("button", name=labels["confirm"]).click()
    expect(page.get_by_test_id("checkout-result")).to_have_attribute("data-status", "paid")
    expect(page.get_by_test_id("checkout-payments")).to_contain_text(labels["paid_invoice"])
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.legal_number
    shoot(page, f"prepaid-04c-invoice-paid-{language}")
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("88.07")
    page.goto("/prepaid/")

    # Withdraw: re-authentication first, then an invalid IBAN, then a valid one.
    page.get_by_role("link", name=labels["withdraw"]).first.click()
    expect(page).to_have_url(re.compile(r"/reauthenticate/"))
    shoot(page, f"prepaid-05-reauthenticate-{language}")
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/prepaid/withdraw/"))
    page.locator("input[name=amount]").fill("20")
    page.locator("input[name=iban]").fill("CH00 1234")
    page.locator("input[name=holder_name]").fill("Alpenblick Treuhand AG")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback")).to_contain_text(labels["iban"])
    shoot(page, f"prepaid-06-withdraw-error-{language}")
    page.locator("input[name=iban]").fill("CH93 0076 2011 6238 5295 7")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/prepaid/$"))
    expect(page.locator(".alert")).to_contain_text(labels["reserved"])
    expect(page.get_by_test_id("balance")).to_contain_text(re.compile(r"68[.,]07"))
    shoot(page, f"prepaid-07-withdrawal-reserved-{language}")

    withdrawal = Withdrawal.objects.get(organization=org)
    assert withdrawal.status == WithdrawalStatus.PENDING
    assert withdrawal.iban == "CH93 0076 2011 6238 5295 7"
