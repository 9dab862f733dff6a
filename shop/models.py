"""The shop (S1–S4): carts, promo codes, free grants and orders.

A cart belongs to one user in one organization and survives logging out. It
holds lines (a plan, a billing period, a quantity and what the offer asks for,
such as a domain name); each line carries at most one discount: a promo code
(S2) or a free grant (S3). Nothing in a cart is reserved: an abandoned cart uses
no code and no grant.

Checking out turns the cart into an order. An order keeps its lines as they
were priced, with the discounts applied; its invoice is issued by the checkout
flow (flows/checkout.py). Promo code uses and grants are reserved when the
order is placed and become used when the order is paid, or are released when
its payment fails or expires; the code's use counter moves in one conditional
UPDATE, so two concurrent orders can never exceed its limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.models import PaymentMethod
from catalog.models import BillingPeriod
from core.languages import text_in_language
from core.money import DECIMAL_PLACES, MAX_DIGITS, Money
from orgs.models import Currency

# A line orders at most this many units of one plan (a typing slip, not a limit of the provider).
MAX_QUANTITY = 100


def _money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


def _percent_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


_PERIODS = [p.value for p in BillingPeriod]


class PromoKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class PromoCode(models.Model):
    """A promo code defined by a support agent (S2, X4).

    It applies to the plans listed, or to every plan of the offers listed, or to
    everything when both lists are empty; and to the billing periods listed, or
    to every period. ``uses`` counts the orders that reserved or used it.
    """

    code = models.CharField(_("code"), max_length=40, help_text=_("Customers type it in any case."))
    kind = models.CharField(_("kind"), max_length=10, choices=PromoKind.choices)
    percent = _percent_field(_("discount (%)"), null=True, blank=True)
    offers = models.ManyToManyField(
        "catalog.Offer", blank=True, related_name="+", verbose_name=_("offers")
    )
    plans = models.ManyToManyField(
        "catalog.Plan", blank=True, related_name="+", verbose_name=_("plans")
    )
    # Billing periods in months (BillingPeriod); empty means every period.
    period_months = models.JSONField(_("billing periods"), default=list, blank=True)
    valid_from = models.DateTimeField(
        pgettext_lazy("promo code", "valid from"), null=True, blank=True
    )
    valid_until = models.DateTimeField(
        pgettext_lazy("promo code", "valid until"), null=True, blank=True
    )
    max_uses = models.PositiveIntegerField(
        _("uses in all"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_uses_per_organization = models.PositiveIntegerField(
        _("uses per organization"),
        null=True,
        blank=True,
        default=1,
        help_text=_("Empty: no limit."),
    )
    uses = models.PositiveIntegerField(_("uses so far"), default=0, editable=False)
    first_order_only = models.BooleanField(_("first order only"), default=False)
    # How many billing terms the discount lasts: the first term only by default.
    cycles = models.PositiveSmallIntegerField(
        _("billing terms discounted"), default=1, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("internal note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="shop_promo_code_ci_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PromoKind]), name="shop_promo_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="percent") & Q(percent__gt=0) & Q(percent__lte=100))
                | (Q(kind="fixed") & Q(percent__isnull=True)),
                name="shop_promo_percent_when_percent",
            ),
            # The last use cannot be taken twice: the counter never passes the limit.
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="shop_promo_uses_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="shop_promo_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PromoCodeAmount(models.Model):
    """The fixed discount of a code in one currency (prices are never converted)."""

    promo_code = models.ForeignKey(PromoCode, on_delete=models.CASCADE, related_name="amounts")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = _money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("amount")
        verbose_name_plural = _("amounts")
        constraints = [
            models.UniqueConstraint(
                fields=["promo_code", "currency"], name="shop_promo_amount_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="shop_promo_amount_positive"),
            models.CheckConstraint(
                condition=Q(currency__in=[c.value for c in Currency]),
                name="shop_promo_amount_currency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class GrantStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved by an order")
    USED = "used", _("Used")
    REVOKED = "revoked", _("Revoked")


class Grant(models.Model):
    """A plan granted to an organization for free or at a discount (S3, X4).

    It works only for its organization and its plan, for ``terms`` billing
    terms, and is used once: by the order that is paid with it.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="grants"
    )
    plan = models.ForeignKey("catalog.Plan", on_delete=models.PROTECT, related_name="+")
    # Empty: any billing period the plan is sold with.
    period_months = models.PositiveSmallIntegerField(
        _("billing frequency"), choices=BillingPeriod.choices, null=True, blank=True
    )
    discount_percent = _percent_field(
        _("discount (%)"), default=Decimal(100), help_text=_("100 % is free.")
    )
    terms = models.PositiveSmallIntegerField(
        _("billing terms"), default=1, validators=[MinValueValidator(1)]
    )
    valid_until = models.DateField(_("to be used by"), null=True, blank=True)
    note = models.TextField(_("internal note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.AVAILABLE
    )
    order = models.ForeignKey(
        "shop.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("free grant")
        verbose_name_plural = _("free grants")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "plan"],
                condition=Q(status="available"),
                name="shop_grant_available_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in GrantStatus]),
                name="shop_grant_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gt=0) & Q(discount_percent__lte=100),
                name="shop_grant_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(period_months__isnull=True) | Q(period_months__in=_PERIODS),
                name="shop_grant_period_valid",
            ),
            # Reserved or used by exactly one order; available or revoked by none.
            models.CheckConstraint(
                condition=(Q(status__in=["reserved", "used"]) & Q(order__isnull=False))
                | (Q(status__in=["available", "revoked"]) & Q(order__isnull=True)),
                name="shop_grant_order_when_taken",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.organization}"

    @property
    def is_free(self) -> bool:
        return self.discount_percent >= 100


class Cart(models.Model):
    """A user's cart in one organization (S2); prices are computed, never stored."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="carts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # S2: the payment method is chosen first, then promo codes are entered.
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="shop_cart_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    plan = models.ForeignKey("catalog.Plan", on_delete=models.CASCADE, related_name="+")
    period_months = models.PositiveSmallIntegerField(
        _("billing frequency"), choices=BillingPeriod.choices
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    # What the offer asks for (products/requirements.py), in its stored form:
    # a domain name in ASCII (IDN as punycode), lower case.
    requirement = models.CharField(_("details"), max_length=253, blank=True)
    promo_code = models.ForeignKey(
        PromoCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["cart", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_QUANTITY),
                name="shop_cartline_quantity_range",
            ),
            models.CheckConstraint(
                condition=Q(period_months__in=_PERIODS), name="shop_cartline_period_valid"
            ),
            # One discount per line: a promo code or a grant (S2, S3).
            models.CheckConstraint(
                condition=Q(promo_code__isnull=True) | Q(grant__isnull=True),
                name="shop_cartline_one_discount",
            ),
            models.UniqueConstraint(
                fields=["cart", "grant"],
                condition=Q(grant__isnull=False),
                name="shop_cartline_grant_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} × {self.quantity}"


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", pgettext_lazy("order status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class Order(models.Model):
    """A cart checked out (S4): its lines priced as they were, then paid once."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="orders"
    )
    reference = models.CharField(pgettext_lazy("shop", "order"), max_length=30, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.AWAITING_PAYMENT,
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    # The part the prepaid account pays; the rest goes to ``payment_method``.
    prepaid_amount = _money_field(_("from the prepaid account"), default=Decimal(0))
    subtotal = _money_field(_("subtotal"))
    discount_total = _money_field(_("discounts"))
    net_total = _money_field(_("net total"))
    vat_total = _money_field(_("VAT"))
    total = _money_field(_("total"))
    # Issued when the order is placed (prepaid, bank transfer) or when its
    # card or PayPal payment is confirmed (a declined card creates no invoice).
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    # The card or PayPal payment of an order without an invoice yet.
    payment = models.OneToOneField(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    # X5: checking out twice with the same key returns the first order.
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    paid_at = models.DateTimeField(pgettext_lazy("order", "paid"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("shop", "order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="shop_order_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]),
                name="shop_order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(discount_total__gte=0)
                & Q(net_total__gte=0)
                & Q(vat_total__gte=0)
                & Q(prepaid_amount__gte=0),
                name="shop_order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="shop_order_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_money(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def prepaid_money(self) -> Money:
        return Money(self.prepaid_amount, self.currency)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    plan = models.ForeignKey("catalog.Plan", on_delete=models.PROTECT, related_name="+")
    period_months = models.PositiveSmallIntegerField(
        _("billing frequency"), choices=BillingPeriod.choices
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    requirement = models.CharField(_("details"), max_length=253, blank=True)
    # The plan's name in each language, as it read when the order was placed (X1).
    description = models.CharField(_("description"), max_length=300)
    description_translations = models.JSONField(default=dict, blank=True)
    unit_price = _money_field(_("unit price"))
    discount = _money_field(_("discount"), default=Decimal(0))
    discount_reason = models.CharField(_("reason for the discount"), max_length=200, blank=True)
    promo_code = models.ForeignKey(
        PromoCode, on_delete=models.PROTECT, null=True, blank=True, related_name="order_lines"
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="order_lines"
    )
    # How many billing terms the discount lasts, this one included (renewals read it).
    discount_terms = models.PositiveSmallIntegerField(default=0)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net_amount = _money_field(_("net"))
    vat_amount = _money_field(_("VAT"))
    total_amount = _money_field(_("total"))
    # The products created when the order is paid, one per unit.
    products = models.ManyToManyField(
        "products.ProductInstance", blank=True, related_name="order_lines"
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="shop_orderline_position"),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(unit_price__gte=0) & Q(quantity__gte=1),
                name="shop_orderline_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(promo_code__isnull=True) | Q(grant__isnull=True),
                name="shop_orderline_one_discount",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def description_for_reader(self) -> str:
        return text_in_language(self.description_translations, self.description)


class PromoUseStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved by an order")
    USED = "used", _("Used")
    RELEASED = "released", _("Released")


class PromoCodeUse(models.Model):
    """One order's use of a promo code: reserved when placed, used when paid (S2)."""

    promo_code = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="code_uses")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="promo_uses")
    status = models.CharField(
        _("status"), max_length=10, choices=PromoUseStatus.choices, default=PromoUseStatus.RESERVED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("promo code use")
        verbose_name_plural = _("promo code uses")
        indexes = [
            # Uses per organization: only the uses that count.
            models.Index(
                fields=["promo_code", "organization"],
                condition=Q(status__in=["reserved", "used"]),
                name="shop_promouse_counting_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["promo_code", "order"], name="shop_promouse_once"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PromoUseStatus]),
                name="shop_promouse_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promo_code} ({self.status})"
