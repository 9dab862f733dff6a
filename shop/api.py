"""Shop API (S1–S3, X3): the cart, its promo codes and free grants, the orders.

The same services and the same rules as the shop's pages, with the same
translated messages. The cart is the token owner's own cart in the organization
of the path; it needs the right to manage products (legal representatives and
administrators): outsiders get 404, other users 403. Checking out runs a flow
across several domains: its endpoint lives in api/flows.py, on this router.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accounts.models import api_user
from core.api import ErrorOut
from core.errors import BusinessError
from core.paging import CountedPage, PageParams, page_count
from orgs.access import membership_of
from orgs.models import Capability, Membership
from shop.models import Cart, CartLine, Grant, Order, OrderLine
from shop.pricing import Quote, QuotedLine, cart_lines_for_quote, cart_quote
from shop.promotions import grant_fits, grant_hints, grants_available
from shop.services import (
    cart_get,
    cart_grant_activate,
    cart_grant_remove,
    cart_line_add,
    cart_line_get,
    cart_line_remove,
    cart_line_update,
    cart_payment_method_set,
    cart_promo_apply_limited,
    cart_promo_remove,
)

router = Router(tags=["shop"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

_AMOUNT = 'A decimal amount in the cart\'s currency, as text (e.g. "12.50").'


# --- Schemas -------------------------------------------------------------------------


class GrantOut(Schema):
    id: int
    plan_id: int
    plan: str = Field(description="The plan's name with its offer's.")
    offer_kind: str
    period_months: int | None = Field(description="The billing period it is for; null: any.")
    discount_percent: str = Field(description="100 is free.")
    terms: int = Field(description="How many billing terms it lasts.")
    valid_until: date | None = Field(description="To be used by this day; null: no limit.")


class GrantPage(CountedPage):
    items: list[GrantOut]


class CartLineOut(Schema):
    id: int
    plan_id: int
    plan: str = Field(description="The plan's name with its offer's.")
    offer_kind: str
    offer_is_free: bool
    period_months: int
    quantity: int
    requirement: str = Field(
        description="What the offer asks for (a domain name, in ASCII: IDN as punycode), or empty."
    )
    promo_code: str | None = Field(description="The promo code applied to this line, if any.")
    grant_id: int | None = Field(description="The free grant used on this line, if any.")
    unit_price: str = Field(description=_AMOUNT)
    subtotal: str = Field(description="Unit price × quantity, before the discount.")
    discount: str
    discount_reason: str
    discount_terms: int = Field(
        description="How many billing terms the discount lasts, this one included (0: none)."
    )
    vat_rate: str = Field(description="In percent.")
    net: str
    vat: str
    total: str
    problem: str = Field(description="Why the line cannot be ordered as it is; empty when it can.")
    promo_problem: str = Field(
        description="Why its promo code or free grant no longer applies; empty when it does."
    )
    grant_hint: str = Field(
        description="Why a free grant the user may expect does not apply here, and what to "
        "do; empty when there is nothing to say."
    )
    grants_available: list[int] = Field(
        description="The ids of this organization's free grants that can be used on this "
        "line (a line carries one promo code or one grant)."
    )


class CartOut(Schema):
    currency: str
    payment_method: str = Field(
        description="prepaid, card, bank_transfer or paypal; empty until chosen."
    )
    lines: list[CartLineOut]
    subtotal: str = Field(description=_AMOUNT)
    discount_total: str
    net_total: str
    vat_total: str
    total: str
    vat_rate: str = Field(description="The VAT rate that applies to this organization, in %.")
    vat_mention: str = Field(description="The mention its invoice will carry, if any.")
    problems: list[str] = Field(description="Everything that stops the checkout, line by line.")
    can_check_out: bool
    needs_payment: bool = Field(description="False when the total is zero (free offers, grants).")


class LineIn(Schema):
    plan_id: int
    period_months: int = Field(description="1, 3, 6, 12, 24 or 36, as the plan is sold.")
    quantity: int = 1
    requirement: str = Field(
        "",
        max_length=253,
        description="What the offer asks for, required for those that ask: the domain name "
        "to register, the website's domain, the mailboxes' domain (IDN allowed); empty "
        "for the others. Checked now and again at checkout.",
    )


class LineUpdateIn(Schema):
    """Only the fields given change."""

    period_months: int | None = None
    quantity: int | None = None


class PaymentMethodIn(Schema):
    method: str = Field(
        max_length=20, description="prepaid, card, bank_transfer or paypal (S2: chosen first)."
    )


class PromoCodeIn(Schema):
    code: str = Field(max_length=200, description="In any case. Rate-limited per user.")


class GrantIn(Schema):
    grant_id: int


# --- Helpers ---------------------------------------------------------------------------


def _shopper(request: HttpRequest, org_id: int) -> Membership:
    """The token owner in the organization of the path, allowed to order (S1)."""
    return membership_of(api_user(request), org_id, Capability.MANAGE_PRODUCTS)


def cart_required(membership: Membership) -> Cart:
    """The user's cart; a write that needs one before the first line is refused."""
    cart = cart_get(organization=membership.organization, user_id=membership.user_id)
    if cart is None:
        raise BusinessError(
            _("Your cart is empty: add a product first."), code="cart_empty", field="cart"
        )
    cart.organization = membership.organization  # the one read already
    return cart


def _line(membership: Membership, line_id: int) -> CartLine:
    line = cart_line_get(
        organization=membership.organization, user_id=membership.user_id, line_id=line_id
    )
    line.cart.organization = membership.organization
    return line


def _money(value: object) -> str:
    amount = getattr(value, "amount", value)
    return f"{amount:f}"


def _grant_out(grant: Grant) -> GrantOut:
    return GrantOut(
        id=grant.pk,
        plan_id=grant.plan_id,
        plan=str(grant.plan),
        offer_kind=grant.plan.offer.kind,
        period_months=grant.period_months,
        discount_percent=f"{grant.discount_percent:f}",
        terms=grant.terms,
        valid_until=grant.valid_until,
    )


def _line_out(
    quoted: QuotedLine, hints: dict[int, str], grants: list[Grant], taken: set[int]
) -> CartLineOut:
    line = quoted.line
    choices = [
        g.pk
        for g in grants
        if grant_fits(g, plan_id=line.plan_id, period_months=line.period_months)
        and (g.pk not in taken or g.pk == line.grant_id)
    ]
    return CartLineOut(
        id=line.pk,
        plan_id=line.plan_id,
        plan=str(line.plan),
        offer_kind=line.plan.offer.kind,
        offer_is_free=line.plan.offer.is_free,
        period_months=line.period_months,
        quantity=line.quantity,
        requirement=line.requirement,
        promo_code=line.promo_code.code if line.promo_code is not None else None,
        grant_id=line.grant_id,
        unit_price=_money(quoted.unit_price),
        subtotal=_money(quoted.gross),
        discount=_money(quoted.discount),
        discount_reason=quoted.discount_reason,
        discount_terms=quoted.discount_terms,
        vat_rate=f"{quoted.vat_rate:f}",
        net=_money(quoted.net),
        vat=_money(quoted.vat),
        total=_money(quoted.total),
        problem=quoted.problem,
        promo_problem=quoted.promo_problem,
        grant_hint=hints.get(line.pk, ""),
        grants_available=choices,
    )


def cart_out(membership: Membership) -> CartOut:
    """The cart as the summary shows it, priced now (S2); reading never writes."""
    organization = membership.organization
    cart = cart_get(organization=organization, user_id=membership.user_id)
    lines = cart_lines_for_quote(cart) if cart is not None else []
    quote: Quote = cart_quote(organization=organization, lines=lines)
    hints: dict[int, str] = {}
    grants: list[Grant] = []
    if lines:
        for hint in grant_hints(user_id=membership.user_id, organization=organization, lines=lines):
            hints.setdefault(hint.line_id, hint.message)
        grants = list(grants_available(organization))
    taken = {line.grant_id for line in lines if line.grant_id is not None}
    return CartOut(
        currency=quote.currency,
        payment_method=cart.payment_method if cart is not None else "",
        lines=[_line_out(q, hints, grants, taken) for q in quote.lines],
        subtotal=_money(quote.subtotal),
        discount_total=_money(quote.discount_total),
        net_total=_money(quote.net_total),
        vat_total=_money(quote.vat_total),
        total=_money(quote.total),
        vat_rate=f"{quote.vat.rate:f}",
        vat_mention=quote.vat.mention,
        problems=quote.problems,
        can_check_out=quote.can_check_out,
        needs_payment=quote.needs_payment,
    )


# --- Cart ------------------------------------------------------------------------------


@router.get("/orgs/{org_id}/cart", response={200: CartOut, **ERRORS}, summary="Cart")
def cart_detail(request: HttpRequest, org_id: int) -> CartOut:
    """S2: the user's cart in this organization, priced now in its currency with
    the VAT it pays: each line with its discount (promo code or free grant), what
    stops it from being ordered, and the free grants it can use; then subtotal,
    discounts, VAT and total. An empty cart when nothing was ever added."""
    return cart_out(_shopper(request, org_id))


@router.post(
    "/orgs/{org_id}/cart/lines", response={201: CartOut, **ERRORS}, summary="Add to the cart"
)
def cart_lines_add(request: HttpRequest, org_id: int, payload: LineIn) -> Status[CartOut]:
    """S1, S2: add a plan for a billing period it is sold with (free offers too),
    with what its offer asks for (a malformed or already held domain name is
    refused with its reason). Returns the whole cart, priced again."""
    membership = _shopper(request, org_id)
    cart_line_add(
        organization=membership.organization,
        user_id=membership.user_id,
        plan_id=payload.plan_id,
        period_months=payload.period_months,
        quantity=payload.quantity,
        requirement=payload.requirement,
        requirement_required=True,  # as the shop page asks for it with the plan
    )
    return Status(201, cart_out(membership))


@router.patch(
    "/orgs/{org_id}/cart/lines/{line_id}",
    response={200: CartOut, **ERRORS},
    summary="Change a cart line",
)
def cart_lines_update(
    request: HttpRequest, org_id: int, line_id: int, payload: LineUpdateIn
) -> CartOut:
    """S2: change the billing period or the quantity (1 to 100). A free grant that
    does not fit the new period is dropped; a promo code stays, with its problem
    shown, until it is removed."""
    membership = _shopper(request, org_id)
    cart_line_update(
        line=_line(membership, line_id),
        period_months=payload.period_months,
        quantity=payload.quantity,
    )
    return cart_out(membership)


@router.delete(
    "/orgs/{org_id}/cart/lines/{line_id}",
    response={200: CartOut, **ERRORS},
    summary="Remove a cart line",
)
def cart_lines_remove(request: HttpRequest, org_id: int, line_id: int) -> CartOut:
    """S2: the line goes, with its promo code or grant (nothing was reserved)."""
    membership = _shopper(request, org_id)
    cart_line_remove(line=_line(membership, line_id))
    return cart_out(membership)


@router.put(
    "/orgs/{org_id}/cart/payment-method",
    response={200: CartOut, **ERRORS},
    summary="Choose the payment method",
)
def cart_payment_method(request: HttpRequest, org_id: int, payload: PaymentMethodIn) -> CartOut:
    """S2: the payment method is chosen first, then promo codes are entered. The
    cart must hold a line."""
    membership = _shopper(request, org_id)
    cart_payment_method_set(cart=cart_required(membership), method=payload.method)
    return cart_out(membership)


# --- Promo codes (S2) -------------------------------------------------------------------


@router.post(
    "/orgs/{org_id}/cart/promo-codes",
    response={200: CartOut, **ERRORS},
    summary="Apply a promo code",
)
def cart_promo_codes_apply(request: HttpRequest, org_id: int, payload: PromoCodeIn) -> CartOut:
    """S2: once per code; the code goes on the first line it applies to that has
    no discount yet, or is refused with its reason (unknown, expired, not yet
    valid, used up, already used by this organization, not valid for these
    products or this period). Nothing is counted until the order is paid.
    Refused codes are rate-limited per user, as on the page: after 10 in 10
    minutes, every code is refused (``rate_limited``) until the time is up."""
    membership = _shopper(request, org_id)
    cart_promo_apply_limited(cart=cart_required(membership), raw_code=payload.code)
    return cart_out(membership)


@router.delete(
    "/orgs/{org_id}/cart/lines/{line_id}/promo-code",
    response={200: CartOut, **ERRORS},
    summary="Remove a line's promo code",
)
def cart_promo_codes_remove(request: HttpRequest, org_id: int, line_id: int) -> CartOut:
    membership = _shopper(request, org_id)
    cart_promo_remove(line=_line(membership, line_id))
    return cart_out(membership)


# --- Free grants (S3) --------------------------------------------------------------------


@router.get(
    "/orgs/{org_id}/grants", response={200: GrantPage, **ERRORS}, summary="Available free grants"
)
def grants_list(request: HttpRequest, org_id: int, page: Query[PageParams]) -> GrantPage:
    """S3: the free grants this organization can still use, with their plan; newest
    first. A grant for another organization never shows here."""
    membership = _shopper(request, org_id)
    grants = grants_available(membership.organization)
    items = grants.order_by("-created_at", "-id")[page.offset : page.end]
    return GrantPage(**page_count(grants), items=[_grant_out(g) for g in items])


@router.post(
    "/orgs/{org_id}/cart/lines/{line_id}/grant",
    response={200: CartOut, **ERRORS},
    summary="Use a free grant on a line",
)
def cart_grant_use(request: HttpRequest, org_id: int, line_id: int, payload: GrantIn) -> CartOut:
    """S3: the grant must be this organization's, for the line's plan (and period,
    when it names one), unused on the other lines; a line with a promo code must
    drop it first. The grant is taken only when the order is paid."""
    membership = _shopper(request, org_id)
    cart_grant_activate(line=_line(membership, line_id), grant_id=payload.grant_id)
    return cart_out(membership)


@router.delete(
    "/orgs/{org_id}/cart/lines/{line_id}/grant",
    response={200: CartOut, **ERRORS},
    summary="Stop using a free grant on a line",
)
def cart_grant_drop(request: HttpRequest, org_id: int, line_id: int) -> CartOut:
    membership = _shopper(request, org_id)
    cart_grant_remove(line=_line(membership, line_id))
    return cart_out(membership)


# --- Orders (S4) ---------------------------------------------------------------------------


class OrderOut(Schema):
    reference: str
    status: str = Field(description="awaiting_payment, paid or cancelled.")
    currency: str
    payment_method: str = Field(description="prepaid, card, bank_transfer, paypal; empty: free.")
    prepaid_amount: str = Field(description="The part the prepaid account pays.")
    subtotal: str
    discount_total: str
    net_total: str
    vat_total: str
    total: str
    created_at: datetime
    paid_at: datetime | None
    invoice_id: int | None = Field(description="See /orgs/{org_id}/invoices/{invoice_id}.")
    invoice_number: str | None = Field(
        description="The invoice's number once final, else its payment reference."
    )


class OrderLineOut(Schema):
    position: int
    plan_id: int
    description: str = Field(
        description="As worded when ordered, in the request's language (else English)."
    )
    period_months: int
    quantity: int
    requirement: str
    unit_price: str
    discount: str
    discount_reason: str
    promo_code: str | None
    grant_id: int | None
    discount_terms: int = Field(
        description="How many billing terms the discount lasts, the first one included."
    )
    vat_rate: str
    net_amount: str
    vat_amount: str
    total_amount: str
    products: list[int] = Field(
        description="The products created when the order was paid (see /orgs/{org_id}/products)."
    )


class OrderDetailOut(OrderOut):
    cancel_reason: str
    lines: list[OrderLineOut]


class OrderPage(CountedPage):
    items: list[OrderOut]


def _order_fields(order: Order) -> dict[str, Any]:
    invoice = order.invoice
    return {
        "reference": order.reference,
        "status": order.status,
        "currency": order.currency,
        "payment_method": order.payment_method,
        "prepaid_amount": f"{order.prepaid_amount:f}",
        "subtotal": f"{order.subtotal:f}",
        "discount_total": f"{order.discount_total:f}",
        "net_total": f"{order.net_total:f}",
        "vat_total": f"{order.vat_total:f}",
        "total": f"{order.total:f}",
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "invoice_id": invoice.pk if invoice is not None else None,
        "invoice_number": (invoice.legal_number or invoice.payment_reference) if invoice else None,
    }


@router.get("/orgs/{org_id}/orders", response={200: OrderPage, **ERRORS}, summary="Orders")
def orders_list(request: HttpRequest, org_id: int, page: Query[PageParams]) -> OrderPage:
    """S4: the organization's orders, newest first, with their amounts, status and
    invoice."""
    membership = _shopper(request, org_id)
    orders = Order.objects.filter(organization=membership.organization)
    items = orders.select_related("invoice").order_by("-created_at", "-id")[page.offset : page.end]
    return OrderPage(**page_count(orders), items=[OrderOut(**_order_fields(o)) for o in items])


@router.get(
    "/orgs/{org_id}/orders/{reference}", response={200: OrderDetailOut, **ERRORS}, summary="Order"
)
def orders_detail(request: HttpRequest, org_id: int, reference: str) -> OrderDetailOut:
    """S4: an order with its lines as they were priced, each discount with its
    reason (promo code or free grant), and the products its payment created."""
    membership = _shopper(request, org_id)
    order = order_with_lines(
        Order.objects.filter(organization=membership.organization, reference=reference)
    )
    if order is None:
        raise Http404
    return order_detail_out(order)


def order_with_lines(orders: QuerySet[Order]) -> Order | None:
    """The first of ``orders`` with its invoice, lines, codes and products (4 queries)."""
    return (
        orders.select_related("invoice")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("promo_code")
                .prefetch_related("products")
                .order_by("position"),
            )
        )
        .first()
    )


def order_detail_out(order: Order) -> OrderDetailOut:
    """``order`` as read by ``order_with_lines`` (its lines and what they show)."""
    return OrderDetailOut(
        **_order_fields(order),
        cancel_reason=order.cancel_reason,
        lines=[
            OrderLineOut(
                position=line.position,
                plan_id=line.plan_id,
                description=line.description_for_reader,
                period_months=line.period_months,
                quantity=line.quantity,
                requirement=line.requirement,
                unit_price=f"{line.unit_price:f}",
                discount=f"{line.discount:f}",
                discount_reason=line.discount_reason,
                promo_code=line.promo_code.code if line.promo_code is not None else None,
                grant_id=line.grant_id,
                discount_terms=line.discount_terms,
                vat_rate=f"{line.vat_rate:f}",
                net_amount=f"{line.net_amount:f}",
                vat_amount=f"{line.vat_amount:f}",
                total_amount=f"{line.total_amount:f}",
                products=sorted(p.pk for p in line.products.all()),
            )
            for line in order.lines.all()
        ],
    )
