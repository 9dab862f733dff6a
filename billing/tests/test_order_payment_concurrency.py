"""X5 on PostgreSQL: an order payment's confirmation delivered several times at once
(the same event, another event, an agent) settles the order once (billing.hooks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentPurpose
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import payment_confirm, payment_start, webhook_receive
from core.money import Money
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, money_invariants_problems
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_confirmations_settle_the_order_once(attempt, order_settler_fake):
    org = OrganizationFactory(country="CH")
    settled: list[int] = []

    def settle(payment: Payment) -> list[Invoice]:
        settled.append(payment.pk)
        return [invoice_for(payment.organization, "100.00")]

    order_settler_fake(settle)
    payment, _started = payment_start(
        organization=org,
        method=PaymentMethod.CARD,
        purpose=PaymentPurpose.ORDER,
        amount=Money(Decimal("108.10"), "CHF"),
        idempotency_key="order",
        acting=None,
        details={"card_number": "4242424242424242"},
    )

    def event() -> bytes:
        return simulated_event_body(
            reference=payment.reference, kind="payment.succeeded", amount="108.10", currency="CHF"
        )

    same = event()

    def deliver(body: bytes) -> None:
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))

    results = race(
        lambda: deliver(same),
        lambda: deliver(same),
        lambda: deliver(event()),
        lambda: payment_confirm(payment_id=payment.pk),
    )

    assert results == [None] * 4
    assert settled == [payment.pk]
    (invoice,) = Invoice.objects.filter(organization=org)
    assert invoice.status == InvoiceStatus.PAID and invoice.number is not None
    assert money_invariants_problems() == []
