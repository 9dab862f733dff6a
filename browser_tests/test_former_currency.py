"""Issue 8 in Chromium (O5, P1, P4, X1): a Spanish organization credits 104,50 €
typed the Spanish way, moves to Switzerland after the edit form has said what
becomes of the balance, and still sees and withdraws its euros; in es and en,
every page checked with axe."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in
from ledger.services import prepaid_balance
from orgs.models import Role
from testsupport.cast import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from wallet.models import Withdrawal

TYPED = {"es": "104,50", "en": "104.50"}
SHOWN = {"es": "104,50 €", "en": "€104.50"}


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_balance_in_the_former_currency_stays_visible_and_withdrawable(
    page: Any, shoot: Any, language: str
) -> None:
    org: Any = OrganizationFactory(name="Hostelería Sol S.L.U.", country="ES")
    email = f"sol-{language}@example.test"
    MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=email, name="Sol Soler", language=language),
    )
    log_in(page, email)
    expect(page.locator(".lead")).not_to_contain_text("S.L.U..")

    # Credit, the amount typed the reader's way.
    page.goto("/prepaid/credit/")
    page.locator("input[name=amount]").fill(TYPED[language])
    page.locator("input[name=card_number]").fill("4242 4242 4242 4242")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".alert-success")).to_contain_text(SHOWN[language])
    assert prepaid_balance(organization=org, currency="EUR").amount == Decimal("104.50")

    # The edit form says, before saving, what becomes of the euros.
    page.goto("/organization/edit/")
    notes = page.locator("[data-currency-notes=CHF]")
    expect(notes).to_be_hidden()
    page.locator("#id_country").select_option("CH")
    expect(notes).to_be_visible()
    expect(notes).to_contain_text(SHOWN[language])
    page.locator("input[name=street]").fill("Bahnhofstrasse 1")
    page.locator("input[name=postcode]").fill("8001")
    page.locator("input[name=city]").fill("Zürich")
    shoot(page, f"former-currency-01-edit-notice-{language}")
    page.locator("#main form button[type=submit]:not([name=preview])").last.click()
    expect(page).to_have_url(re.compile(r"/organization/$"))
    org.refresh_from_db()
    assert org.currency.value == "CHF"

    # The prepaid page and the dashboard still show them.
    page.goto("/prepaid/")
    expect(page.get_by_test_id("balance")).to_contain_text("CHF")
    expect(page.get_by_test_id("balance-EUR")).to_contain_text(SHOWN[language])
    shoot(page, f"former-currency-02-prepaid-{language}")
    page.locator("nav a.nav-link", has_text="EUR").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.goto("/")
    expect(page.get_by_test_id("dashboard-balance-EUR")).to_contain_text(SHOWN[language])
    shoot(page, f"former-currency-03-dashboard-{language}")

    # And they are withdrawn, the prefilled amount written the reader's way.
    page.goto("/prepaid/withdraw/?currency=EUR")
    if "/reauthenticate/" in page.url:
        page.locator("input[type=password]").fill(TEST_PASSWORD)
        page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=amount]")).to_have_value(TYPED[language])
    if page.locator("form input[name=password]").count():
        page.locator("form input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=iban]").fill("ES91 2100 0418 4502 0005 1332")
    page.locator("input[name=holder_name]").fill("Hostelería Sol S.L.U.")
    shoot(page, f"former-currency-04-withdraw-{language}")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/prepaid/$"))
    withdrawal = Withdrawal.objects.get(organization=org)
    assert withdrawal.amount_money.currency == "EUR"
    assert withdrawal.amount == Decimal("104.50")
    assert prepaid_balance(organization=org, currency="EUR").amount == Decimal("0")
