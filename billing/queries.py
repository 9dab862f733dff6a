"""Reads of invoices for the panel (I1–I3)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet, Sum
from django.http import Http404

from billing.models import Invoice, InvoiceStatus
from core.money import Money
from orgs.models import Organization


def invoices_of(
    organization: Organization,
    *,
    status: str = "",
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> QuerySet[Invoice]:
    """I3: newest first, optionally by status and by issue date (both ends included)."""
    invoices = Invoice.objects.filter(organization=organization)
    if status:
        invoices = invoices.filter(status=status)
    if issued_from:
        invoices = invoices.filter(issued_at__date__gte=issued_from)
    if issued_to:
        invoices = invoices.filter(issued_at__date__lte=issued_to)
    return invoices.order_by("-issued_at", "-id")


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
    """How many invoices wait for payment, and their total in the organization's currency."""
    unpaid = Invoice.objects.filter(organization=organization, status=InvoiceStatus.UNPAID)
    rows = list(unpaid.values("currency").annotate(total=Sum("total")).order_by("currency"))
    count = unpaid.count()
    same_currency = [r for r in rows if r["currency"] == organization.currency]
    total = Money(same_currency[0]["total"], organization.currency) if same_currency else None
    return count, total
