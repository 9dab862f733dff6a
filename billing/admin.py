from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import request_user
from billing.models import CreditNote, Invoice, InvoiceLine, Payment, PaymentMethod, PaymentStatus
from billing.services import invoice_refund, payment_confirm
from core.errors import BusinessError
from ledger.admin import ReadOnlyAdmin


class InvoiceLineInline(admin.TabularInline[InvoiceLine, Invoice]):
    model = InvoiceLine
    fields = (
        "position",
        "description",
        "unit_price",
        "quantity",
        "discount",
        "vat_rate",
        "net_amount",
        "vat_amount",
        "total_amount",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin[Invoice]):
    """X4: invoices are read here; a refund is an action that issues a credit note."""

    list_display = (
        "id",
        "legal_number",
        "payment_reference",
        "organization",
        "total",
        "currency",
        "status",
        "issued_at",
    )
    list_filter = ("status", "currency")
    search_fields = ("legal_number", "payment_reference", "organization__name")
    inlines = [InvoiceLineInline]
    actions = ["refund"]

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        # Actions need the change permission; the form itself stays read-only (no fields editable).
        return obj is None and bool(request.user.has_perm("billing.change_invoice"))

    @admin.action(
        description=_("Refund with a credit note (to the prepaid account)"), permissions=["change"]
    )
    def refund(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset.order_by("pk"):
            try:
                note = invoice_refund(
                    invoice=invoice, reason="Refunded by support", acting=request_user(request)
                )
                self.message_user(
                    request, _("Credit note %(number)s issued.") % {"number": note.legal_number}
                )
            except BusinessError as error:
                self.message_user(request, f"{invoice}: {error}", messages.WARNING)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin[CreditNote]):
    list_display = ("legal_number", "invoice", "total", "currency", "created_at")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin[Payment]):
    """X4: a bank transfer that arrived is marked paid here (or by bank_transfers_import)."""

    list_display = (
        "id",
        "reference",
        "organization",
        "method",
        "purpose",
        "amount",
        "currency",
        "status",
        "created_at",
    )
    list_filter = ("status", "method", "purpose", "currency")
    search_fields = ("reference", "organization__name")
    actions = ["mark_paid"]

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return obj is None and bool(request.user.has_perm("billing.change_payment"))

    @admin.action(description=_("Mark the bank transfer as received"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset.filter(
            method=PaymentMethod.BANK_TRANSFER, status=PaymentStatus.PENDING
        ).order_by("pk"):
            payment_confirm(payment_id=payment.pk, acting=request_user(request))
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d payment confirmed.", "%(count)d payments confirmed.", done)
            % {"count": done},
        )
