"""Reads of invoices for the panel (I1–I3)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from billing.models import Invoice, InvoiceStatus, Payment, PaymentStatus
from core.money import Money
from core.pagination import KeysetPage, keyset_page
from core.periods import day_bounds
from orgs.models import Organization

INVOICES_PER_PAGE = 25


def invoices_of(
    organization: Organization,
    *,
    status: str = "",
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> QuerySet[Invoice]:
    """I3: newest first, optionally by status and by issue date (both ends included).

    The period is a half-open range on ``issued_at`` (issue 9): the index on
    (organization, status, issued_at) reads it directly."""
    invoices = Invoice.objects.filter(organization=organization).select_related("credit_note")
    if status:
        invoices = invoices.filter(status=status)
    start, end = day_bounds(issued_from, issued_to)
    if start is not None:
        invoices = invoices.filter(issued_at__gte=start)
    if end is not None:
        invoices = invoices.filter(issued_at__lt=end)
    return invoices.order_by("-issued_at", "-id")


def invoice_page(
    invoices: QuerySet[Invoice], *, after: str | None = None, before: str | None = None
) -> KeysetPage[Invoice]:
    """One page of the history by cursor: page 2,000 reads what page 1 does (issue 9)."""
    return keyset_page(
        invoices,
        keys=("issued_at", "id"),
        kinds=("datetime", "int"),
        size=INVOICES_PER_PAGE,
        after=after,
        before=before,
    )


def invoice_of(organization: Organization, invoice_id: int) -> Invoice:
    """The organization's invoice with its lines; 404 for any other (I2)."""
    invoice = (
        Invoice.objects.filter(organization=organization, pk=invoice_id)
        .prefetch_related("lines")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def unpaid_summary(organization: Organization) -> tuple[int, Money | None]:
    """How many invoices wait for payment, and their total in the organization's currency.

    One query over the partial index of unpaid invoices (billing_inv_unpaid_idx): it
    reads only the unpaid ones, never the organization's whole history (issue 9)."""
    rows = (
        Invoice.objects.filter(organization=organization, status=InvoiceStatus.UNPAID)
        .values("currency")
        .annotate(total=Sum("total"), count=Count("*"))
        .order_by("currency")
    )
    count = 0
    total = None
    for row in rows:
        count += row["count"]
        if row["currency"] == organization.currency:
            total = Money(row["total"], organization.currency)
    return count, total


def payments_pending_for(invoice: Invoice) -> list[Payment]:
    """Payments started for this invoice that wait for their confirmation (a card's
    webhook, a transfer): the invoice page says so, so nobody pays twice by mistake."""
    if invoice.status != InvoiceStatus.UNPAID:
        return []
    return list(invoice.payments_requested.filter(status=PaymentStatus.PENDING).order_by("id")[:10])
