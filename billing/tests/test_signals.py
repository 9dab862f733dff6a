"""The signals billing sends to the layers above it (billing/signals.py): each once per change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.models import Invoice, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    LineDraft,
    invoice_issue,
    invoices_numbered_last,
    payment_confirm,
    payment_fail,
    payment_from_prepaid,
    payment_start,
    webhook_receive,
)
from billing.signals import invoices_paid, payment_expired, payment_failed
from core.money import Money
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

# Transactional: a receiver must see that it runs inside the service's own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org():
    return OrganizationFactory(country="CH")


@pytest.fixture
def sent():
    """(signal, payload, inside a transaction?) for every signal sent during the test."""
    calls: list[tuple[str, object, bool]] = []

    def receiver(name):
        def receive(sender, **kwargs):
            payload = kwargs.get("invoices") or kwargs.get("payment")
            if isinstance(payload, list):
                payload = [
                    (invoice.pk, invoice.status, invoice.legal_number) for invoice in payload
                ]
            else:
                payload = (payload.pk, payload.status)
            calls.append((name, payload, connection.in_atomic_block))

        return receive

    receivers = {
        invoices_paid: receiver("invoices_paid"),
        payment_failed: receiver("payment_failed"),
        payment_expired: receiver("payment_expired"),
    }
    for signal, receive in receivers.items():
        signal.connect(receive, weak=False)
    yield calls
    for signal, receive in receivers.items():
        signal.disconnect(receive)


def card_payment(org, *, purpose, amount, invoices=None, key="card-1", card="4242424242424242"):
    """Started on commit of its own transaction: the test card's outcome is delivered then."""
    payment, _started = payment_start(
        organization=org,
        method=PaymentMethod.CARD,
        purpose=purpose,
        amount=Money(Decimal(amount), "CHF"),
        invoices=invoices,
        idempotency_key=key,
        acting=None,
        details={"card_number": card},
    )
    return payment


def test_invoices_paid_once_when_a_card_pays_an_invoice(org, sent):
    invoice = invoice_for(org, "100.00")
    payment = card_payment(
        org, purpose=PaymentPurpose.INVOICES, amount="108.10", invoices=[invoice]
    )
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="108.10", currency="CHF"
    )
    for _ in range(3):
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    payment_confirm(payment_id=payment.pk)

    invoice.refresh_from_db()
    assert sent == [("invoices_paid", [(invoice.pk, "paid", invoice.legal_number)], True)]
    assert invoice.legal_number


def test_invoices_paid_once_for_several_invoices_paid_from_the_prepaid_account(org, sent):
    prepaid_credit_confirmed(org, "500.00")
    invoices = [invoice_for(org, "10.00"), invoice_for(org, "20.00")]
    for _ in range(2):
        payment_from_prepaid(organization=org, invoices=invoices, idempotency_key="p", acting=None)

    assert len(sent) == 1
    name, payload, in_transaction = sent[0]
    assert name == "invoices_paid" and in_transaction
    assert [(pk, status) for pk, status, _number in payload] == [
        (invoices[0].pk, "paid"),
        (invoices[1].pk, "paid"),
    ]


def test_no_invoices_paid_while_an_invoice_is_paid_in_part(org, sent):
    prepaid_credit_confirmed(org, "5.00")
    invoice = invoice_for(org, "10.00")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="p", acting=None)
    assert sent == []


def test_invoices_paid_when_an_invoice_of_zero_is_issued(org, sent):
    invoice = invoice_issue(
        organization=org,
        lines=[LineDraft(description="Free plan", unit_price=Money(Decimal(0), "CHF"))],
    )
    assert sent == [("invoices_paid", [(invoice.pk, "paid", invoice.legal_number)], True)]
    assert Invoice.objects.get().status == "paid"


def test_payment_failed_once_however_often_it_is_declined(org, sent):
    payment = card_payment(
        org, purpose=PaymentPurpose.PREPAID_CREDIT, amount="50.00", card="4000000000000002"
    )
    body = simulated_event_body(
        reference=payment.reference, kind="payment.failed", amount="50.00", currency="CHF"
    )
    webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    payment_fail(payment_id=payment.pk, reason="declined")

    assert sent == [("payment_failed", (payment.pk, PaymentStatus.FAILED), True)]


def test_a_receiver_that_raises_rolls_the_payment_back(org):
    invoice = invoice_for(org, "10.00")
    prepaid_credit_confirmed(org, "50.00")

    def refuse(sender, invoices, **kwargs):
        raise RuntimeError("the shop could not create the product")

    invoices_paid.connect(refuse, weak=False)
    try:
        with pytest.raises(RuntimeError):
            payment_from_prepaid(
                organization=org, invoices=[invoice], idempotency_key="p", acting=None
            )
    finally:
        invoices_paid.disconnect(refuse)
    invoice.refresh_from_db()
    assert invoice.status == "unpaid" and not invoice.allocations.exists()


def test_invoices_numbered_last_numbers_on_leaving_the_block(org, sent):
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "10.00")
    with transaction.atomic(), invoices_numbered_last():
        payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="p", acting=None)
        free = invoice_issue(
            organization=org,
            lines=[LineDraft(description="Free plan", unit_price=Money(Decimal(0), "CHF"))],
        )
        invoice.refresh_from_db()
        assert invoice.legal_number == "" and sent == []  # nothing numbered yet
    numbered = dict(Invoice.objects.values_list("pk", "number"))
    assert sorted(numbered) == sorted([invoice.pk, free.pk])
    assert sorted(number or 0 for number in numbered.values()) == [1, 2]
    assert len(sent) == 1 and [pk for pk, _s, _n in sent[0][1]] == sorted([invoice.pk, free.pk])
