"""Products API (S5, X3): the same rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts.models import api_user
from core.api import ErrorOut
from core.idempotency import idempotent
from core.paging import CountedPage, PageParams, page_count
from orgs.access import membership_of
from orgs.models import Capability, Membership
from products.models import ProductInstance
from products.queries import product_for, products_visible_to
from products.services import CancelWhen, product_auto_renewal_set, product_cancel

router = Router(tags=["products"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ProductOut(Schema):
    id: int
    name: str
    offer_kind: str
    offer: str
    plan: str
    plan_id: int
    period_months: int
    term_start: date
    term_end: date
    auto_renewal: bool
    status: str
    cancel_at_term_end: bool
    domain: str = Field(
        description="The domain the product was ordered for (the registered domain name, "
        "the website's or the mailboxes' domain), as people read it (bücher.ch); empty when "
        "the offer asks for none."
    )
    domain_ascii: str = Field(
        description="The same domain in its ASCII form (xn--bcher-kva.ch), as DNS uses it."
    )


class ProductPage(CountedPage):
    items: list[ProductOut]


class AutoRenewalIn(Schema):
    enabled: bool


class CancelIn(Schema):
    when: Literal["term_end", "now"]


def _out(product: ProductInstance) -> ProductOut:
    return ProductOut(
        id=product.pk,
        name=product.display_name,
        offer_kind=product.plan.offer.kind,
        offer=product.plan.offer.name,
        plan=product.plan.name,
        plan_id=product.plan_id,
        period_months=product.period_months,
        term_start=product.term_start,
        term_end=product.term_end,
        auto_renewal=product.auto_renewal,
        status=product.status,
        cancel_at_term_end=product.cancel_at_term_end,
        domain=product.domain_display,
        domain_ascii=product.domain,
    )


def _manageable(
    request: HttpRequest, org_id: int, product_id: int
) -> tuple[Membership, ProductInstance]:
    """404 when the product is not visible to the user, 403 when they may not manage it."""
    membership = membership_of(api_user(request), org_id)
    product = product_for(membership, product_id)
    if not membership.can(Capability.MANAGE_PRODUCTS):
        raise PermissionDenied
    return membership, product


@router.get("/orgs/{org_id}/products", response={200: ProductPage, **ERRORS}, summary="Products")
def products_list(request: HttpRequest, org_id: int, page: Query[PageParams]) -> ProductPage:
    """S5: the organization's products the user may see (all for legal
    representatives and administrators, those granted for other users)."""
    membership = membership_of(api_user(request), org_id)
    products = products_visible_to(membership).select_related("plan__offer")
    items = products.order_by("status", "term_end", "pk")[page.offset : page.end]
    return ProductPage(**page_count(products), items=[_out(p) for p in items])


@router.get(
    "/orgs/{org_id}/products/{product_id}", response={200: ProductOut, **ERRORS}, summary="Product"
)
def products_detail(request: HttpRequest, org_id: int, product_id: int) -> ProductOut:
    membership = membership_of(api_user(request), org_id)
    return _out(product_for(membership, product_id))


@router.post(
    "/orgs/{org_id}/products/{product_id}/auto-renewal",
    response={200: ProductOut, **ERRORS},
    summary="Turn automatic renewal on or off",
)
@idempotent
def products_auto_renewal(
    request: HttpRequest, org_id: int, product_id: int, payload: AutoRenewalIn
) -> ProductOut:
    """P3: needs an ``Idempotency-Key`` header; legal representatives and administrators."""
    membership, product = _manageable(request, org_id, product_id)
    product = product_auto_renewal_set(product=product, enabled=payload.enabled, acting=membership)
    return _out(product)


@router.post(
    "/orgs/{org_id}/products/{product_id}/cancel",
    response={200: ProductOut, **ERRORS},
    summary="Cancel a product",
)
@idempotent
def products_cancel(
    request: HttpRequest, org_id: int, product_id: int, payload: CancelIn
) -> ProductOut:
    """S5: ``term_end`` keeps the product until its paid term ends; ``now`` stops
    it at once without refund. Needs an ``Idempotency-Key`` header."""
    membership, product = _manageable(request, org_id, product_id)
    product = product_cancel(product=product, when=CancelWhen(payload.when), acting=membership)
    return _out(product)
