"""Reads for the shop's pages (S1, S2): the catalog as sold to an organization,
the cart's line count for the navigation, an organization's orders."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from catalog.models import Offer, Plan, Price
from catalog.queries import catalog_offers, monthly_minimum, prices_offered
from orgs.models import Organization
from products.requirements import Requirement
from shop.models import CartLine, Order, OrderLine
from shop.services import MAX_LINES


@dataclass
class PlanOnSale:
    plan: Plan
    # P5: only the periods offered in the organization's currency, shortest first.
    prices: list[Price]
    # A refused *Add to cart*: the reasons per field and what was typed.
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class OfferOnSale:
    offer: Offer
    plans: list[PlanOnSale] = field(default_factory=list)
    # What ordering it asks for (products/requirements.py), set by the page.
    requirement: Requirement | None = None


def shop_catalog(currency: str) -> list[OfferOnSale]:
    """S1: the offers on sale with the plans that have a price offered in ``currency``."""
    minimum = monthly_minimum(currency)
    offers = []
    for offer in catalog_offers(currency):
        on_sale = OfferOnSale(offer=offer)
        for plan in offer.plans.all():
            prices = sorted(
                prices_offered(list(plan.prices.all()), minimum), key=lambda p: p.period_months
            )
            if prices:
                on_sale.plans.append(PlanOnSale(plan=plan, prices=prices))
        if on_sale.plans:
            offers.append(on_sale)
    return offers


def periods_offered(currency: str, plan_ids: set[int]) -> dict[int, list[int]]:
    """P5: the billing periods each plan is sold with in ``currency``, shortest first."""
    prices = Price.objects.filter(plan_id__in=plan_ids, currency=currency).order_by("period_months")
    offered: dict[int, list[int]] = {}
    for price in prices_offered(list(prices), monthly_minimum(currency)):
        offered.setdefault(price.plan_id, []).append(price.period_months)
    return offered


def cart_line_count(*, organization_id: int, user_id: int) -> int:
    """The number of lines in the user's cart: one query on the cart's unique index.

    The ids are read rather than counted: a cart holds at most ``MAX_LINES``
    lines, and the panel's pages keep COUNT for nothing (issue 9).
    """
    ids = CartLine.objects.filter(
        cart__organization_id=organization_id, cart__user_id=user_id
    ).values_list("id", flat=True)
    return len(ids[: MAX_LINES + 1])


def order_of(organization: Organization, reference: str) -> Order | None:
    """An order of ``organization`` by its reference (another's is not found)."""
    return (
        Order.objects.filter(organization=organization, reference=reference)
        .select_related("invoice", "payment")
        .first()
    )


def order_lines(order: Order) -> QuerySet[OrderLine]:
    return order.lines.select_related("plan__offer", "promo_code").order_by("position")
