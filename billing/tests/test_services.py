"""I1, P2, X5: invoices, payments, refunds and numbering through the services."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.models import (
    AppendOnlyError,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    WebhookEvent,
)
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    LineDraft,
    WebhookRefused,
    invoice_cancel,
    invoice_issue,
    invoice_refund,
    payment_from_prepaid,
    payment_start,
    webhook_receive,
)
from core.errors import BusinessError
from core.models import OutboxEmail
from core.money import Money
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

pytestmark = pytest.mark.django_db


def chf(amount: str) -> Money:
    return Money(Decimal(amount), "CHF")


@pytest.fixture
def org():
    return OrganizationFactory(country="CH", name="Alpenblick AG", city="Bern")


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency="CHF").amount


def test_totals_come_from_the_lines_rounded_per_line(org):
    invoice = invoice_issue(
        organization=org,
        lines=[
            LineDraft(description="a", unit_price=chf("0.05"), quantity=3, vat_rate=Decimal("8.1")),
            LineDraft(description="b", unit_price=chf("9.99"), vat_rate=Decimal("8.1")),
            LineDraft(
                description="c",
                unit_price=chf("120"),
                discount=chf("20"),
                discount_reason="Loyalty",
                vat_rate=Decimal("8.1"),
            ),
        ],
    )
    lines = list(invoice.lines.all())
    assert [line.vat_amount for line in lines] == [
        Decimal("0.01"),
        Decimal("0.81"),
        Decimal("8.10"),
    ]
    assert invoice.net_total == Decimal("110.14")
    assert invoice.vat_total == sum(line.vat_amount for line in lines) == Decimal("8.92")
    assert invoice.total == Decimal("119.06")
    assert invoice.status == InvoiceStatus.UNPAID and invoice.legal_number == ""


def test_buyer_details_are_copied_when_issued(org):
    invoice = invoice_for(org, "10")
    org.name = "Renamed AG"
    org.save()
    invoice.refresh_from_db()
    assert invoice.buyer_name == "Alpenblick AG"


def test_a_discount_needs_a_reason_and_stays_within_the_price(org):
    with pytest.raises(BusinessError):
        invoice_issue(
            organization=org,
            lines=[LineDraft(description="a", unit_price=chf("10"), discount=chf("1"))],
        )
    with pytest.raises(BusinessError):
        invoice_issue(
            organization=org,
            lines=[
                LineDraft(
                    description="a", unit_price=chf("10"), discount=chf("11"), discount_reason="x"
                )
            ],
        )
    assert not Invoice.objects.exists()


def test_an_issued_invoice_never_changes(org):
    invoice = invoice_for(org, "10")
    invoice.total = Decimal("1")
    with pytest.raises(AppendOnlyError):
        invoice.save()
    with pytest.raises(AppendOnlyError):
        Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1"))
    with pytest.raises(AppendOnlyError):
        invoice.delete()
    with pytest.raises(AppendOnlyError):
        InvoiceLine.objects.filter(invoice=invoice).update(description="x")


def test_prepaid_pays_part_and_a_card_pays_the_rest(org, django_capture_on_commit_callbacks):
    user = UserFactory()
    invoice = invoice_for(org, "100", vat_rate="0")
    prepaid_credit_confirmed(org, "30")
    first = payment_from_prepaid(
        organization=org, invoices=[invoice], idempotency_key="p1", acting=user
    )
    assert first.amount == Decimal("30.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert balance(org) == 0
    with django_capture_on_commit_callbacks(execute=True):
        payment, _ = payment_start(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.INVOICES,
            amount=chf("70"),
            invoices=[invoice],
            idempotency_key="p2",
            acting=user,
            details={"card_number": "4242 4242 4242 4242"},
        )
    # The test provider's webhook arrives after commit (eager Celery in tests).
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.legal_number.endswith("-000001")
    call_command("ledger_check")


def test_a_declined_card_moves_no_money(org, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        payment, _ = payment_start(
            organization=org,
            method=PaymentMethod.CARD,
            purpose=PaymentPurpose.PREPAID_CREDIT,
            amount=chf("50"),
            idempotency_key="d1",
            acting=user,
            details={"card_number": "4000 0000 0000 0002"},
        )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert balance(org) == 0
    assert "declined" in OutboxEmail.objects.latest("id").body_text


def test_a_repeated_start_creates_one_payment(org):
    user = UserFactory()
    kwargs = dict(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=chf("50"),
        idempotency_key="same",
        acting=user,
    )
    first, _started = payment_start(**kwargs)
    second, again = payment_start(**kwargs)
    assert first.pk == second.pk and again is None
    with pytest.raises(BusinessError):
        payment_start(**{**kwargs, "amount": chf("60")})


def test_numbers_follow_payment_order_without_gaps(org):
    prepaid_credit_confirmed(org, "1000")
    invoices = [invoice_for(org, "10") for _ in range(3)]
    for i, invoice in enumerate(reversed(invoices)):
        payment_from_prepaid(
            organization=org, invoices=[invoice], idempotency_key=f"n{i}", acting=None
        )
    numbers = sorted(n or 0 for n in Invoice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert Invoice.objects.get(pk=invoices[-1].pk).number == 1


def test_a_paid_invoice_cannot_be_paid_again(org):
    prepaid_credit_confirmed(org, "100")
    invoice = invoice_for(org, "10")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="a", acting=None)
    with pytest.raises(BusinessError) as error:
        payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="b", acting=None)
    assert error.value.code == "already_paid"


def test_a_refund_is_a_credit_note_and_returns_the_money(org):
    prepaid_credit_confirmed(org, "100")
    invoice = invoice_for(org, "10")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="a", acting=None)
    note = invoice_refund(invoice=invoice, reason="Service not delivered", acting=None)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    assert note.total == invoice.total and note.legal_number.startswith("CN")
    assert balance(org) == Decimal("100.00")
    call_command("ledger_check")


def test_a_free_invoice_cannot_be_refunded_and_nothing_moves(org):
    """Found by the property test: a zero invoice is final at issue and moved no money."""
    invoice = invoice_for(org, "0.00")
    assert invoice.status == InvoiceStatus.PAID
    with pytest.raises(BusinessError, match="nothing to refund"):
        invoice_refund(invoice=invoice, reason="Changed my mind", acting=None)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert not CreditNote.objects.exists()
    call_command("ledger_check")


def test_cancelling_an_unpaid_invoice_reverses_it(org):
    invoice = invoice_for(org, "10")
    invoice_cancel(invoice=invoice, acting=None)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    call_command("ledger_check")


def test_a_free_invoice_is_final_at_once(org):
    invoice = invoice_for(org, "0")
    assert invoice.status == InvoiceStatus.PAID and invoice.number == 1


def _start_card_credit(org, amount="40"):
    from billing.models import Payment

    payment, _ = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,  # no automatic webhook: we send it ourselves
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=chf(amount),
        idempotency_key="w1",
        acting=None,
    )
    Payment.objects.filter(pk=payment.pk).update(method="card")
    payment.refresh_from_db()
    return payment


def test_a_webhook_delivered_three_times_credits_once(org):
    payment = _start_card_credit(org)
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="40.00", currency="CHF"
    )
    results = [
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
        for _ in range(3)
    ]
    assert results == ["processed", "duplicate", "duplicate"]
    assert balance(org) == Decimal("40.00")
    assert WebhookEvent.objects.count() == 1


def test_a_webhook_with_a_bad_signature_is_refused(org):
    payment = _start_card_credit(org)
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="40.00", currency="CHF"
    )
    with pytest.raises(WebhookRefused):
        webhook_receive(provider="card", body=body, signature="sha256=" + "0" * 64)
    assert balance(org) == 0 and not WebhookEvent.objects.exists()


def test_a_webhook_with_another_amount_is_refused(org):
    payment = _start_card_credit(org)
    body = simulated_event_body(
        reference=payment.reference, kind="payment.succeeded", amount="400.00", currency="CHF"
    )
    with pytest.raises(WebhookRefused):
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    assert balance(org) == 0


def test_a_malformed_webhook_is_refused():
    body = json.dumps({"nothing": 1}).encode()
    with pytest.raises(WebhookRefused):
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))


# --- issue 9: no shared row held longer than needed, few statements ---------------------


def _statements(queries: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_paying_an_invoice_from_the_prepaid_account_takes_twelve_statements(
    org, django_assert_num_queries, invoices_paid_unheard
):
    invoice = invoice_for(org, "20")
    prepaid_credit_confirmed(org, "100")
    # Invoice lock, prepaid lock (with the receivables account and a payment with the
    # same key), allocations so far, payment, its invoice, ledger transaction, prepaid
    # balance, entries, allocation, audit event, number, invoice (+ the savepoint of
    # the service and its release).
    with django_assert_num_queries(12 + 2):
        payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="q", acting=None)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.number == 1


def test_issuing_an_invoice_takes_six_statements(org, django_assert_num_queries):
    # Invoice, lines, the three system accounts in one query, ledger transaction,
    # entries, audit event (+ the savepoint of the service and its release), and the
    # read of the payment request's recipients (I7; this organization has none).
    invoice_for(org, "1")  # the system accounts exist
    with django_assert_num_queries(6 + 2 + 1):
        invoice_for(org, "20", "5.50")


def test_a_payment_takes_the_invoice_number_last_in_one_statement(
    org, django_assert_num_queries, invoices_paid_unheard
):
    """I1: the year's series is shared by every organization and stays locked from
    the statement that takes a number to COMMIT: nothing else runs in between but
    the invoice's own update."""
    first, second = invoice_for(org, "20"), invoice_for(org, "30")
    prepaid_credit_confirmed(org, "100")
    with django_assert_num_queries(12 + 2) as captured:
        payment_from_prepaid(
            organization=org, invoices=[first, second], idempotency_key="q", acting=None
        )
    statements = _statements(captured.captured_queries)
    taking = [i for i, sql in enumerate(statements) if "billing_numberseries" in sql]
    assert len(taking) == 1
    assert statements[taking[0] :][1:] == [statements[-1]]
    assert statements[-1].startswith('UPDATE "billing_invoice"')
    numbers = Invoice.objects.order_by("number").values_list("number", flat=True)
    assert list(numbers) == [1, 2]


def test_a_refund_takes_the_credit_note_number_near_the_end(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invoice = invoice_for(org, "20")
    prepaid_credit_confirmed(org, "100")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="q", acting=None)
    with CaptureQueriesContext(connection) as captured:
        note = invoice_refund(invoice=invoice, reason="Duplicate order", acting=None)
    statements = _statements(captured.captured_queries)
    taking = [i for i, sql in enumerate(statements) if "billing_numberseries" in sql]
    # Then only the credit note, its audit event and the read of its e-mail's
    # recipients (I7: reads and inserts, no lock; this organization has none).
    assert len(statements) - taking[0] == 3 + 1
    assert note.legal_number.endswith("-000001")


def test_a_prepaid_payment_sent_again_after_it_paid_returns_the_first_one(org):
    """X5: the replay finds the first payment before it sees the invoice paid."""
    invoice = invoice_for(org, "20")
    prepaid_credit_confirmed(org, "100")
    first = payment_from_prepaid(
        organization=org, invoices=[invoice], idempotency_key="again", acting=None
    )
    again = payment_from_prepaid(
        organization=org, invoices=[invoice], idempotency_key="again", acting=None
    )
    assert again.pk == first.pk
    assert balance(org) == Decimal("100.00") - invoice.total


def test_a_prepaid_payment_key_of_another_organization_is_refused(org):
    other = OrganizationFactory(country="CH")
    for owner in (org, other):
        prepaid_credit_confirmed(owner, "100")
    payment_from_prepaid(
        organization=org, invoices=[invoice_for(org, "20")], idempotency_key="k", acting=None
    )
    with pytest.raises(BusinessError) as error:
        payment_from_prepaid(
            organization=other,
            invoices=[invoice_for(other, "20")],
            idempotency_key="k",
            acting=None,
        )
    assert error.value.code == "idempotency_key_reused"
    assert balance(other) == Decimal("100.00")
