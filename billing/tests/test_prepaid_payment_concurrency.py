"""P2, X5 on PostgreSQL: the same payment request paid from the prepaid account with the
same key, several times at once, pays once and every caller gets the first payment."""

from __future__ import annotations

import pytest
from django.db import connection

from billing.models import InvoiceStatus, Payment, PaymentMethod
from billing.services import payment_from_prepaid
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, money_invariants_problems, prepaid_credit_confirmed
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_key_four_times_at_once_pays_once_and_returns_the_first_payment(attempt):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "30.00")
    returned: list[int] = []

    def pay() -> None:
        payment = payment_from_prepaid(
            organization=org, invoices=[invoice], idempotency_key="double-click", acting=None
        )
        returned.append(payment.pk)

    results = race(*[pay] * 4)

    assert results == [None] * 4
    payment = Payment.objects.get(method=PaymentMethod.PREPAID)
    assert returned == [payment.pk] * 4
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert prepaid_balance(organization=org, currency="CHF").amount == 100 - invoice.total
    assert money_invariants_problems() == []
