"""Reads of the catalog that more than one app needs (shop, invoices, API)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from catalog.models import BillingPeriod, MonthlyMinimum, Offer, Plan, Price, VatRate
from core.languages import texts_per_language
from orgs.models import Organization
from orgs.tax_ids import vat_number_checked

# Used when the data holds no rule at all for a country (S1 default).
EXPORT_MENTION = _("Export of services: not subject to Swiss VAT.")

# S4: the customers of the Swiss VAT area (Liechtenstein applies the Swiss VAT).
SWISS_VAT_AREA = frozenset({"CH", "LI"})

# S4: the invoice mention for a business customer abroad, who accounts for the VAT
# itself (place of supply at the recipient, art. 8 para. 1 of the Swiss VAT Act;
# in the EU, art. 196 of Directive 2006/112/EC asks for the words "reverse charge").
REVERSE_CHARGE_MENTION = _(
    "Reverse charge: the customer accounts for the VAT (services supplied to a business "
    "abroad, art. 8 para. 1 Swiss VAT Act). Customer's VAT number: %(number)s."
)


@dataclass(frozen=True)
class VatRule:
    """The VAT to apply: ``rate`` in percent (``Decimal("8.10")``) and the invoice
    mention, in the current language and per language (for an invoice, X1)."""

    rate: Decimal
    mention: str
    vat_rate_id: int | None
    mentions: dict[str, str] = field(default_factory=dict)
    # S4: a business customer abroad with a valid VAT number: no Swiss VAT, and
    # ``mentions`` holds the reverse-charge mention the invoice must carry.
    reverse_charge: bool = False
    # The customer's country (ISO code) the rule was chosen for; "" when unknown.
    country: str = ""

    @property
    def fraction(self) -> Decimal:
        return self.rate / Decimal(100)

    @property
    def percent(self) -> Decimal:
        """The rate without trailing zeros, for display: ``8.1``, ``19``."""
        if self.rate == self.rate.to_integral_value():
            return self.rate.quantize(Decimal(1))
        return self.rate.normalize()

    @property
    def summary(self) -> str:
        """How VAT applies, in the current language, for the shop and the cart (S4):
        "VAT 8.1 % (Switzerland)", "No Swiss VAT: reverse charge (…)"."""
        if self.reverse_charge:
            return gettext("No Swiss VAT: reverse charge (business customer with a VAT number).")
        if self.rate:
            place = str(countries.name(self.country)) if self.country else ""
            if place:
                return gettext("VAT %(rate)s %% (%(country)s).") % {
                    "rate": formats.number_format(self.percent),
                    "country": place,
                }
            return gettext("VAT %(rate)s %%.") % {"rate": formats.number_format(self.percent)}
        return gettext("No Swiss VAT is added (export of services).")


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


def vat_for_customer(*, country: str, vat_number: str, on: date) -> VatRule:
    """S4: the VAT a Swiss provider applies to a customer in ``country`` on ``on``.

    - Switzerland and Liechtenstein: Swiss VAT, the catalog's rule for CH.
    - Elsewhere, with a VAT number whose format is valid for the country
      (python-stdnum): a business customer, 0 % and the reverse-charge mention.
    - Elsewhere without one (a consumer, or a malformed number): the catalog's
      rule for the country, else its default rule.

    The one place that decides; the shop, the cart, the checkout and every
    invoice issued for an organization call it (see ``vat_for_organization``).
    """
    code = (country or "").strip().upper()
    if code in SWISS_VAT_AREA:
        return replace(vat_rate_for("CH", on), country=code)
    checked = vat_number_checked(vat_number or "", country=code) if code else None
    if checked is not None:
        words = {"number": checked}
        return VatRule(
            rate=Decimal("0.00"),
            mention=str(REVERSE_CHARGE_MENTION) % words,
            vat_rate_id=None,
            mentions=texts_per_language(lambda: str(REVERSE_CHARGE_MENTION) % words),
            reverse_charge=True,
            country=code,
        )
    return replace(vat_rate_for(code, on), country=code)


def vat_for_organization(*, organization: Organization, on: date) -> VatRule:
    """S4: ``vat_for_customer`` for the organization's country and VAT number (O4)."""
    return vat_for_customer(
        country=str(organization.country or ""), vat_number=organization.tax_id, on=on
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
