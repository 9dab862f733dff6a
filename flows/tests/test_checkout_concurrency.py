"""P2, X5 on PostgreSQL: checkouts of the same payment request at the same moment never
allocate more than is due, whatever the keys; late card confirmations credit their
surplus to the prepaid account."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Allocation, InvoiceStatus, Payment, PaymentMethod, PaymentPurpose
from billing.services import payment_confirm
from billing.tasks import webhook_test_deliver_task
from core.errors import BusinessError
from core.money import Money
from flows.checkout import InvoicesPayment, invoices_pay
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


@pytest.fixture(autouse=True)
def _webhooks_held(monkeypatch):  # type: ignore[no-untyped-def]
    """The test card's webhook is held back: the tests confirm the cards themselves, late."""
    monkeypatch.setattr(webhook_test_deliver_task, "delay", lambda *args: None)


def _checkout(org, invoice, key: str, prepaid: str, results: list[InvoicesPayment]):
    def run() -> None:
        results.append(
            invoices_pay(
                organization=org,
                invoices=[invoice],
                method=PaymentMethod.CARD,
                prepaid_amount=Money(Decimal(prepaid), "CHF"),
                details={"card_number": "4242424242424242"},
                idempotency_key=key,
                acting=None,
            )
        )

    return run


def _allocated(invoice) -> Decimal:
    return sum((a.amount for a in Allocation.objects.filter(invoice=invoice)), Decimal(0))


@pytest.mark.parametrize("attempt", range(3))
def test_two_checkouts_with_different_keys_never_allocate_more_than_is_due(attempt):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "30.00")  # 32.43
    results: list[InvoicesPayment] = []

    errors = race(
        _checkout(org, invoice, "first", "10.00", results),
        _checkout(org, invoice, "second", "10.00", results),
    )

    assert errors == [None, None]  # the second sees the first's prepaid part and pays less
    rests = sorted(r.rest.amount for r in results if r.rest is not None)
    assert rests == [Decimal("12.43"), Decimal("22.43")]
    assert _allocated(invoice) == Decimal("20.00")
    for result in results:
        assert result.rest is not None
        payment_confirm(payment_id=result.rest.pk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert _allocated(invoice) == invoice.total
    # 100 − 10 − 10, then the cards' 34.86 of which only 12.43 was still due.
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("102.43")
    assert money_invariants_problems() == []


@pytest.mark.parametrize("attempt", range(3))
def test_a_second_prepaid_part_larger_than_what_is_left_is_refused(attempt):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "30.00")  # 32.43
    results: list[InvoicesPayment] = []

    errors = race(
        _checkout(org, invoice, "first", "30.00", results),
        _checkout(org, invoice, "second", "30.00", results),
    )

    refused = [e for e in errors if e is not None]
    assert len(results) == 1 and len(refused) == 1
    assert isinstance(refused[0], BusinessError) and refused[0].field == "prepaid_amount"
    assert _allocated(invoice) == Decimal("30.00")
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("70.00")
    assert money_invariants_problems() == []


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_key_at_once_pays_once_and_both_get_the_first_result(attempt):
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "30.00")
    results: list[InvoicesPayment] = []

    errors = race(*[_checkout(org, invoice, "double-click", "10.00", results)] * 3)

    assert errors == [None] * 3
    assert Payment.objects.filter(purpose=PaymentPurpose.INVOICES).count() == 2
    assert len({(r.prepaid.pk, r.rest.pk) for r in results}) == 1  # type: ignore[union-attr]
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("90.00")
    assert money_invariants_problems() == []
