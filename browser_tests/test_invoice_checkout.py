"""Issue 10 in Chromium (S4, P2): paying one payment request partly from the prepaid
account and the rest by the test card, in English and Spanish. Every page is saved
to var/screenshots/ and checked with axe."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from billing.models import InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from browser_tests.conftest import log_in
from ledger.services import prepaid_balance
from orgs.models import Role
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

LABELS = {
    "en": {
        "pay": "Pay",
        "card": "Card",
        "confirm": "Confirm the payment",
        "balance_error": "The prepaid account balance is not enough for this amount.",
        "from_prepaid": "paid from the prepaid account",
        "by_card": "paid by card",
    },
    "es": {
        "pay": "Pagar",
        "card": "Tarjeta",
        "confirm": "Confirmar el pago",
        "balance_error": "El saldo de la cuenta prepagada no alcanza para este importe.",
        "from_prepaid": "pagados con la cuenta prepagada",
        "by_card": "pagados con tarjeta",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_payment_request_paid_partly_from_the_prepaid_account_and_the_rest_by_card(
    page: Any, shoot: Any, language: str
) -> None:
    labels = LABELS[language]
    org: Any = OrganizationFactory(name="Bodega Sierra S.L.", country="CH", city="Lausanne")
    email = f"carmen-{language}@example.test"
    MembershipFactory(
        organization=org,
        role=Role.MEMBER,
        accounting=True,
        user=UserFactory(email=email, name="Carmen Contabilidad", language=language),
    )
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")  # CHF 32.43 with 8.1 % VAT
    log_in(page, email)

    page.goto("/invoices/")
    page.get_by_role("link", name=re.compile(invoice.payment_reference)).click()
    shoot(page, f"checkout-01-payment-request-{language}")
    page.get_by_role("link", name=labels["pay"], exact=True).click()
    expect(page.get_by_test_id("balance")).to_contain_text(re.compile(r"20[.,]00"))
    shoot(page, f"checkout-02-choose-method-{language}")

    # First the method (the help center's order), then what the prepaid account pays.
    page.get_by_label(labels["card"], exact=True).check()
    expect(page.locator("input[name=paypal_email]")).to_be_hidden()
    page.locator("input[name=prepaid_amount]").fill("25")
    page.locator("input[name=card_number]").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=labels["confirm"]).click()
    expect(page.locator("#id_prepaid_amount_error")).to_contain_text(labels["balance_error"])
    shoot(page, f"checkout-03-more-than-the-balance-{language}")
    assert not Payment.objects.filter(organization=org, method=PaymentMethod.CARD).exists()

    page.locator("input[name=prepaid_amount]").fill("20")
    page.locator("input[name=card_number]").fill("4242 4242 4242 4242")
    shoot(page, f"checkout-04-prepaid-and-card-{language}")
    page.get_by_role("button", name=labels["confirm"]).click()

    # The test card's webhook arrives right after the payment is committed.
    expect(page.get_by_test_id("checkout-result")).to_have_attribute("data-status", "paid")
    payments = page.get_by_test_id("checkout-payments")
    expect(payments).to_contain_text(labels["from_prepaid"])
    expect(payments).to_contain_text(labels["by_card"])
    expect(payments).to_contain_text(re.compile(r"12[.,]43"))
    shoot(page, f"checkout-05-paid-{language}")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.legal_number
    card = Payment.objects.get(organization=org, method=PaymentMethod.CARD)
    assert card.status == PaymentStatus.CONFIRMED and card.amount == Decimal("12.43")
    assert prepaid_balance(organization=org, currency="CHF").amount == 0

    # Going back and confirming the same form again pays nothing more.
    page.go_back()
    page.get_by_role("button", name=labels["confirm"]).click()
    expect(page.get_by_test_id("checkout-result")).to_have_attribute("data-status", "paid")
    assert Payment.objects.filter(organization=org, method=PaymentMethod.CARD).count() == 1

    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("body")).to_contain_text(invoice.legal_number)
    shoot(page, f"checkout-06-invoice-paid-{language}")
