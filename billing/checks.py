"""Invoice and payment invariants, run by ``manage.py ledger_check`` (I1, X5)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from billing.models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberSeries,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from billing.services import HUNDRED
from core.money import quantize

ZERO = Decimal(0)


def _lines_problems() -> list[str]:
    problems = []
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    lines = InvoiceLine.objects.values_list(
        "pk",
        "invoice_id",
        "invoice__currency",
        "unit_price",
        "quantity",
        "discount",
        "vat_rate",
        "net_amount",
        "vat_amount",
        "total_amount",
    )
    for pk, invoice, currency, unit, quantity, discount, rate, net, vat, total in lines.iterator():
        if net != quantize(unit * quantity - discount, currency):
            problems.append(f"invoice line {pk}: net {net} is not price × quantity − discount")
        if vat != quantize(net * rate / HUNDRED, currency):
            problems.append(f"invoice line {pk}: VAT {vat} is not its rate of {net}")
        if total != net + vat:
            problems.append(f"invoice line {pk}: total {total} is not net + VAT")
        for i, amount in enumerate((net, vat, total)):
            sums[invoice][i] += amount
    invoices = Invoice.objects.values_list("pk", "net_total", "vat_total", "total")
    for pk, net, vat, total in invoices.iterator():
        if pk not in sums:
            problems.append(f"invoice {pk} has no lines")
        elif [net, vat, total] != sums[pk]:
            problems.append(
                f"invoice {pk} totals {net}/{vat}/{total} differ from its lines {sums[pk]}"
            )
    return problems


def _payment_problems() -> list[str]:
    problems = []
    by_invoice: dict[int, Decimal] = defaultdict(Decimal)
    by_payment: dict[int, Decimal] = defaultdict(Decimal)
    rows = Allocation.objects.values_list(
        "pk", "invoice_id", "payment_id", "amount", "invoice__currency", "payment__currency"
    )
    for pk, invoice, payment, amount, invoice_currency, payment_currency in rows.iterator():
        by_invoice[invoice] += amount
        by_payment[payment] += amount
        if invoice_currency != payment_currency:
            problems.append(f"allocation {pk} crosses currencies")
    for pk, status, total in Invoice.objects.values_list("pk", "status", "total").iterator():
        paid = by_invoice[pk]
        if status in (InvoiceStatus.PAID, InvoiceStatus.REFUNDED) and paid != total and total:
            problems.append(f"invoice {pk} is {status} but its payments cover {paid} of {total}")
        if status in (InvoiceStatus.UNPAID, InvoiceStatus.CANCELLED) and paid >= total and total:
            problems.append(f"invoice {pk} is {status} but its payments cover all of {total}")
        if paid > total:
            problems.append(f"invoice {pk} was paid {paid}, more than its {total}")
    payments = Payment.objects.values_list("pk", "status", "purpose", "amount")
    for pk, status, purpose, amount in payments.iterator():
        allocated = by_payment[pk]
        if allocated > amount:
            problems.append(f"payment {pk} allocates {allocated}, more than its {amount}")
        if allocated and (
            status != PaymentStatus.CONFIRMED
            or purpose not in (PaymentPurpose.INVOICES, PaymentPurpose.ORDER)
        ):
            problems.append(f"payment {pk} ({status}, {purpose}) has allocations")
    return problems


def _number_problems() -> list[str]:
    problems = []
    numbers: dict[str, list[int]] = defaultdict(list)
    for series, number in Invoice.objects.filter(number__isnull=False).values_list(
        "series", "number"
    ):
        numbers[series].append(number or 0)
    for series, number in CreditNote.objects.values_list("series", "number"):
        numbers[series].append(number)
    counters = dict(NumberSeries.objects.values_list("code", "next_number"))
    for series, taken in numbers.items():
        taken.sort()
        if len(set(taken)) != len(taken):
            problems.append(f"series {series} has duplicate numbers")
        if taken != list(range(1, len(taken) + 1)):
            problems.append(f"series {series} has a gap: {len(taken)} numbers up to {taken[-1]}")
        if counters.get(series) != len(taken) + 1:
            problems.append(
                f"series {series} counter is at {counters.get(series)}, {len(taken)} used"
            )
    for code, next_number in counters.items():
        if code not in numbers and next_number != 1:
            problems.append(f"series {code} counter is at {next_number} with no number used")
    unnumbered = Invoice.objects.filter(
        Q(status__in=[InvoiceStatus.PAID, InvoiceStatus.REFUNDED], number__isnull=True)
        | Q(status__in=[InvoiceStatus.UNPAID, InvoiceStatus.CANCELLED], number__isnull=False)
    )
    for pk in unnumbered.values_list("pk", flat=True):
        problems.append(f"invoice {pk}: a number exactly when final")
    return problems


def billing_problems() -> list[str]:
    return _lines_problems() + _payment_problems() + _number_problems()
