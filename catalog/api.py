"""Catalog API (S1, X3): public read, no token needed."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from catalog.models import Offer
from catalog.queries import catalog_offers, monthly_minimum, prices_offered
from core.api import ErrorOut
from orgs.models import Currency

router = Router(tags=["catalog"])

# X1: catalog text is data per language; the API answers in the request's language.
IN_LANGUAGE = "In the request's language (Accept-Language, else the account's), else English."


class PriceOut(Schema):
    period_months: int
    currency: str
    amount: Decimal


class PlanOut(Schema):
    id: int
    slug: str
    name: str = Field(description=IN_LANGUAGE)
    description: str = Field(description=IN_LANGUAGE)
    storage_gb: int | None
    mailbox_count: int | None
    prices: list[PriceOut]


class OfferOut(Schema):
    id: int
    slug: str
    kind: str
    name: str = Field(description=IN_LANGUAGE)
    description: str = Field(description=IN_LANGUAGE)
    is_free: bool
    plans: list[PlanOut]


def _offer_out(offer: Offer, minimums: dict[str, Decimal]) -> OfferOut:
    plans = []
    for plan in offer.plans.all():
        prices = [
            p
            for currency, minimum in minimums.items()
            for p in prices_offered(
                [p for p in plan.prices.all() if p.currency == currency], minimum
            )
        ]
        plans.append(
            PlanOut(
                id=plan.pk,
                slug=plan.slug,
                name=plan.name,
                description=plan.description,
                storage_gb=plan.storage_gb,
                mailbox_count=plan.mailbox_count,
                prices=[
                    PriceOut(period_months=p.period_months, currency=p.currency, amount=p.amount)
                    for p in prices
                ],
            )
        )
    return OfferOut(
        id=offer.pk,
        slug=offer.slug,
        kind=offer.kind,
        name=offer.name,
        description=offer.description,
        is_free=offer.is_free,
        plans=plans,
    )


@router.get(
    "/catalog/offers",
    auth=None,
    response={200: list[OfferOut], 422: ErrorOut},
    summary="The catalog",
)
def offers_list(request: HttpRequest, currency: Currency | None = None) -> list[OfferOut]:
    """S1, P5: offers on sale with their plans and prices per billing period
    (in months) and currency; a monthly price below the minimum is not offered."""
    currencies = [currency.value] if currency else [c.value for c in Currency]
    minimums = {c: monthly_minimum(c) for c in currencies}
    return [_offer_out(o, minimums) for o in catalog_offers(currency.value if currency else None)]
