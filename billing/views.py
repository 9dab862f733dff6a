from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.forms import InvoiceFilterForm
from billing.models import InvoiceStatus, Payment, PaymentMethod
from billing.providers.base import SIGNATURE_HEADER
from billing.qr_bill import (
    TransferDetails,
    qr_bill_svg,
    transfer_details_for_invoice,
    transfer_details_for_payment,
)
from billing.queries import invoice_of, invoice_page, invoices_of, payments_pending_for
from billing.services import WebhookRefused, invoice_outstanding, webhook_receive
from ledger.services import prepaid_balance
from orgs.access import org_view
from orgs.models import Capability, Membership

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """X5: a provider's notification; signed (HMAC), deduplicated by event id, idempotent."""
    try:
        result = webhook_receive(
            provider=provider,
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
    except WebhookRefused as refused:
        logger.warning("Webhook from %s refused: %s", provider, refused)
        return JsonResponse({"status": "refused"}, status=400)
    return JsonResponse({"status": result})


@org_view(Capability.ACCOUNTING)
def invoice_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """I2, I3: the invoice history, newest first, filtered by status and period."""
    form = InvoiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invoices = invoices_of(
        membership.organization,
        status=filters.get("status", ""),
        issued_from=filters.get("issued_from"),
        issued_to=filters.get("issued_to"),
    )
    page = invoice_page(invoices, after=request.GET.get("after"), before=request.GET.get("before"))
    query = request.GET.copy()
    for cursor in ("page", "after", "before"):
        query.pop(cursor, None)
    return render(
        request,
        "billing/invoice_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@org_view(Capability.ACCOUNTING)
def invoice_detail(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """I1: one invoice with its lines and totals; an unpaid one is a payment request."""
    invoice = invoice_of(membership.organization, invoice_id)
    balance = prepaid_balance(organization=membership.organization, currency=invoice.currency)
    outstanding = invoice_outstanding(invoice)
    transfer = None
    if invoice.status == InvoiceStatus.UNPAID and outstanding.amount > 0:
        transfer = transfer_details_for_invoice(invoice, outstanding=outstanding.amount)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "outstanding": outstanding,
            "balance": balance,
            "payments_pending": payments_pending_for(invoice),
            "transfer": transfer,
            "qr_url": (
                reverse("invoices:qr_bill", args=[invoice.pk])
                if transfer is not None and transfer.has_qr_bill
                else ""
            ),
        },
    )


def _svg_response(details: TransferDetails) -> HttpResponse:
    svg = qr_bill_svg(details, language=translation.get_language())
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # An image document: nothing runs in it; its drawing uses style attributes.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(Capability.ACCOUNTING)
def invoice_qr_bill(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """I4: the Swiss QR-bill of an unpaid CHF payment request, as SVG, in the reader's language."""
    invoice = invoice_of(membership.organization, invoice_id)
    if invoice.status != InvoiceStatus.UNPAID:
        raise Http404
    details = transfer_details_for_invoice(invoice, outstanding=invoice_outstanding(invoice).amount)
    return _svg_response(details)


@org_view(Capability.VIEW_ORG)
def payment_qr_bill(request: HttpRequest, membership: Membership, reference: str) -> HttpResponse:
    """I4: the Swiss QR-bill of a pending bank transfer (a credit, an order), as SVG.

    For the accounting roles and for the user who started the payment.
    """
    payment = Payment.objects.filter(
        organization=membership.organization,
        method=PaymentMethod.BANK_TRANSFER,
        reference=reference[:60],
    ).first()
    if payment is None:
        raise Http404
    if not (membership.can(Capability.ACCOUNTING) or payment.created_by_id == membership.user_id):
        raise PermissionDenied
    return _svg_response(transfer_details_for_payment(payment))
