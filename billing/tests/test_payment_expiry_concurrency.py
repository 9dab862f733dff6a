"""X5 on PostgreSQL: the expiry sweep and a confirmation at the same moment: the money
lands once, in one place; the sweep reads the partial index of pending payments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Invoice, Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import payment_start, payments_expire, payments_expiring_ids, webhook_receive
from core.money import Money
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory
from testsupport.money import money_invariants_problems
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )


@pytest.mark.parametrize("attempt", range(4))
def test_an_expiry_and_a_confirmation_at_once_move_the_money_once(attempt, order_settler_fake):
    org = OrganizationFactory(country="CH")
    settled: list[int] = []

    def settle(payment: Payment) -> list[Invoice]:
        settled.append(payment.pk)
        return []

    order_settler_fake(settle)
    payment, _started = payment_start(
        organization=org,
        method=PaymentMethod.CARD,
        purpose=PaymentPurpose.ORDER,
        amount=Money(Decimal("40.00"), "CHF"),
        idempotency_key="order",
        acting=None,
        details={"card_number": "4000 0000 0000 0119"},
    )
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="40.00", currency="CHF"
    )
    later = timezone.now() + timedelta(minutes=61)

    results = race(
        lambda: payments_expire(now=later),
        lambda: webhook_receive(provider="card", body=body, signature=webhook_sign("card", body)),
        lambda: payments_expire(now=later),
    )

    assert results == [None, None, None]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    # Either confirmed first (settled once) or expired first (settled never, late credit).
    assert settled == ([] if payment.expired_at else [payment.pk])
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("40.00")
    assert money_invariants_problems() == []


def test_the_sweep_reads_the_partial_index_of_pending_payments():
    org = OrganizationFactory(country="CH")
    rows = [
        Payment(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.PREPAID_CREDIT,
            amount=Decimal("10.00"),
            currency="CHF",
            status=PaymentStatus.CONFIRMED if i % 500 else PaymentStatus.PENDING,
            idempotency_key=f"bulk-{i}",
            reference=f"ca_bulk_{i}",
        )
        for i in range(20_000)
    ]
    Payment.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_payment")
    later = timezone.now() + timedelta(minutes=61)
    with CaptureQueriesContext(connection) as queries:
        found = payments_expiring_ids(now=later)
    (sweep,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sweep['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "billing_pay_pending_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert len(found) == 40
