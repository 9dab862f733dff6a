"""O5, P1, P4: a change of country changes the currency of the next invoices, never
the money held. A balance in the former currency stays visible (prepaid page,
dashboard, API) and withdrawable, and the edit form says so before saving."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from ledger.services import prepaid_balance
from orgs.models import Organization
from testsupport.auth import client_reauthenticate
from testsupport.cast import TEST_PASSWORD
from testsupport.money import prepaid_credit_confirmed
from wallet.models import Withdrawal
from wallet.tests.test_api import api

VALID_IBAN = "ES91 2100 0418 4502 0005 1332"


def moved_to_switzerland(org: Organization) -> Organization:
    Organization.objects.filter(pk=org.pk).update(country="CH")
    org.refresh_from_db()
    assert org.currency.value == "CHF"
    return org


@pytest.fixture
def moved(cast):
    """The cast's Spanish organization holds 104.50 EUR, then moves to Switzerland."""
    prepaid_credit_confirmed(cast.org, "104.50")
    moved_to_switzerland(cast.org)
    return cast


def test_the_prepaid_page_still_shows_the_former_currency_and_its_history(moved):
    client = client_for(moved.accountant)
    response = client.get(reverse("prepaid"))
    html = response.content.decode()
    assert 'data-testid="balance-EUR">€104.50<' in html
    assert "Withdraw the balance in EUR" in html
    assert response.context["balance"].currency == "CHF"
    assert response.context["history_currencies"] == ["CHF", "EUR"]
    history = client.get(reverse("prepaid") + "?currency=EUR")
    assert [entry.amount for entry in history.context["page"]] == [Decimal("104.50")]


def test_the_dashboard_still_shows_the_former_currency(moved):
    html = client_for(moved.accountant).get(reverse("dashboard")).content.decode()
    assert 'data-testid="dashboard-balance-EUR"' in html
    assert "€104.50" in html


def test_the_former_currency_is_withdrawn_from_the_page(moved):
    client = client_reauthenticate(client_for(moved.accountant), moved.accountant.user)
    url = reverse("prepaid:withdraw") + "?currency=EUR"
    form = client.get(url).context["form"]
    assert form["amount"].value() == "104.50"
    response = client.post(
        url,
        {
            "amount": "104.50",
            "destination": "iban",
            "iban": VALID_IBAN,
            "holder_name": "Acme Hosting S.L.",
            "idempotency_key": "former-1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Withdrawal.objects.get().amount_money.currency == "EUR"
    assert prepaid_balance(organization=moved.org, currency="EUR").amount == Decimal("0")


def test_without_a_choice_the_withdrawal_page_offers_the_balance_that_holds_money(moved):
    client = client_reauthenticate(client_for(moved.accountant), moved.accountant.user)
    response = client.get(reverse("prepaid:withdraw"))
    assert response.context["balance"].currency == "EUR"
    assert response.context["has_balance"]


def test_the_api_lists_every_balance_and_withdraws_the_former_currency(moved):
    call = api(moved.accountant)
    body = call("get", "/prepaid").json()
    assert body["currency"] == "CHF" and body["balance"] == "0.00"
    assert body["balances"] == [
        {"currency": "CHF", "balance": "0.00"},
        {"currency": "EUR", "balance": "104.50"},
    ]
    entries = call("get", "/prepaid/entries?currency=EUR").json()
    assert entries["count"] == 1 and entries["items"][0]["amount"] == "104.50"
    response = call(
        "post",
        "/prepaid/withdraw",
        {
            "amount": "4.50",
            "currency": "EUR",
            "destination": "paypal",
            "paypal_email": "pay@example.test",
            "password": TEST_PASSWORD,
        },
        key="former-api",
    )
    assert response.status_code == 201, response.content
    assert prepaid_balance(organization=moved.org, currency="EUR").amount == Decimal("100.00")


def test_the_edit_form_says_before_saving_what_becomes_of_the_balance(cast):
    prepaid_credit_confirmed(cast.org, "104.50")
    client = client_for(cast.legal_rep)
    page = client.get(reverse("orgs:edit")).content.decode()
    # Rendered hidden for a Swiss address, shown by the script when CH is chosen.
    assert 'data-currency-notes="CHF"' in page and "€104.50" in page
    preview = client.post(
        reverse("orgs:edit"),
        {"name": cast.org.name, "kind": cast.org.kind, "country": "CH", "preview": "1"},
    )
    html = preview.content.decode()
    notes = html.split('data-currency-notes="CHF"', 1)[1].split("</div>", 1)[0]
    assert " hidden" not in notes.split(">", 1)[0]
    assert "€104.50" in notes and "withdraw" in notes
    assert not Organization.objects.filter(pk=cast.org.pk, country="CH").exists()


def test_the_edit_form_says_nothing_when_there_is_no_balance(cast):
    page = client_for(cast.legal_rep).get(reverse("orgs:edit")).content.decode()
    assert "data-currency-notes" not in page
