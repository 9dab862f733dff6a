"""I4 in Chromium: an unpaid CHF payment request shows its Swiss QR-bill (an
image the page's Content-Security-Policy allows) with the transfer details, in
the reader's language (English for Spanish, which the QR-bill does not speak);
a EUR request shows the IBAN and the reference only. Screenshots and axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from billing.qr_bill import structured_reference_display
from orgs.models import Role
from testsupport.cast import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from testsupport.money import invoice_for

HEADINGS = {
    "en": "Pay by bank transfer",
    "es": "Pagar por transferencia bancaria",
    "de": "Per Banküberweisung bezahlen",
}


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_a_swiss_payment_request_shows_its_qr_bill(page: Any, shoot: Any, language: str) -> None:
    org: Any = OrganizationFactory(
        name="Alpenblick Treuhand AG",
        street="Bundesgasse 3",
        postcode="3011",
        city="Bern",
        country="CH",
    )
    email = f"qr-{language}@example.test"
    MembershipFactory(
        organization=org,
        role=Role.MEMBER,
        accounting=True,
        user=UserFactory(email=email, name="Elena Accounting", language=language),
    )
    invoice = invoice_for(org, "100.00")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    _log_in(page, email)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.get_by_role("heading", name=HEADINGS[language])).to_be_visible()
    expect(page.locator("[data-structured-reference]")).to_have_text(
        structured_reference_display(invoice.payment_reference)
    )
    image = page.locator("img[src$='qr-bill.svg']")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector(\"img[src$='qr-bill.svg']\").naturalWidth > 0")
    assert not [e for e in errors if "Content Security Policy" in e]
    shoot(page, f"qr-bill-01-payment-request-{language}")


def test_a_euro_payment_request_shows_iban_and_reference_only(page: Any, shoot: Any) -> None:
    org: Any = OrganizationFactory(name="Taller Ribera S.L.", country="ES")
    email = "qr-eur@example.test"
    MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=email, name="Ana Ribera", language="es"),
    )
    invoice = invoice_for(org, "40.00", vat_rate="0")
    _log_in(page, email)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator("[data-structured-reference]")).to_have_text(
        structured_reference_display(invoice.payment_reference)
    )
    expect(page.locator("img[src$='qr-bill.svg']")).to_have_count(0)
    shoot(page, "qr-bill-02-euro-request-es")
