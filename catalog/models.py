"""The catalog (S1): offers, their plans, prices per billing period and
currency, the monthly minimum (P5) and the VAT rules with validity dates.

Prices are set per currency (CHF and EUR) by the provider, never converted.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager

from orgs.models import Currency


class OfferKind(models.TextChoices):
    WEB_HOSTING = "web_hosting", _("Web hosting")
    EMAIL_SERVICE = "email_service", _("E-mail service")
    FILE_STORAGE = "file_storage", _("File storage")
    BACKUP = "backup", _("Backup")
    DOMAIN_NAME = "domain_name", _("Domain name")
    CLOUD_SERVER = "cloud_server", _("Cloud server")


class BillingPeriod(models.IntegerChoices):
    """Billing frequency in months (P5); 24 months only for domain names."""

    MONTHLY = 1, _("Monthly")
    QUARTERLY = 3, _("Quarterly")
    YEARLY = 12, _("Yearly")
    TWO_YEARS = 24, _("Every two years")


DOMAIN_ONLY_PERIODS = frozenset({BillingPeriod.TWO_YEARS})
# A domain name plan's extension (``ch``, ``co.uk``, ``xn--p1ai``): stored form.
DOMAIN_EXTENSION_PATTERN = (
    r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class Offer(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # S1: free offers are ordered through the same cart, without payment.
    is_free = models.BooleanField(_("free"), default=False)
    is_active = models.BooleanField(_("on sale"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Text fields per language (catalog/translation.py); declared for the type checker.
    objects = MultilingualManager["Offer"]()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OfferKind]),
                name="catalog_offer_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """One size of an offer, e.g. 50 GB of storage or 5 mailboxes."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    mailbox_count = models.PositiveIntegerField(_("mailboxes"), null=True, blank=True)
    # Issue 10: a domain name plan registers names under one extension (its price
    # is that extension's); ASCII, xn-- for an internationalized one.
    domain_extension = models.CharField(
        _("domain extension"),
        max_length=63,
        blank=True,
        default="",
        db_default="",
        help_text=_("Domain name plans only: the extension it registers, e.g. ch or co.uk."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MultilingualManager["Plan"]()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["offer__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.offer.name} – {self.name}"

    def clean(self) -> None:
        # Form validation for the back office.
        self.domain_extension = self.domain_extension.strip().strip(".").lower()
        if self.offer_id is None:
            return
        is_domain = self.offer.kind == OfferKind.DOMAIN_NAME
        if is_domain and not self.domain_extension:
            raise ValidationError(
                {"domain_extension": _("A domain name plan needs the extension it registers.")}
            )
        if not is_domain and self.domain_extension:
            raise ValidationError(
                {"domain_extension": _("Only a domain name plan has a domain extension.")}
            )
        if self.domain_extension and not re.fullmatch(
            DOMAIN_EXTENSION_PATTERN, self.domain_extension
        ):
            raise ValidationError(
                {
                    "domain_extension": _(
                        "Write the extension in ASCII letters, digits and hyphens, with dots "
                        "between its parts (xn-- form for an internationalized one)."
                    )
                }
            )


class Price(models.Model):
    """The price of a plan for one billing period in one currency (S1)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    period_months = models.PositiveSmallIntegerField(
        _("billing frequency"), choices=BillingPeriod.choices
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["plan_id", "currency", "period_months"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period_months", "currency"], name="catalog_price_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="catalog_price_not_negative"),
            models.CheckConstraint(
                condition=Q(period_months__in=[p.value for p in BillingPeriod]),
                name="catalog_price_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=[c.value for c in Currency]),
                name="catalog_price_currency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.period_months} {self.currency} {self.amount}"

    def clean(self) -> None:
        # Form validation for the back office; the shop only offers what exists.
        if (
            self.period_months in DOMAIN_ONLY_PERIODS
            and self.plan_id is not None
            and self.plan.offer.kind != OfferKind.DOMAIN_NAME
        ):
            raise ValidationError(
                {"period_months": _("A two-year period exists only for domain names.")}
            )


class MonthlyMinimum(models.Model):
    """P5: the monthly period is offered only when its price reaches this amount."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, unique=True)
    amount = models.DecimalField(
        _("minimum monthly amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("monthly minimum")
        verbose_name_plural = _("monthly minimums")

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


class VatRate(models.Model):
    """A VAT rule with its validity dates, in data (S1).

    A row without a country applies to every country that has no rule of its own
    (the default: no Swiss VAT, with the export-of-services mention).
    """

    country = CountryField(_("country of the customer"), blank=True)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    mention = models.CharField(
        _("mention on the invoice"),
        max_length=200,
        blank=True,
        help_text=_("For example the mention for an export of services."),
    )

    objects = MultilingualManager["VatRate"]()

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["country", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["country", "valid_from"], name="catalog_vat_unique"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="catalog_vat_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="catalog_vat_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country or '*'} {self.rate} % from {self.valid_from}"
