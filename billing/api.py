"""Invoices and payments API (I1, I2, X3): read-only lists and details."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from accounts.models import api_user
from billing.documents import credit_note_pdf, invoice_pdf, pdf_filename
from billing.export import csv_chunks, csv_filename, export_query
from billing.forms import InvoiceExportForm
from billing.models import CreditNote, Invoice, InvoiceStatus, Payment
from billing.qr_bill import TransferDetails, qr_bill_svg, transfer_details_for_invoice
from billing.queries import invoice_of, invoices_of
from billing.services import invoice_outstanding
from core.api import ErrorOut
from core.errors import BusinessError
from core.paging import CountedPage, PageParams, page_count
from orgs.access import membership_of
from orgs.models import Capability

router = Router(tags=["invoices and payments"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class LineOut(Schema):
    position: int
    description: str = Field(
        description="As worded at issue, in the request's language (else English, else Spanish)."
    )
    plan_id: int | None
    product_id: int | None
    period_start: date | None
    period_end: date | None
    unit_price: str
    quantity: int
    discount: str
    discount_reason: str
    vat_rate: str
    net_amount: str
    vat_amount: str
    total_amount: str


class InvoiceOut(Schema):
    id: int
    number: str
    payment_reference: str
    status: str
    currency: str
    net_total: str
    vat_total: str
    total: str
    issued_at: datetime
    paid_at: datetime | None


class BankTransferOut(Schema):
    amount: str = Field(description="What is still due.")
    currency: str
    beneficiary: str
    iban: str
    reference: str = Field(
        description="The ISO 11649 creditor reference (RF…) to give with the transfer."
    )
    qr_bill: bool = Field(
        description="Whether a Swiss QR-bill exists (CHF): GET …/qr-bill.svg gives it."
    )


class InvoiceDetailOut(InvoiceOut):
    buyer_name: str
    seller_name: str
    vat_note: str = Field(description="As worded at issue, in the request's language.")
    lines: list[LineOut]
    bank_transfer: BankTransferOut | None = Field(
        description="I4: how to pay an unpaid payment request by bank transfer; null otherwise."
    )


def _bank_transfer(invoice: Invoice) -> TransferDetails | None:
    if invoice.status != InvoiceStatus.UNPAID:
        return None
    outstanding = invoice_outstanding(invoice).amount
    if outstanding <= 0:
        return None
    return transfer_details_for_invoice(invoice, outstanding=outstanding)


class InvoicePage(CountedPage):
    items: list[InvoiceOut]


class PaymentOut(Schema):
    id: int
    reference: str
    method: str
    purpose: str = Field(description="invoices, prepaid_credit or order")
    status: str = Field(description="pending, confirmed, failed or expired")
    status_label: str = Field(description="The status in the request's language.")
    amount: str
    currency: str
    created_at: datetime
    confirmed_at: datetime | None
    expired_at: datetime | None = Field(
        description=(
            "When it expired unconfirmed; set on a confirmed payment too when the provider "
            "confirmed it after that (the amount then went to the prepaid account)."
        )
    )
    invoices: list[int]


class PaymentPage(CountedPage):
    items: list[PaymentOut]


def payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.pk,
        reference=payment.reference,
        method=payment.method,
        purpose=payment.purpose,
        status=payment.status,
        status_label=str(payment.get_status_display()),
        amount=f"{payment.amount:f}",
        currency=payment.currency,
        created_at=payment.created_at,
        confirmed_at=payment.confirmed_at,
        expired_at=payment.expired_at,
        invoices=sorted(i.pk for i in payment.invoices.all()),
    )


def invoice_fields(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.legal_number,
        "payment_reference": invoice.payment_reference,
        "status": invoice.status,
        "currency": invoice.currency,
        "net_total": f"{invoice.net_total:f}",
        "vat_total": f"{invoice.vat_total:f}",
        "total": f"{invoice.total:f}",
        "issued_at": invoice.issued_at,
        "paid_at": invoice.paid_at,
    }


class InvoiceFilters(PageParams):
    status: str = Field(
        "", max_length=20, description="unpaid, paid, refunded or cancelled; empty for all"
    )
    issued_from: str = Field(
        "", max_length=10, description="YYYY-MM-DD: issued on or after this day (included)"
    )
    issued_to: str = Field(
        "", max_length=10, description="YYYY-MM-DD: issued on or before this day (included)"
    )


class ExportFilters(Schema):
    status: str = Field("", max_length=20, description="As for the list.")
    issued_from: str = Field("", max_length=10, description="As for the list.")
    issued_to: str = Field("", max_length=10, description="As for the list.")
    format: str = Field(
        "",
        max_length=10,
        description="comma (',' and '.'), semicolon (';' and ','), or empty: "
        "per the user's language",
    )
    bom: bool = Field(False, description="Start with a UTF-8 BOM (for spreadsheet programs).")


def _filter_form(data: dict[str, Any]) -> InvoiceExportForm:
    """I3: the page's own form checks the API's filters: same rules, same messages."""
    form = InvoiceExportForm({key: value for key, value in data.items() if value not in ("", None)})
    if not form.is_valid():
        for field, errors in form.errors.items():
            raise BusinessError(
                str(errors[0]), code="invalid", field=None if field == "__all__" else field
            )
    return form


@router.get("/orgs/{org_id}/invoices", response={200: InvoicePage, **ERRORS}, summary="Invoices")
def invoices_list(request: HttpRequest, org_id: int, filters: Query[InvoiceFilters]) -> InvoicePage:
    """I1, I2, I3: newest first; by ``status`` and by period (``issued_from``, ``issued_to``,
    both days included; an end before the start is a 400 with the page's message)."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    form = _filter_form(
        {
            "status": filters.status,
            "issued_from": filters.issued_from,
            "issued_to": filters.issued_to,
        }
    )
    data = form.cleaned_data
    invoices = invoices_of(
        membership.organization,
        status=data.get("status", ""),
        issued_from=data.get("issued_from"),
        issued_to=data.get("issued_to"),
    )
    items = invoices[filters.offset : filters.end]
    return InvoicePage(
        **page_count(invoices), items=[InvoiceOut(**invoice_fields(i)) for i in items]
    )


@router.get(
    "/orgs/{org_id}/invoices/export.csv",
    response={200: None, **ERRORS},
    summary="Invoices as CSV",
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def invoices_export(
    request: HttpRequest, org_id: int, filters: Query[ExportFilters]
) -> StreamingHttpResponse:
    """I5: the filtered invoices as CSV, streamed (constant memory): number, reference,
    dates, status, currency, net, VAT, total, paid amount, method; formula cells
    neutralised."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    form = _filter_form(
        {
            "status": filters.status,
            "issued_from": filters.issued_from,
            "issued_to": filters.issued_to,
            "format": filters.format,
            "bom": "on" if filters.bom else "",
        }
    )
    invoices, fmt = export_query(
        membership.organization, form.options(), language=translation.get_language() or "en"
    )
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in csv_chunks(invoices, fmt)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{csv_filename()}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/orgs/{org_id}/invoices/{int:invoice_id}",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="Invoice",
)
def invoices_detail(request: HttpRequest, org_id: int, invoice_id: int) -> InvoiceDetailOut:
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    invoice = invoice_of(membership.organization, invoice_id)
    transfer = _bank_transfer(invoice)
    return InvoiceDetailOut(
        **invoice_fields(invoice),
        buyer_name=invoice.buyer_name,
        seller_name=invoice.seller_name,
        vat_note=invoice.vat_note_for_reader,
        bank_transfer=(
            None
            if transfer is None
            else BankTransferOut(
                amount=f"{transfer.amount:f}",
                currency=transfer.currency,
                beneficiary=transfer.beneficiary,
                iban=transfer.iban,
                reference=transfer.structured_reference,
                qr_bill=transfer.has_qr_bill,
            )
        ),
        lines=[
            LineOut(
                position=line.position,
                description=line.description_for_reader,
                plan_id=line.plan_id,
                product_id=line.product_id,
                period_start=line.period_start,
                period_end=line.period_end,
                unit_price=f"{line.unit_price:f}",
                quantity=line.quantity,
                discount=f"{line.discount:f}",
                discount_reason=line.discount_reason,
                vat_rate=f"{line.vat_rate:f}",
                net_amount=f"{line.net_amount:f}",
                vat_amount=f"{line.vat_amount:f}",
                total_amount=f"{line.total_amount:f}",
            )
            for line in invoice.lines.all()
        ],
    )


@router.get(
    "/orgs/{org_id}/invoices/{invoice_id}/qr-bill.svg",
    response={200: str, **ERRORS},
    summary="Swiss QR-bill of a payment request",
    openapi_extra={"responses": {200: {"content": {"image/svg+xml": {}}}}},
)
def invoices_qr_bill(request: HttpRequest, org_id: int, invoice_id: int) -> HttpResponse:
    """I4: the QR-bill (receipt and payment part) of an unpaid CHF payment request, as
    SVG, in the request's language (de, fr, it, else en); 404 when there is none."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    transfer = _bank_transfer(invoice_of(membership.organization, invoice_id))
    svg = None if transfer is None else qr_bill_svg(transfer, language=translation.get_language())
    if svg is None:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


_PDF: dict[str, Any] = {"responses": {200: {"content": {"application/pdf": {}}}}}


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/orgs/{org_id}/invoices/{invoice_id}/pdf",
    response={200: bytes, **ERRORS},
    summary="Invoice or payment request as PDF",
    openapi_extra=_PDF,
)
def invoices_pdf(request: HttpRequest, org_id: int, invoice_id: int) -> HttpResponse:
    """I4: the final invoice (paid) or the payment request (unpaid, with the Swiss
    QR-bill for CHF) as PDF, in the organization's invoice language."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    invoice = invoice_of(membership.organization, invoice_id)
    return _pdf(invoice_pdf(invoice), pdf_filename(invoice))


@router.get(
    "/orgs/{org_id}/invoices/{invoice_id}/credit-note/pdf",
    response={200: bytes, **ERRORS},
    summary="Credit note of a refunded invoice as PDF",
    openapi_extra=_PDF,
)
def invoices_credit_note_pdf(request: HttpRequest, org_id: int, invoice_id: int) -> HttpResponse:
    """I1: the credit note that refunded the invoice, as PDF; 404 when there is none."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    invoice = invoice_of(membership.organization, invoice_id)
    credit_note = CreditNote.objects.filter(invoice=invoice).first()
    if credit_note is None:
        raise Http404
    return _pdf(credit_note_pdf(credit_note), pdf_filename(credit_note))


@router.get("/orgs/{org_id}/payments", response={200: PaymentPage, **ERRORS}, summary="Payments")
def payments_list(request: HttpRequest, org_id: int, page: Query[PageParams]) -> PaymentPage:
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    payments = Payment.objects.filter(organization=membership.organization)
    items = payments.prefetch_related("invoices").order_by("-created_at", "-id")[
        page.offset : page.end
    ]
    return PaymentPage(**page_count(payments), items=[payment_out(p) for p in items])


@router.get(
    "/orgs/{org_id}/payments/{payment_id}",
    response={200: PaymentOut, **ERRORS},
    summary="Payment",
)
def payments_detail(request: HttpRequest, org_id: int, payment_id: int) -> PaymentOut:
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    payment = Payment.objects.filter(organization=membership.organization, pk=payment_id).first()
    if payment is None:
        raise Http404
    return payment_out(payment)
