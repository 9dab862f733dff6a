"""I4: a bank transfer arrives (a line of the bank's statement): find what it pays.

The line's reference is the QR-bill's creditor reference (``RF…``, see
``billing.qr_bill``) or, as before the QR-bill, our own reference typed into the
transfer's message. It names a pending bank-transfer payment (a credit of the
prepaid account, an order) or an unpaid payment request.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from django.db import transaction

from billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
)
from billing.qr_bill import reference_of_structured
from billing.services import invoice_outstanding, payment_confirm, payment_start
from core.money import Money


class TransferOutcome(Enum):
    CONFIRMED = "confirmed"  # a pending transfer confirmed, or a payment request paid
    ALREADY = "already"  # this statement line was imported before
    UNMATCHED = "unmatched"  # nothing pending matches reference, amount and currency


def transfer_reference(text: str) -> str:
    """Our reference in a statement's reference: from a creditor reference, or as written."""
    return reference_of_structured(text) or (text or "").strip()


@transaction.atomic
def bank_transfer_receive(
    *, reference: str, amount: Decimal, currency: str, statement_line: str
) -> TransferOutcome:
    """Confirm the transfer that ``reference`` names, once per ``statement_line``
    (a key of the statement's line, so importing a statement twice pays once).

    A pending bank-transfer payment must match reference, amount and currency. A
    payment request matches reference and currency, and may be paid in part (the
    rest stays due); more than what is due matches nothing and is left to an agent.
    """
    ours = transfer_reference(reference)
    if not ours or amount <= 0:
        return TransferOutcome.UNMATCHED
    payment = Payment.objects.filter(
        reference=ours,
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.PENDING,
        amount=amount,
        currency=currency,
    ).first()
    if payment is not None:
        payment_confirm(payment_id=payment.pk)
        return TransferOutcome.CONFIRMED
    key = f"bank-statement:{statement_line}"
    if Payment.objects.filter(idempotency_key=key).exists():
        return TransferOutcome.ALREADY
    invoice = (
        Invoice.objects.filter(
            payment_reference=ours, status=InvoiceStatus.UNPAID, currency=currency
        )
        .select_related("organization")
        .first()
    )
    if invoice is None or amount > invoice_outstanding(invoice).amount:
        return TransferOutcome.UNMATCHED
    payment, _started = payment_start(
        organization=invoice.organization,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.INVOICES,
        amount=Money(amount, currency),
        invoices=[invoice],
        idempotency_key=key,
        acting=None,
    )
    payment_confirm(payment_id=payment.pk)
    return TransferOutcome.CONFIRMED
