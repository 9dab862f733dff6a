"""X5 on PostgreSQL: concurrent writers on one organization never break the money.

16 threads, each with its own database connection, make 500 mixed operations
(credits, payments from the prepaid account and by card on the same invoices,
withdrawals and their decisions, refunds). Afterwards: no negative balance, no
invoice paid twice, no duplicate or skipped invoice number, ledger_check clean.
The figures (duration, operations per second, refusals) are printed with -s and
written to var/concurrency-figures.json.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client

from billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    WebhookEvent,
)
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    invoice_refund,
    payment_confirm,
    payment_from_prepaid,
    payment_start,
)
from core.errors import BusinessError
from core.money import Money
from ledger.models import Account, AccountKind
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed
from testsupport.services import require_service
from wallet.models import Withdrawal
from wallet.services import withdrawal_complete, withdrawal_reject, withdrawal_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
OPERATIONS = 500


@pytest.fixture(autouse=True)
def _postgres():
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "set DATABASE_URL=postgres://… to run the concurrency tests",
    )


def chf(amount: str) -> Money:
    return Money(Decimal(amount), "CHF")


def _operation(org, invoice_ids: list[int], rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        prepaid_credit_confirmed(org, str(rng.choice([5, 20, 50])))
        return "credit"
    if roll < 0.45:
        invoice = Invoice(pk=rng.choice(invoice_ids), organization=org)
        payment_from_prepaid(
            organization=org, invoices=[invoice], idempotency_key=uuid.uuid4().hex, acting=None
        )
        return "pay_prepaid"
    if roll < 0.65:
        invoice = Invoice.objects.get(pk=rng.choice(invoice_ids))
        due = invoice.total - sum(invoice.allocations.values_list("amount", flat=True), Decimal(0))
        if due <= 0:
            raise BusinessError("nothing due", code="already_paid")
        payment, _ = payment_start(
            organization=org,
            method=PaymentMethod.BANK_TRANSFER,
            purpose=PaymentPurpose.INVOICES,
            amount=Money(due, "CHF"),
            invoices=[invoice],
            idempotency_key=uuid.uuid4().hex,
            acting=None,
        )
        payment_confirm(payment_id=payment.pk)
        return "pay_transfer"
    if roll < 0.8:
        withdrawal_request(
            organization=org,
            amount=chf(str(rng.choice([1, 7, 15]))),
            destination="paypal",
            paypal_email="pay@example.test",
            idempotency_key=uuid.uuid4().hex,
            acting=None,
        )
        return "withdraw"
    if roll < 0.9:
        pending = list(Withdrawal.objects.filter(status="pending").values_list("pk", flat=True)[:5])
        if not pending:
            raise BusinessError("nothing to decide", code="nothing")
        decide = withdrawal_complete if rng.random() < 0.5 else withdrawal_reject
        decide(withdrawal=Withdrawal(pk=rng.choice(pending)), acting=None)
        return "decide"
    invoice = Invoice(pk=rng.choice(invoice_ids), organization=org)
    invoice_refund(invoice=invoice, reason="test", acting=None)
    return "refund"


def test_sixteen_threads_and_five_hundred_operations_keep_every_invariant():
    org = OrganizationFactory(country="CH")
    prepaid_credit_confirmed(org, "100")
    invoice_ids = [invoice_for(org, str(price), vat_rate="8.1").pk for price in range(5, 65)]
    done: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    errors: list[BaseException] = []
    messages: list[str] = []
    lock = threading.Lock()
    remaining = iter(range(OPERATIONS))

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                try:
                    kind = _operation(org, invoice_ids, rng)
                    with lock:
                        done[kind] += 1
                except BusinessError as error:
                    with lock:
                        refused[error.code] += 1
                except DatabaseError as error:  # a deadlock would land here
                    with lock:
                        refused[type(error).__name__] += 1
                        messages.append(str(error)[:300])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started

    assert errors == [], messages
    assert sum(done.values()) + sum(refused.values()) == OPERATIONS
    assert "OperationalError" not in refused and "IntegrityError" not in refused
    assert prepaid_balance(organization=org, currency="CHF").amount >= 0
    assert not Account.objects.filter(kind=AccountKind.PREPAID, balance__lt=0).exists()
    numbers = sorted(
        n or 0 for n in Invoice.objects.exclude(number=None).values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))
    paid = Invoice.objects.filter(status__in=[InvoiceStatus.PAID, InvoiceStatus.REFUNDED])
    for invoice in paid:
        assert (
            sum(invoice.allocations.values_list("amount", flat=True), Decimal(0)) == invoice.total
        )
    call_command("ledger_check")
    figures = {
        "threads": THREADS,
        "operations": OPERATIONS,
        "duration_s": round(duration, 2),
        "ops_per_s": round(OPERATIONS / duration, 1),
        "done": dict(done),
        "refused": dict(refused),
        "invoices_numbered": len(numbers),
        "final_balance": f"{prepaid_balance(organization=org, currency='CHF').amount}",
    }
    print("\nconcurrency figures:", json.dumps(figures))
    out = Path(settings.VAR_DIR) / "concurrency-figures.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))


def test_the_same_webhook_delivered_ten_times_at_once_credits_once():
    org = OrganizationFactory(country="CH")
    # A pending PayPal payment whose confirmation has not arrived yet (started as a
    # transfer so that the test provider does not send its own event).
    payment, _ = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=chf("42"),
        idempotency_key="webhook-race",
        acting=None,
    )
    Payment.objects.filter(pk=payment.pk).update(method=PaymentMethod.PAYPAL)
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="42.00", currency="CHF"
    )
    signature = webhook_sign("paypal", body)
    barrier = threading.Barrier(10)
    statuses: list[str] = []

    def deliver() -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/billing/webhooks/paypal/",
                data=body,
                content_type="application/json",
                headers={"Gestor-Signature": signature},
            )
            statuses.append(response.json()["status"])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["duplicate"] * 9 + ["processed"]
    assert WebhookEvent.objects.count() == 1
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("42.00")
    call_command("ledger_check")


def test_the_same_idempotency_key_sent_ten_times_at_once_credits_once(django_user_model):
    from accounts.tokens import api_token_create
    from orgs.models import Role
    from testsupport.cast import MembershipFactory

    membership = MembershipFactory(
        organization=OrganizationFactory(country="CH"), role=Role.LEGAL_REPRESENTATIVE
    )
    _, raw = api_token_create(user=membership.user, name="race")
    body = json.dumps({"amount": "25.00", "currency": "CHF", "method": "bank_transfer"})
    barrier = threading.Barrier(10)
    responses: list[tuple[int, str]] = []

    def send() -> None:
        try:
            barrier.wait()
            response = Client().post(
                f"/api/v1/orgs/{membership.organization_id}/prepaid/credit",
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "race-1"},
            )
            responses.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for status, _ in responses} == {201}
    assert all(json.loads(content) == json.loads(responses[0][1]) for _, content in responses)
    assert Payment.objects.count() == 1
