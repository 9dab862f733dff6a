"""S4, P1, P2, X5: paying payment requests: part from the prepaid account, the rest by
card, bank transfer or PayPal; the same key twice pays once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import (
    Allocation,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
)
from billing.qr_bill import structured_reference_display
from billing.services import invoice_outstanding, payment_confirm, payment_fail
from core.errors import BusinessError
from core.money import Money
from flows.checkout import CheckoutStatus, invoices_pay, invoices_payment_of
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, money_invariants_problems, prepaid_credit_confirmed

CARD = {"card_number": "4242 4242 4242 4242"}
DECLINED = {"card_number": "4000 0000 0000 0002"}


@pytest.fixture
def org(db):
    return OrganizationFactory(country="CH")


def chf(amount: str) -> Money:
    return Money(Decimal(amount), "CHF")


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency="CHF").amount


def pay(org, invoices, *, method="card", prepaid=None, details=None, key="key-1"):
    return invoices_pay(
        organization=org,
        invoices=invoices,
        method=method,
        prepaid_amount=chf(prepaid) if prepaid is not None else None,
        details=CARD if details is None else details,
        idempotency_key=key,
        acting=None,
    )


def test_prepaid_part_and_card_rest_pay_the_invoice_once_the_card_is_confirmed(org):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")  # 32.43 with 8.1 % VAT

    result = pay(org, [invoice], prepaid="20.00")

    assert result.prepaid is not None and result.prepaid.amount == Decimal("20.00")
    assert result.rest is not None and result.rest.method == PaymentMethod.CARD
    assert result.rest.amount == Decimal("12.43")
    assert result.rest.purpose == PaymentPurpose.INVOICES
    assert result.status == CheckoutStatus.PENDING
    assert balance(org) == 0
    assert invoice_outstanding(invoice).amount == Decimal("12.43")

    payment_confirm(payment_id=result.rest.pk)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.legal_number
    found = invoices_payment_of(organization=org, reference=result.reference)
    assert found is not None and found.status == CheckoutStatus.PAID
    assert found.prepaid == result.prepaid and found.rest == result.rest
    assert money_invariants_problems() == []


def test_the_prepaid_account_alone_pays_everything_without_another_method(org):
    prepaid_credit_confirmed(org, "50.00")
    invoice = invoice_for(org, "30.00")

    result = pay(org, [invoice], method="prepaid", details={})

    assert result.rest is None
    assert result.status == CheckoutStatus.PAID
    assert result.invoices[0].legal_number
    assert balance(org) == Decimal("17.57")


def test_a_prepaid_part_that_covers_everything_needs_no_card(org):
    prepaid_credit_confirmed(org, "50.00")
    invoice = invoice_for(org, "30.00")

    result = pay(org, [invoice], method="card", prepaid="32.43", details={})

    assert result.rest is None and result.status == CheckoutStatus.PAID
    assert not Payment.objects.filter(method=PaymentMethod.CARD).exists()


def test_prepaid_without_an_amount_pays_what_the_balance_allows_and_the_rest_stays_due(org):
    prepaid_credit_confirmed(org, "10.00")
    invoice = invoice_for(org, "30.00")

    result = pay(org, [invoice], method="prepaid", details={})

    assert result.status == CheckoutStatus.PARTIAL
    assert invoice_outstanding(invoice).amount == Decimal("22.43")


def test_the_whole_amount_by_bank_transfer_gives_the_instructions(org, settings):
    invoice = invoice_for(org, "30.00")

    result = pay(org, [invoice], method="bank_transfer", details={})

    assert result.prepaid is None and result.rest is not None
    assert result.status == CheckoutStatus.PENDING
    assert result.instructions == {
        "iban": settings.SELLER["iban"],
        "beneficiary": settings.SELLER["name"],
        "reference": result.rest.reference,
        "structured_reference": structured_reference_display(result.rest.reference),
    }
    again = invoices_payment_of(organization=org, reference=result.reference)
    assert again is not None and again.instructions == result.instructions


def test_paypal_takes_the_rest(org):
    prepaid_credit_confirmed(org, "5.00")
    invoice = invoice_for(org, "30.00")

    result = pay(org, [invoice], method="paypal", prepaid="5", details={"paypal_email": "a@b.ch"})

    assert result.rest is not None and result.rest.method == PaymentMethod.PAYPAL
    assert result.rest.amount == Decimal("27.43")


def test_the_same_key_twice_returns_the_first_result_and_charges_once(org):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")

    first = pay(org, [invoice], prepaid="20.00")
    second = pay(org, [invoice], prepaid="20.00")

    assert (second.prepaid, second.rest) == (first.prepaid, first.rest)
    assert Payment.objects.filter(purpose=PaymentPurpose.INVOICES).count() == 2
    assert balance(org) == 0


def test_the_same_key_for_other_invoices_is_refused(org):
    prepaid_credit_confirmed(org, "20.00")
    first, other = invoice_for(org, "30.00"), invoice_for(org, "10.00")
    pay(org, [first], prepaid="20.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [other], prepaid="5.00")

    assert refused.value.code == "idempotency_key_reused"


def test_the_same_key_after_a_full_prepaid_payment_returns_it(org):
    prepaid_credit_confirmed(org, "50.00")
    invoice = invoice_for(org, "30.00")
    first = pay(org, [invoice], method="prepaid", details={})

    second = pay(org, [invoice], method="prepaid", details={})

    assert second.prepaid == first.prepaid and second.status == CheckoutStatus.PAID


def test_more_than_the_balance_is_refused_and_nothing_starts(org):
    prepaid_credit_confirmed(org, "5.00")
    invoice = invoice_for(org, "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], prepaid="6.00")

    assert refused.value.field == "prepaid_amount"
    assert "balance is not enough" in str(refused.value)
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_more_than_what_is_due_is_refused(org):
    prepaid_credit_confirmed(org, "100.00")
    invoice = invoice_for(org, "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], prepaid="40.00")

    assert refused.value.field == "prepaid_amount"
    assert str(refused.value) == "The amount is more than what is due."


def test_an_invalid_card_number_moves_no_prepaid_money(org):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], prepaid="20.00", details={"card_number": "1234"})

    assert refused.value.field == "card_number"
    assert balance(org) == Decimal("20.00")
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_an_unknown_method_is_refused(org):
    invoice = invoice_for(org, "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], method="cash")

    assert refused.value.field == "method"


def test_a_paid_invoice_is_refused(org):
    prepaid_credit_confirmed(org, "50.00")
    invoice = invoice_for(org, "30.00")
    pay(org, [invoice], method="prepaid", details={}, key="first")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], key="second")

    assert refused.value.code == "already_paid"


def test_another_organizations_invoice_is_not_found(org):
    other = invoice_for(OrganizationFactory(country="CH"), "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [other])

    assert refused.value.code == "not_found"


def test_a_declined_card_leaves_the_prepaid_part_paid_and_the_rest_due(org):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")
    result = pay(org, [invoice], prepaid="20.00", details=DECLINED)

    payment_fail(payment_id=result.rest.pk, reason="declined")

    found = invoices_payment_of(organization=org, reference=result.reference)
    assert found is not None and found.status == CheckoutStatus.FAILED
    assert invoice_outstanding(invoice).amount == Decimal("12.43")


def test_a_late_card_confirmation_after_another_payment_credits_the_surplus(org):
    """The existing rule (payment_confirm): what is no longer due goes to the prepaid account."""
    invoice = invoice_for(org, "30.00")
    by_card = pay(org, [invoice], key="card")
    prepaid_credit_confirmed(org, "40.00")
    pay(org, [invoice], method="prepaid", details={}, key="prepaid")

    payment_confirm(payment_id=by_card.rest.pk)

    assert sum(a.amount for a in Allocation.objects.filter(invoice=invoice)) == invoice.total
    assert balance(org) == Decimal("40.00")
    assert Payment.objects.get(pk=by_card.rest.pk).status == PaymentStatus.CONFIRMED


def test_several_invoices_are_paid_together(org):
    prepaid_credit_confirmed(org, "15.00")
    first, second = invoice_for(org, "10.00"), invoice_for(org, "20.00")  # 10.81 + 21.62

    result = pay(org, [second, first], prepaid="15.00")

    assert [i.pk for i in result.invoices] == sorted([first.pk, second.pk])
    assert result.rest is not None and result.rest.amount == Decimal("17.43")
    payment_confirm(payment_id=result.rest.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == InvoiceStatus.PAID


@pytest.mark.parametrize("amount", ["-5.00", "1000000000"])
def test_a_negative_or_malformed_prepaid_part_is_refused(org, amount):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")

    with pytest.raises(BusinessError) as refused:
        pay(org, [invoice], prepaid=amount)

    assert refused.value.field == "prepaid_amount"
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_a_rest_that_expired_says_so_and_the_prepaid_part_stays_paid(org):
    prepaid_credit_confirmed(org, "20.00")
    invoice = invoice_for(org, "30.00")
    result = pay(org, [invoice], prepaid="20.00")
    Payment.objects.filter(pk=result.rest.pk).update(status=PaymentStatus.EXPIRED)

    found = invoices_payment_of(organization=org, reference=result.reference)

    assert found is not None and found.status == CheckoutStatus.EXPIRED
    assert invoice_outstanding(invoice).amount == Decimal("12.43")
