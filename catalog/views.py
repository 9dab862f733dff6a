"""The shop's catalog, read-only until the shop issue brings the cart (S1, P5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from catalog.models import BillingPeriod, Offer, Plan, Price
from catalog.queries import catalog_offers, monthly_minimum, prices_offered, vat_for_organization
from orgs.access import org_view
from orgs.models import Capability, Membership


@dataclass
class OfferTable:
    offer: Offer
    periods: list[str]
    rows: list[tuple[Plan, list[Price | None]]]


def _table(offer: Offer, minimum: Decimal) -> OfferTable:
    offered = {
        plan: {p.period_months: p for p in prices_offered(list(plan.prices.all()), minimum)}
        for plan in offer.plans.all()
    }
    months = sorted({m for prices in offered.values() for m in prices})
    return OfferTable(
        offer=offer,
        periods=[str(BillingPeriod(m).label) for m in months],
        rows=[(plan, [prices.get(m) for m in months]) for plan, prices in offered.items()],
    )


@org_view(Capability.MANAGE_PRODUCTS)
def shop(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S1: offers and prices in the organization's currency (O5), VAT as it applies."""
    organization = membership.organization
    currency = organization.currency.value
    minimum = monthly_minimum(currency)
    return render(
        request,
        "catalog/shop.html",
        {
            "currency": currency,
            "vat": vat_for_organization(organization=organization, on=timezone.localdate()),
            "tables": [_table(offer, minimum) for offer in catalog_offers(currency)],
        },
    )
