"""Invoices, credit notes and payments (I1, X5).

Rounding rule (the one rule, applied in ``billing.services.line_amounts``):
for each line, net = round(unit price × quantity − discount) and
VAT = round(net × rate / 100), both half up to the cent; the line's total is
net + VAT. The invoice's totals are the sums of its lines' net, VAT and total,
computed once when it is issued. So lines and totals always agree to the cent
(no rounding on the total of the VAT, which is where Kill Bill and Lago drift).

An issued invoice never changes: only its status and, when it becomes final on
payment, its legal number (and the matching dates) are ever written again, and
only through the services; lines, credit notes and allocations are append-only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from core.languages import text_in_language
from core.money import DECIMAL_PLACES, MAX_DIGITS, Money
from ledger.models import AppendOnlyError, AppendOnlyModel


def _money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled")


class NumberSeries(models.Model):
    """The counter of one legal number series (I1): locked to take the next number."""

    code = models.CharField(max_length=20, unique=True)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.code} (next {self.next_number})"


# What may still be written on an issued invoice, and only by the services.
INVOICE_MUTABLE_FIELDS = frozenset(
    {"status", "series", "number", "legal_number", "paid_at", "cancelled_at", "refunded_at"}
)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - INVOICE_MUTABLE_FIELDS
        if frozen:
            raise AppendOnlyError(f"an issued invoice never changes ({', '.join(sorted(frozen))})")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("invoices are never deleted")


class Invoice(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.UNPAID
    )
    # The payment request's own reference, while the invoice is unpaid (I4).
    payment_reference = models.CharField(_("payment reference"), max_length=30, unique=True)
    # The legal number, taken when the invoice becomes final on payment (I1).
    series = models.CharField(_("series"), max_length=20, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    legal_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    # Buyer and seller as they were when the invoice was issued.
    buyer_name = models.CharField(_("buyer"), max_length=150)
    buyer_street = models.CharField(max_length=200, blank=True)
    buyer_postcode = models.CharField(max_length=20, blank=True)
    buyer_city = models.CharField(max_length=100, blank=True)
    buyer_country = CountryField(blank=True)
    seller_name = models.CharField(_("seller"), max_length=150)
    seller_address = models.TextField(blank=True)
    seller_vat_number = models.CharField(max_length=50, blank=True)
    vat_note = models.CharField(_("VAT note"), max_length=300, blank=True)
    # The VAT note in each language, fixed at issue like the rest (X1, docs/decisions/0003).
    vat_note_translations = models.JSONField(default=dict, blank=True)
    net_total = _money_field(_("net total"))
    vat_total = _money_field(_("VAT"))
    total = _money_field(_("total"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-issued_at", "-id"], name="billing_inv_org_idx"),
            # Issue 9: the history filtered by status reads one range, newest first.
            models.Index(
                fields=["organization", "status", "-issued_at", "-id"],
                name="billing_inv_org_status_idx",
            ),
            # What is to pay (the dashboard): only the unpaid invoices, totals included.
            models.Index(
                fields=["organization", "currency"],
                include=["total"],
                condition=Q(status="unpaid"),
                name="billing_inv_unpaid_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(number__isnull=False),
                name="billing_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["paid", "refunded"]) & Q(number__isnull=False))
                | (Q(status__in=["unpaid", "cancelled"]) & Q(number__isnull=True)),
                name="billing_invoice_number_when_final",
            ),
            # total = net + VAT is verified by ledger_check, not here: SQLite
            # compares decimal sums as floats.
            models.CheckConstraint(
                condition=Q(net_total__gte=0) & Q(vat_total__gte=0),
                name="billing_invoice_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=["CHF", "EUR"]), name="billing_invoice_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_number or self.payment_reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - INVOICE_MUTABLE_FIELDS:
                raise AppendOnlyError("an issued invoice never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("invoices are never deleted")

    @property
    def total_money(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def net_total_money(self) -> Money:
        return Money(self.net_total, self.currency)

    @property
    def vat_total_money(self) -> Money:
        return Money(self.vat_total, self.currency)

    @property
    def is_final(self) -> bool:
        return bool(self.legal_number)

    @property
    def vat_note_for_reader(self) -> str:
        """The VAT note in the reader's language, as it was worded at issue."""
        return text_in_language(self.vat_note_translations, self.vat_note)


class InvoiceLine(AppendOnlyModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    # The description in each language, fixed at issue (X1, docs/decisions/0003):
    # a reader sees the line in their language; nothing is re-read from the catalog.
    description_translations = models.JSONField(default=dict, blank=True)
    # What the line bills, when it bills a product of the catalog (S1, S5).
    plan = models.ForeignKey(
        "catalog.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        "products.ProductInstance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    unit_price = _money_field(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    discount = _money_field(_("discount"), default=Decimal(0))
    discount_reason = models.CharField(_("reason for the discount"), max_length=200, blank=True)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net_amount = _money_field(_("net"))
    vat_amount = _money_field(_("VAT"))
    total_amount = _money_field(_("total"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position"),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(unit_price__gte=0) & Q(vat_rate__gte=0),
                name="billing_line_amounts_valid",
            ),
            models.CheckConstraint(
                condition=~Q(discount__gt=0) | ~Q(discount_reason=""),
                name="billing_line_discount_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def description_for_reader(self) -> str:
        """The description in the reader's language, as it was worded at issue."""
        return text_in_language(self.description_translations, self.description)


class CreditNote(AppendOnlyModel):
    """A refund of a paid invoice (I1): the invoice itself never changes."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="credit_note")
    series = models.CharField(max_length=20)
    number = models.PositiveIntegerField()
    legal_number = models.CharField(_("credit note number"), max_length=40)
    currency = models.CharField(max_length=3)
    net_total = _money_field(_("net total"))
    vat_total = _money_field(_("VAT"))
    total = _money_field(_("total"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="billing_creditnote_unique")
        ]

    def __str__(self) -> str:
        return self.legal_number


class PaymentMethod(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid account")
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PAYPAL = "paypal", _("PayPal")


# A method named inside a sentence, with its preposition ("by bank transfer",
# "por transferencia bancaria"): the labels above are capitalised for lists and
# buttons, and the preposition differs per method in most languages.
PAYMENT_METHOD_IN_SENTENCE: dict[str, Promise] = {
    PaymentMethod.PREPAID: pgettext_lazy("paid …", "from the prepaid account"),
    PaymentMethod.CARD: pgettext_lazy("paid …", "by card"),
    PaymentMethod.BANK_TRANSFER: pgettext_lazy("paid …", "by bank transfer"),
    PaymentMethod.PAYPAL: pgettext_lazy("paid …", "with PayPal"),
}


class PaymentPurpose(models.TextChoices):
    INVOICES = "invoices", _("Invoices")
    PREPAID_CREDIT = "prepaid_credit", _("Credit the account")
    # A shop order whose invoice is issued only when the money is there
    # (billing.hooks: the order settler), so that a declined card leaves nothing.
    ORDER = "order", _("Order")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")
    # A card or PayPal payment the provider never answered (PAYMENT_PENDING_EXPIRY_MINUTES).
    EXPIRED = "expired", pgettext_lazy("payment status", "Expired")


class Payment(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=PaymentPurpose.choices)
    amount = _money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # X5: the same request twice (double click, retry) finds this row and moves no money.
    idempotency_key = models.CharField(max_length=200, unique=True)
    # The payment request's reference for bank transfers, the provider's id otherwise.
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    # The invoices this payment was made for; what it really paid is in allocations.
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="payments_requested")
    failure_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the sweep expired it; kept if the provider confirms it afterwards after all
    # (then the money went to the prepaid account: billing.services.payment_confirm).
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="billing_pay_org_idx"),
            # Issue 9: payments under way (the prepaid page), never the whole history.
            models.Index(
                fields=["organization", "purpose", "-id"],
                condition=Q(status="pending"),
                name="billing_pay_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
            models.CheckConstraint(
                condition=Q(currency__in=["CHF", "EUR"]), name="billing_payment_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def method_in_sentence(self) -> str:
        """ "by bank transfer": the method with its preposition, in lower case."""
        return str(PAYMENT_METHOD_IN_SENTENCE.get(self.method, self.get_method_display()))


class Allocation(AppendOnlyModel):
    """The part of a confirmed payment applied to one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = _money_field(_("amount"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="billing_allocation_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment_id} → {self.invoice_id}"


class WebhookEvent(AppendOnlyModel):
    """A provider notification, kept once per event id: a redelivery is recognised."""

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=60)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="billing_webhook_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
