"""X4: the back office's money pages open for a support agent (their admin classes
are typed generics since mypy --strict; a wrong base or annotation would fail here)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from testsupport.cast import OrganizationFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:ledger_account_changelist",
    "admin:ledger_transaction_changelist",
    "admin:billing_invoice_changelist",
    "admin:billing_payment_changelist",
    "admin:billing_creditnote_changelist",
    "admin:wallet_withdrawal_changelist",
    "admin:core_auditevent_changelist",
    "admin:core_outboxemail_changelist",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_money_page_of_the_back_office_opens(client, page):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "50.00")
    invoice_for(org, "20.00")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(page)).status_code == 200


def test_the_accounts_page_shows_each_balance(client):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "50.00")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:ledger_account_changelist")).content.decode()
    assert 'field-balance_shown">50.00<' in html  # the prepaid account
    assert 'field-balance_shown">-50.00<' in html  # the card clearing account, summed
