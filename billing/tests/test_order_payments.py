"""S4, P1, P2, X5: a payment for a shop order whose invoice is issued only when the
money is there, by the settler an upper layer registers (billing.hooks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.hooks import OrderSettlerMissing
from billing.models import (
    Allocation,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
)
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    LineDraft,
    invoice_issue,
    payment_confirm,
    payment_from_prepaid,
    payment_start,
    webhook_receive,
)
from billing.signals import invoices_paid, payment_failed
from core.errors import BusinessError
from core.money import Money
from ledger.models import Transaction
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

pytestmark = pytest.mark.django_db


def chf(amount: str) -> Money:
    return Money(Decimal(amount), "CHF")


@pytest.fixture
def org():
    return OrganizationFactory(country="CH", name="Alpenblick AG")


@pytest.fixture
def received():
    """Every signal billing sends during the test, as (name, payload)."""
    calls: list[tuple[str, object]] = []

    def on_paid(sender, invoices, **kwargs):
        calls.append(("invoices_paid", sorted(invoice.pk for invoice in invoices)))

    def on_failed(sender, payment, **kwargs):
        calls.append(("payment_failed", payment.pk))

    invoices_paid.connect(on_paid, weak=False)
    payment_failed.connect(on_failed, weak=False)
    yield calls
    invoices_paid.disconnect(on_paid)
    payment_failed.disconnect(on_failed)


class FakeShop:
    """What the checkout flow does: issue the order's invoice when the money is there."""

    def __init__(self, *prices: str, prepaid: str | None = None, free: bool = False) -> None:
        self.prices = prices
        self.prepaid = prepaid
        self.free = free
        self.calls: list[int] = []
        self.issued: list[Invoice] = []

    def __call__(self, payment: Payment) -> list[Invoice]:
        self.calls.append(payment.pk)
        organization = payment.organization
        invoices = [invoice_for(organization, *self.prices)] if self.prices else []
        if self.free:
            invoices.append(invoice_for(organization, "0"))
        if self.prepaid:
            payment_from_prepaid(
                organization=organization,
                invoices=invoices[:1],
                idempotency_key=f"order-{payment.pk}-prepaid",
                acting=None,
                amount=chf(self.prepaid),
            )
        self.issued = invoices
        return invoices


def order_payment(org, amount: str, *, method=PaymentMethod.CARD, key="order-1") -> Payment:
    details = (
        {"card_number": "4242 4242 4242 4242"}
        if method == PaymentMethod.CARD
        else {"paypal_email": "buyer@example.test"}
    )
    payment, _started = payment_start(
        organization=org,
        method=method,
        purpose=PaymentPurpose.ORDER,
        amount=chf(amount),
        idempotency_key=key,
        acting=UserFactory(),
        details=details,
    )
    return payment


def deliver(payment: Payment, kind: str = "payment.succeeded") -> str:
    body = simulated_event_body(
        reference=payment.reference,
        kind=kind,
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )
    return webhook_receive(
        provider=payment.method, body=body, signature=webhook_sign(payment.method, body)
    )


def test_a_confirmed_order_payment_issues_pays_and_finalizes_the_invoice(
    org, order_settler_fake, received
):
    shop = order_settler_fake(FakeShop("100.00"))
    payment = order_payment(org, "108.10")
    assert not Invoice.objects.exists()  # nothing before the money is there

    assert deliver(payment) == "processed"

    payment.refresh_from_db()
    (invoice,) = Invoice.objects.all()
    assert payment.status == PaymentStatus.CONFIRMED
    assert shop.calls == [payment.pk]
    assert invoice.status == InvoiceStatus.PAID and invoice.legal_number.endswith("-000001")
    assert list(payment.invoices.all()) == [invoice]
    assert Allocation.objects.get().amount == Decimal("108.10")
    assert prepaid_balance(organization=org, currency="CHF").amount == 0
    assert received == [("invoices_paid", [invoice.pk])]


def test_a_declined_order_card_creates_nothing(org, order_settler_fake, received):
    shop = order_settler_fake(FakeShop("100.00"))
    payment = order_payment(org, "108.10")

    deliver(payment, "payment.failed")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert shop.calls == []
    assert not Invoice.objects.exists()
    assert not Transaction.objects.filter(idempotency_key=f"payment:{payment.pk}:confirm").exists()
    assert received == [("payment_failed", payment.pk)]


def test_repeated_and_out_of_order_webhooks_settle_the_order_once(
    org, order_settler_fake, received
):
    shop = order_settler_fake(FakeShop("100.00"))
    payment = order_payment(org, "108.10", method=PaymentMethod.PAYPAL)

    results = [deliver(payment), deliver(payment), deliver(payment, "payment.failed")]
    payment_confirm(payment_id=payment.pk)

    assert results == ["processed", "processed", "processed"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert shop.calls == [payment.pk]
    assert Invoice.objects.count() == 1
    assert Invoice.objects.get().status == InvoiceStatus.PAID
    assert [name for name, _payload in received] == ["invoices_paid"]


def test_a_failure_first_then_a_success_settles_nothing(org, order_settler_fake, received):
    shop = order_settler_fake(FakeShop("100.00"))
    payment = order_payment(org, "108.10")

    deliver(payment, "payment.failed")
    deliver(payment)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert shop.calls == []
    assert not Invoice.objects.exists()
    assert received == [("payment_failed", payment.pk)]


def test_prepaid_part_and_card_rest_number_the_invoice_once(org, order_settler_fake, received):
    prepaid_credit_confirmed(org, "30.00")
    order_settler_fake(FakeShop("100.00", prepaid="30.00"))
    payment = order_payment(org, "78.10")

    deliver(payment)

    (invoice,) = Invoice.objects.all()
    assert invoice.status == InvoiceStatus.PAID and invoice.number == 1
    assert sorted(invoice.allocations.values_list("amount", flat=True)) == [
        Decimal("30.00"),
        Decimal("78.10"),
    ]
    assert prepaid_balance(organization=org, currency="CHF").amount == 0
    assert received == [("invoices_paid", [invoice.pk])]


def test_an_invoice_the_settler_paid_in_full_is_final_and_the_card_goes_to_prepaid(
    org, order_settler_fake, received
):
    prepaid_credit_confirmed(org, "200.00")
    order_settler_fake(FakeShop("100.00", prepaid="108.10", free=True))
    payment = order_payment(org, "20.00")

    deliver(payment)

    invoices = list(Invoice.objects.order_by("pk"))
    assert [invoice.status for invoice in invoices] == [InvoiceStatus.PAID] * 2
    assert sorted(invoice.number or 0 for invoice in invoices) == [1, 2]
    # Nothing was left to pay: the card's money is on the prepaid account.
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("111.90")
    assert received == [("invoices_paid", [invoice.pk for invoice in invoices])]


def test_a_settler_with_nothing_to_settle_credits_the_prepaid_account(org, order_settler_fake):
    order_settler_fake(FakeShop())
    payment = order_payment(org, "50.00")

    deliver(payment)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert prepaid_balance(organization=org, currency="CHF").amount == Decimal("50.00")


def test_an_invoice_of_another_organization_rolls_the_confirmation_back(org, order_settler_fake):
    other = OrganizationFactory(country="CH")
    order_settler_fake(lambda payment: [invoice_for(other, "10.00")])
    payment = order_payment(org, "10.81")

    with pytest.raises(BusinessError):
        payment_confirm(payment_id=payment.pk)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_settler_that_raises_leaves_the_payment_pending_for_the_next_delivery(
    org, order_settler_fake
):
    def broken(payment: Payment) -> list[Invoice]:
        invoice_for(payment.organization, "10.00")
        raise RuntimeError("catalog unavailable")

    order_settler_fake(broken)
    payment = order_payment(org, "10.81")
    with pytest.raises(RuntimeError):
        deliver(payment)
    assert not Invoice.objects.exists()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING

    order_settler_fake(FakeShop("10.00"))
    assert deliver(payment) == "processed"
    assert Invoice.objects.get().status == InvoiceStatus.PAID


def test_without_a_settler_an_order_payment_cannot_start(org, order_settler_none):
    with pytest.raises(OrderSettlerMissing, match="order_settler_register"):
        order_payment(org, "10.00")
    assert not Payment.objects.exists()


def test_without_a_settler_an_order_payment_cannot_be_confirmed(
    org, order_settler_fake, monkeypatch
):
    order_settler_fake(FakeShop("10.00"))
    payment = order_payment(org, "10.81")
    monkeypatch.setattr("billing.hooks._settler", None)

    with pytest.raises(OrderSettlerMissing):
        payment_confirm(payment_id=payment.pk)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_an_order_is_paid_by_card_or_paypal_and_names_no_invoice(org, order_settler_fake):
    order_settler_fake(FakeShop("10.00"))
    with pytest.raises(BusinessError) as refused:
        payment_start(
            organization=org,
            method=PaymentMethod.BANK_TRANSFER,
            purpose=PaymentPurpose.ORDER,
            amount=chf("10.81"),
            idempotency_key="bank",
            acting=None,
        )
    assert refused.value.field == "method"
    with pytest.raises(BusinessError):
        payment_start(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.ORDER,
            amount=chf("10.81"),
            idempotency_key="with-invoice",
            acting=None,
            invoices=[invoice_for(org, "10.00")],
            details={"card_number": "4242424242424242"},
        )
    assert not Payment.objects.exists()


def test_the_number_series_is_still_taken_last(org, order_settler_fake, invoices_paid_unheard):
    """Lock order (docs/decisions/0004): whatever the settler paid, the invoice numbers
    are taken by the last statements of the confirmation."""
    prepaid_credit_confirmed(org, "200.00")
    order_settler_fake(
        lambda payment: [
            invoice_issue(
                organization=payment.organization,
                lines=[LineDraft(description="Free plan", unit_price=chf("0"))],
            ),
            *FakeShop("100.00", prepaid="108.10")(payment),
        ]
    )
    payment = order_payment(org, "10.00")
    with CaptureQueriesContext(connection) as queries:
        payment_confirm(payment_id=payment.pk)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    series = [i for i, sql in enumerate(statements) if "billing_numberseries" in sql]
    assert len(series) == 1
    assert all("UPDATE" in sql or "numberseries" in sql for sql in statements[series[0] :])
