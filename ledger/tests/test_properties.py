"""X5, I1: for random sequences of credits, invoices, payments, refunds and
withdrawals, in both currencies, every invariant holds after every step:
each transaction sums to zero, balances equal the sum of their entries and never
go negative, invoices' totals equal the sum of their lines, numbers have no gap."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.checks import billing_problems
from billing.models import Invoice, Payment, PaymentMethod, PaymentPurpose
from billing.services import (
    LineDraft,
    invoice_cancel,
    invoice_issue,
    invoice_refund,
    payment_confirm,
    payment_fail,
    payment_from_prepaid,
    payment_start,
)
from core.errors import BusinessError
from core.money import Money
from ledger.checks import ledger_problems
from ledger.models import Account, AccountKind, Entry
from testsupport.cast import OrganizationFactory
from wallet.models import Withdrawal
from wallet.services import withdrawal_complete, withdrawal_reject, withdrawal_request

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2)
lines = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2),
        st.integers(min_value=1, max_value=5),
        st.sampled_from(
            [Decimal("0"), Decimal("2.6"), Decimal("7.7"), Decimal("8.1"), Decimal("21")]
        ),
    ),
    min_size=1,
    max_size=4,
)
pick = st.integers(min_value=0, max_value=50)
operations = st.one_of(
    st.tuples(st.just("credit"), amounts, st.booleans()),
    st.tuples(st.just("issue"), lines),
    st.tuples(st.just("pay_prepaid"), pick, st.one_of(st.none(), amounts)),
    st.tuples(st.just("pay_card"), pick, st.booleans()),
    st.tuples(st.just("refund"), pick),
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("withdraw"), amounts),
    st.tuples(st.just("decide"), pick, st.booleans()),
)

_keys = itertools.count()


def key() -> str:
    return f"prop-{next(_keys)}"


def run(org, currency: str, op: tuple[Any, ...]) -> None:
    kind = op[0]
    invoices = list(Invoice.objects.filter(organization=org).order_by("pk"))
    if kind == "credit":
        payment, _ = payment_start(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.PREPAID_CREDIT,
            amount=Money(op[1], currency),
            idempotency_key=key(),
            acting=None,
            details={"card_number": "4242424242424242"},
        )
        if op[2]:
            payment_confirm(payment_id=payment.pk)
        else:
            payment_fail(payment_id=payment.pk, reason="declined")
    elif kind == "issue":
        invoice_issue(
            organization=org,
            lines=[
                LineDraft(
                    description="x", unit_price=Money(price, currency), quantity=qty, vat_rate=rate
                )
                for price, qty, rate in op[1]
            ],
        )
    elif kind == "pay_prepaid" and invoices:
        invoice = invoices[op[1] % len(invoices)]
        amount = Money(op[2], currency) if op[2] is not None else None
        payment_from_prepaid(
            organization=org, invoices=[invoice], amount=amount, idempotency_key=key(), acting=None
        )
    elif kind == "pay_card" and invoices:
        invoice = invoices[op[1] % len(invoices)]
        due = invoice.total - sum(invoice.allocations.values_list("amount", flat=True), Decimal(0))
        if due <= 0:
            raise BusinessError("nothing due")
        payment, _ = payment_start(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.INVOICES,
            amount=Money(due, currency),
            invoices=[invoice],
            idempotency_key=key(),
            acting=None,
            details={"card_number": "4242424242424242"},
        )
        if op[2]:
            payment_confirm(payment_id=payment.pk)
    elif kind == "refund" and invoices:
        invoice_refund(invoice=invoices[op[1] % len(invoices)], reason="test", acting=None)
    elif kind == "cancel" and invoices:
        invoice_cancel(invoice=invoices[op[1] % len(invoices)], acting=None)
    elif kind == "withdraw":
        withdrawal_request(
            organization=org,
            amount=Money(op[1], currency),
            destination="paypal",
            paypal_email="pay@example.test",
            idempotency_key=key(),
            acting=None,
        )
    elif kind == "decide":
        pending = list(Withdrawal.objects.filter(organization=org, status="pending").order_by("pk"))
        if pending:
            decide = withdrawal_complete if op[2] else withdrawal_reject
            decide(withdrawal=pending[op[1] % len(pending)], acting=None)


def invariants() -> None:
    assert ledger_problems() == []
    assert billing_problems() == []
    for account in Account.objects.filter(kind=AccountKind.PREPAID):
        entries = sum(
            Entry.objects.filter(account=account).values_list("amount", flat=True), Decimal(0)
        )
        assert account.balance == entries >= 0


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(currency=st.sampled_from(["CHF", "EUR"]), ops=st.lists(operations, max_size=25))
def test_every_invariant_holds_after_every_operation(
    currency: str, ops: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        org = OrganizationFactory(country="CH" if currency == "CHF" else "ES")
        for op in ops:
            try:
                with transaction.atomic():
                    run(org, currency, op)
            except BusinessError:
                pass  # a refusal (not enough balance, already paid…) writes nothing
            invariants()
        assert not Payment.objects.filter(amount__lte=0).exists()
        transaction.set_rollback(True)
