from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.documents import credit_note_pdf, invoice_pdf, pdf_filename
from billing.export import csv_chunks, csv_filename, export_query, export_token_read
from billing.forms import InvoiceExportForm
from billing.models import CreditNote, InvoiceStatus, Payment, PaymentMethod
from billing.providers.base import SIGNATURE_HEADER
from billing.qr_bill import (
    TransferDetails,
    qr_bill_svg,
    transfer_details_for_invoice,
    transfer_details_for_payment,
)
from billing.queries import invoice_of, invoice_page, invoices_of, payments_pending_for
from billing.services import WebhookRefused, invoice_outstanding, webhook_receive
from billing.tasks import invoice_export_send_task
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
    """I2, I3: the invoice history, newest first, filtered by status and period;
    I5: exported as it is filtered."""
    form = InvoiceExportForm(request.GET or None)
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


def _back_to_list(query: str) -> HttpResponseRedirect:
    return redirect(reverse("invoices") + (f"?{query}" if query else ""))


def _csv_response(chunks: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{csv_filename()}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"
    return response


@org_view(Capability.ACCOUNTING)
def invoice_export(
    request: HttpRequest, membership: Membership
) -> HttpResponse | StreamingHttpResponse:
    """I5: the filtered history as CSV, streamed as it is read (constant memory)."""
    data = request.POST if request.method == "POST" else request.GET
    form = InvoiceExportForm(data)
    if not form.is_valid():
        return _back_to_list(urlencode({k: v for k, v in data.items() if k in form.fields and v}))
    invoices, fmt = export_query(
        membership.organization, form.options(), language=translation.get_language() or "en"
    )
    return _csv_response(csv_chunks(invoices, fmt))


@org_view(Capability.ACCOUNTING)
@require_POST
def invoice_export_email(request: HttpRequest, membership: Membership) -> HttpResponse:
    """I5: queue the export; it is e-mailed to the member, attached or as a link."""
    form = InvoiceExportForm(request.POST)
    query = urlencode({k: v for k, v in request.POST.items() if k in form.fields and v})
    if not form.is_valid():
        return _back_to_list(query)
    invoice_export_send_task.delay(
        membership.pk, form.options(), translation.get_language() or "en"
    )
    messages.success(
        request,
        _("The export is on its way to %(email)s: it arrives by e-mail in a few minutes.")
        % {"email": membership.user.email},
    )
    return _back_to_list(query)


@org_view(Capability.ACCOUNTING)
def invoice_export_link(
    request: HttpRequest, membership: Membership, token: str
) -> StreamingHttpResponse:
    """I5: the download link of an e-mailed export: signed, for its user and organization,
    seven days; access is checked again (accounting), and the file is built anew."""
    options = export_token_read(token, membership=membership)
    if options is None:
        raise Http404
    invoices, fmt = export_query(
        membership.organization, options, language=translation.get_language() or "en"
    )
    return _csv_response(csv_chunks(invoices, fmt))


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
            "credit_note": CreditNote.objects.filter(invoice=invoice).first(),
        },
    )


def pdf_response(content: bytes, filename: str, *, download: bool) -> HttpResponse:
    """A PDF document: shown in the page's frame, or downloaded (I4)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Shown in a frame of our own pages only; the document itself runs nothing.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@xframe_options_sameorigin
@org_view(Capability.ACCOUNTING)
def invoice_document(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """I4: the invoice (or payment request) as PDF, in the organization's invoice
    language; ``?download=1`` downloads it."""
    invoice = invoice_of(membership.organization, invoice_id)
    return pdf_response(
        invoice_pdf(invoice), pdf_filename(invoice), download="download" in request.GET
    )


@xframe_options_sameorigin
@org_view(Capability.ACCOUNTING)
def credit_note_document(
    request: HttpRequest, membership: Membership, invoice_id: int
) -> HttpResponse:
    """I1: the credit note of a refunded invoice as PDF; ``?download=1`` downloads it."""
    invoice = invoice_of(membership.organization, invoice_id)
    credit_note = CreditNote.objects.filter(invoice=invoice).select_related("invoice").first()
    if credit_note is None:
        raise Http404
    return pdf_response(
        credit_note_pdf(credit_note),
        pdf_filename(credit_note),
        download="download" in request.GET,
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
