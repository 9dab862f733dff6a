"""The cart's quote (S2, S4): each line priced, discounted and taxed.

One rounding rule for carts, orders and invoices: ``billing.services.line_amounts``
(net = unit price × quantity − discount, VAT = round(net × rate), half up).
The quote is computed on every read, never stored: what the order keeps is
the quote at the moment it is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.services import LineDraft, line_amounts
from catalog.models import Price
from catalog.queries import VatRule, monthly_minimum, prices_offered, vat_for_organization
from core.money import Money
from orgs.models import Organization
from shop.models import Cart, CartLine
from shop.promotions import (
    grant_discount,
    grant_fits,
    promo_code_line_refusal,
    promo_code_state_refusal,
    promo_discount,
)


@dataclass(frozen=True)
class QuotedLine:
    line: CartLine
    unit_price: Money
    gross: Money
    discount: Money
    discount_reason: str
    # Billing terms the discount lasts, this one included (0: no discount).
    discount_terms: int
    vat_rate: Decimal
    net: Money
    vat: Money
    total: Money
    # Why the line cannot be ordered as it is (empty when it can).
    problem: str = ""
    # Why its promo code no longer applies (the code stays until removed).
    promo_problem: str = ""

    @property
    def draft(self) -> LineDraft:
        return LineDraft(
            description=str(self.line.plan),
            unit_price=self.unit_price,
            quantity=self.line.quantity,
            vat_rate=self.vat_rate,
            discount=self.discount if self.discount else None,
            discount_reason=self.discount_reason,
            plan_id=self.line.plan_id,
        )


@dataclass(frozen=True)
class Quote:
    currency: str
    vat: VatRule
    lines: list[QuotedLine] = field(default_factory=list)

    def _sum(self, attribute: str) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + getattr(line, attribute)
        return total

    @property
    def subtotal(self) -> Money:
        return self._sum("gross")

    @property
    def discount_total(self) -> Money:
        return self._sum("discount")

    @property
    def net_total(self) -> Money:
        return self._sum("net")

    @property
    def vat_total(self) -> Money:
        return self._sum("vat")

    @property
    def total(self) -> Money:
        return self._sum("total")

    @property
    def problems(self) -> list[str]:
        return [p for line in self.lines for p in (line.problem, line.promo_problem) if p]

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not self.problems

    @property
    def needs_payment(self) -> bool:
        return bool(self.total)


def vat_rule_for(organization: Organization, on: date) -> VatRule:
    """The VAT that applies to ``organization`` (S4): ``catalog.queries.vat_for_organization``."""
    return vat_for_organization(organization=organization, on=on)


def cart_lines_for_quote(cart: Cart) -> list[CartLine]:
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("plan__offer", "promo_code", "grant")
        .prefetch_related("promo_code__amounts", "promo_code__offers", "promo_code__plans")
        .order_by("id")
    )


def cart_quote(
    *, organization: Organization, lines: list[CartLine], on: date | None = None
) -> Quote:
    """Price ``lines`` (from ``cart_lines_for_quote``) for ``organization`` today."""
    on = on or timezone.localdate()
    currency = organization.currency.value
    vat = vat_rule_for(organization, on)
    quote = Quote(currency=currency, vat=vat)
    if not lines:
        return quote
    minimum = monthly_minimum(currency)
    prices: dict[tuple[int, int], Price] = {
        (p.plan_id, p.period_months): p
        for p in prices_offered(
            list(
                Price.objects.filter(
                    plan_id__in={line.plan_id for line in lines}, currency=currency
                ).prefetch_related(Prefetch("plan"))
            ),
            minimum,
        )
    }
    state_refusals: dict[int, str] = {}
    for line in lines:
        code = line.promo_code
        if code is not None and code.pk not in state_refusals:
            refusal = promo_code_state_refusal(code, organization=organization)
            state_refusals[code.pk] = str(refusal) if refusal else ""
    for line in lines:
        quote.lines.append(_quoted(line, prices, currency, vat, state_refusals, on))
    return quote


def _quoted(
    line: CartLine,
    prices: dict[tuple[int, int], Price],
    currency: str,
    vat: VatRule,
    state_refusals: dict[int, str],
    on: date,
) -> QuotedLine:
    plan = line.plan
    price = prices.get((line.plan_id, line.period_months))
    problem = ""
    if not plan.is_active or not plan.offer.is_active:
        problem = _("%(product)s is no longer on sale: remove it from the cart.") % {
            "product": plan
        }
    elif price is None:
        problem = _("%(product)s is not sold with this billing period: choose another.") % {
            "product": plan
        }
    unit = Money(price.amount, currency) if price is not None else Money.zero(currency)
    gross = unit * line.quantity
    discount = Money.zero(currency)
    reason = ""
    terms = 0
    promo_problem = ""
    code = line.promo_code
    grant = line.grant
    if code is not None:
        refused = state_refusals.get(code.pk) or ""
        if not refused:
            line_refusal = promo_code_line_refusal(
                code, plan=plan, period_months=line.period_months, currency=currency
            )
            refused = str(line_refusal) if line_refusal else ""
        if refused:
            promo_problem = _("Promo code %(code)s: %(reason)s") % {
                "code": code.code,
                "reason": refused,
            }
        else:
            discount = promo_discount(code, gross)
            reason = _("Promo code %(code)s") % {"code": code.code.upper()}
            terms = code.cycles
    elif grant is not None:
        usable = (
            grant.status == "available"
            and (grant.valid_until is None or grant.valid_until >= on)
            and grant_fits(grant, plan_id=line.plan_id, period_months=line.period_months)
        )
        if usable:
            discount = grant_discount(grant, gross)
            reason = _("Free grant") if grant.is_free else _("Granted discount")
            terms = grant.terms
        else:
            promo_problem = _("The free grant no longer applies to this line: remove it.")
    net, vat_amount, total = line_amounts(
        LineDraft(
            description=str(plan),
            unit_price=unit,
            quantity=line.quantity,
            vat_rate=vat.rate,
            discount=discount,
            discount_reason=reason,
        )
    )
    return QuotedLine(
        line=line,
        unit_price=unit,
        gross=gross,
        discount=discount,
        discount_reason=reason,
        discount_terms=terms,
        vat_rate=vat.rate,
        net=net,
        vat=vat_amount,
        total=total,
        problem=problem,
        promo_problem=promo_problem,
    )
