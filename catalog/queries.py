"""Reads of the catalog that more than one app needs (shop, invoices, API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import BillingPeriod, MonthlyMinimum, Offer, Plan, Price, VatRate
from core.languages import texts_per_language

# Used when the data holds no rule at all for a country (S1 default).
EXPORT_MENTION = _("Export of services: not subject to Swiss VAT.")


@dataclass(frozen=True)
class VatRule:
    """The VAT to apply: ``rate`` in percent (``Decimal("8.10")``) and the invoice
    mention, in the current language and per language (for an invoice, X1)."""

    rate: Decimal
    mention: str
    vat_rate_id: int | None
    mentions: dict[str, str] = field(default_factory=dict)

    @property
    def fraction(self) -> Decimal:
        return self.rate / Decimal(100)

    @property
    def percent(self) -> Decimal:
        """The rate without trailing zeros, for display: ``8.1``, ``19``."""
        if self.rate == self.rate.to_integral_value():
            return self.rate.quantize(Decimal(1))
        return self.rate.normalize()


def vat_rate_for(country: str | None, on: date) -> VatRule:
    """S1: the VAT rule for a customer in ``country`` on the date ``on``.

    A rule for the country wins over the default rule (a row without country);
    without either, no Swiss VAT and the export-of-services mention.
    """
    valid = VatRate.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).filter(
        valid_from__lte=on
    )
    code = (country or "").upper()
    rule = None
    if code:
        rule = valid.filter(country=code).order_by("-valid_from").first()
    if rule is None:
        rule = valid.filter(country="").order_by("-valid_from").first()
    if rule is None:
        return VatRule(
            rate=Decimal("0.00"),
            mention=str(EXPORT_MENTION),
            vat_rate_id=None,
            mentions=texts_per_language(lambda: EXPORT_MENTION),
        )
    return VatRule(
        rate=rule.rate,
        mention=rule.mention,
        vat_rate_id=rule.pk,
        mentions=texts_per_language(lambda: rule.mention),
    )


def monthly_minimum(currency: str) -> Decimal:
    row = MonthlyMinimum.objects.filter(currency=currency).first()
    return row.amount if row is not None else Decimal("0.00")


def prices_offered(prices: list[Price], minimum: Decimal) -> list[Price]:
    """P5: drop the monthly price when it is below the minimum for its currency."""
    return [
        p for p in prices if not (p.period_months == BillingPeriod.MONTHLY and p.amount < minimum)
    ]


def plan_prices(plan: Plan, currency: str) -> list[Price]:
    """The prices of ``plan`` in ``currency`` that may be chosen, shortest period first."""
    prices = list(plan.prices.filter(currency=currency).order_by("period_months"))
    return prices_offered(prices, monthly_minimum(currency))


def price_for(plan: Plan, period_months: int, currency: str) -> Price | None:
    """The price of ``plan`` for that period and currency, if it is offered (P5)."""
    return next((p for p in plan_prices(plan, currency) if p.period_months == period_months), None)


def catalog_offers(currency: str | None = None) -> QuerySet[Offer]:
    """Offers on sale with their plans on sale and their prices (in ``currency`` if given)."""
    prices = Price.objects.order_by("currency", "period_months")
    if currency is not None:
        prices = prices.filter(currency=currency)
    plans = (
        Plan.objects.filter(is_active=True)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("prices", queryset=prices))
    )
    return Offer.objects.filter(is_active=True).prefetch_related(Prefetch("plans", queryset=plans))
