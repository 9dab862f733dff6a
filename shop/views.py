"""The shop's pages (S1–S4): the catalog with *Add to cart*, the cart and its summary.

Every page is for members who manage products. The cart belongs to the user in
the current organization; each write posts to its own address and comes back to
the cart (a refused write renders the cart with the reason next to its field).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.models import PaymentMethod
from catalog.models import BillingPeriod
from catalog.queries import vat_for_organization
from core.errors import BusinessError
from ledger.services import prepaid_balance
from orgs.access import org_view
from orgs.models import Capability, Membership
from products.domains import domain_unicode
from products.requirements import offer_requirement
from shop.forms import (
    CheckoutForm,
    GrantForm,
    LineAddForm,
    LineUpdateForm,
    PaymentMethodForm,
    PromoCodeForm,
)
from shop.models import Cart, CartLine, Grant
from shop.pricing import Quote, QuotedLine, cart_lines_for_quote, cart_quote
from shop.promotions import grant_fits, grant_hints, grants_available
from shop.queries import periods_offered, shop_catalog
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

# --- The shop ------------------------------------------------------------------


@org_view(Capability.MANAGE_PRODUCTS)
def shop(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S1: the catalog in the organization's currency (O5), VAT as it applies, and
    *Add to cart* per plan with the periods offered (P5)."""
    organization = membership.organization
    errors: dict[int, dict[str, str]] = {}
    values: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        form = LineAddForm(request.POST)
        plan_key = _int(request.POST.get("plan"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                line = cart_line_add(
                    organization=organization,
                    user_id=membership.user_id,
                    plan_id=data["plan"],
                    period_months=data["period_months"],
                    quantity=data["quantity"] or 1,
                    requirement=data["domain"],
                    requirement_required=True,
                )
            except BusinessError as error:
                errors[plan_key] = {error.field or "plan": str(error.message)}
            else:
                messages.success(
                    request, _("%(product)s is in your cart.") % {"product": line.plan}
                )
                return redirect("shop:cart")
        else:
            errors[plan_key] = {
                name: str(field_errors[0]) for name, field_errors in form.errors.items()
            }
        values[plan_key] = {
            k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"
        }
    currency = organization.currency.value
    offers = shop_catalog(currency)
    shown: set[int] = set()
    for item in offers:
        item.requirement = offer_requirement(item.offer.kind)
        for on_sale in item.plans:
            on_sale.errors = errors.get(on_sale.plan.pk, {})
            on_sale.values = values.get(on_sale.plan.pk, {})
            shown.add(on_sale.plan.pk)
    return render(
        request,
        "shop/shop.html",
        {
            "currency": currency,
            "vat": vat_for_organization(organization=organization, on=timezone.localdate()),
            "offers": offers,
            "free_offers": [o.offer for o in offers if o.offer.is_free],
            # A refusal for a plan no longer listed (taken off sale meanwhile).
            "page_errors": [
                message
                for plan_id, fields in errors.items()
                if plan_id not in shown
                for message in fields.values()
            ],
        },
        status=400 if errors else 200,
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


# --- The cart ------------------------------------------------------------------


@dataclass
class CartRow:
    """One line of the cart as the page shows it."""

    quoted: QuotedLine
    periods: list[tuple[int, str]]
    grants: list[tuple[int, str]]
    hints: list[str]
    # What the offer asked for, as the reader types it (a domain name in Unicode).
    requirement_label: str = ""
    requirement_value: str = ""

    @property
    def line(self) -> CartLine:
        return self.quoted.line


def _grant_label(grant: Grant) -> str:
    terms = ngettext("%(count)s term", "%(count)s terms", grant.terms) % {"count": grant.terms}
    if grant.is_free:
        return _("Free grant, %(terms)s") % {"terms": terms}
    return _("Granted discount of %(percent)s %%, %(terms)s") % {
        "percent": f"{grant.discount_percent.normalize():f}",
        "terms": terms,
    }


def _periods_of(plans_prices: dict[int, list[int]], plan_id: int) -> list[tuple[int, str]]:
    return [(m, str(BillingPeriod(m).label)) for m in plans_prices.get(plan_id, [])]


def _cart_context(
    request: HttpRequest,
    membership: Membership,
    *,
    errors: dict[str, str] | None = None,
    line_errors: dict[int, str] | None = None,
    promo_value: str = "",
    checkout_form: CheckoutForm | None = None,
) -> dict[str, Any]:
    organization = membership.organization
    currency = organization.currency.value
    cart = cart_get(organization=organization, user_id=membership.user_id)
    lines = cart_lines_for_quote(cart) if cart is not None else []
    quote: Quote = cart_quote(organization=organization, lines=lines)
    rows: list[CartRow] = []
    if lines:
        offered = periods_offered(currency, {line.plan_id for line in lines})
        available = list(grants_available(organization))
        taken = {line.grant_id: line.pk for line in lines if line.grant_id}
        hints: dict[int, list[str]] = {}
        for hint in grant_hints(user_id=membership.user_id, organization=organization, lines=lines):
            hints.setdefault(hint.line_id, []).append(hint.message)
        for quoted in quote.lines:
            line = quoted.line
            grants = [
                (g.pk, _grant_label(g))
                for g in available
                if grant_fits(g, plan_id=line.plan_id, period_months=line.period_months)
                and taken.get(g.pk, line.pk) == line.pk
            ]
            requirement = offer_requirement(line.plan.offer.kind)
            rows.append(
                CartRow(
                    quoted=quoted,
                    periods=_periods_of(offered, line.plan_id),
                    grants=grants,
                    hints=hints.get(line.pk, []),
                    requirement_label=str(requirement.label) if requirement else "",
                    requirement_value=domain_unicode(line.requirement) if line.requirement else "",
                )
            )
    balance = prepaid_balance(organization=organization, currency=currency)
    method = cart.payment_method if cart is not None else ""
    return {
        "cart": cart,
        "rows": rows,
        "quote": quote,
        "currency": currency,
        "balance": balance,
        "method": method,
        "methods": PaymentMethod.choices,
        "errors": errors or {},
        "line_errors": line_errors or {},
        "promo_value": promo_value,
        # The summary names each discount next to the product it applies to (S2, S3).
        "applied": [row for row in rows if row.quoted.discount],
        # X5: a new key with each page; a refused checkout keeps the one it was sent with.
        "checkout_form": checkout_form or CheckoutForm(currency=currency),
    }


def cart_page(
    request: HttpRequest, membership: Membership, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    """The cart page, with the reasons of a refused change or checkout if any."""
    return render(
        request, "shop/cart.html", _cart_context(request, membership, **kwargs), status=status
    )


@org_view(Capability.MANAGE_PRODUCTS)
def cart(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S2, S3: the lines, the payment method, promo codes, grants and the summary."""
    return cart_page(request, membership)


def _line(membership: Membership, line_id: int) -> CartLine:
    try:
        return cart_line_get(
            organization=membership.organization, user_id=membership.user_id, line_id=line_id
        )
    except BusinessError:
        raise Http404 from None


def _cart_or_none(membership: Membership) -> Cart | None:
    return cart_get(organization=membership.organization, user_id=membership.user_id)


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def line_update(request: HttpRequest, membership: Membership, line_id: int) -> HttpResponse:
    """Change a line's billing period or quantity."""
    line = _line(membership, line_id)
    form = LineUpdateForm(request.POST)
    if not form.is_valid():
        return cart_page(
            request, membership, status=400, line_errors={line.pk: _("Check the line.")}
        )
    data = form.cleaned_data
    try:
        cart_line_update(
            line=line,
            period_months=data["period_months"] or None,
            quantity=data["quantity"] or None,
        )
    except BusinessError as error:
        return cart_page(request, membership, status=400, line_errors={line.pk: str(error.message)})
    return redirect("shop:cart")


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def line_remove(request: HttpRequest, membership: Membership, line_id: int) -> HttpResponse:
    line = _line(membership, line_id)
    product = str(line.plan)
    cart_line_remove(line=line)
    messages.success(request, _("%(product)s was removed from your cart.") % {"product": product})
    return redirect("shop:cart")


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def payment_method(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S2: first the payment method."""
    cart = _cart_or_none(membership)
    if cart is None:
        return redirect("shop:cart")
    form = PaymentMethodForm(request.POST)
    try:
        cart_payment_method_set(
            cart=cart, method=form.cleaned_data["method"] if form.is_valid() else ""
        )
    except BusinessError as error:
        return cart_page(request, membership, status=400, errors={"method": str(error.message)})
    return redirect("shop:cart")


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def promo_apply(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S2: one code per *Apply*, to the matching line; refusals are rate-limited per user."""
    cart = _cart_or_none(membership)
    if cart is None:
        return redirect("shop:cart")
    form = PromoCodeForm(request.POST)
    typed = str(request.POST.get("code", ""))[:100]
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return cart_page(
            request, membership, status=400, errors={"code": str(first)}, promo_value=typed
        )
    method = request.POST.get("method")
    if method in PaymentMethod.values and method != cart.payment_method:
        cart_payment_method_set(cart=cart, method=method)
    try:
        line = cart_promo_apply_limited(cart=cart, raw_code=form.cleaned_data["code"])
    except BusinessError as error:
        return cart_page(
            request,
            membership,
            status=429 if error.code == "rate_limited" else 400,
            errors={"code": str(error.message)},
            promo_value=typed,
        )
    assert line.promo_code is not None
    messages.success(
        request,
        _("Promo code %(code)s applied to %(product)s.")
        % {"code": line.promo_code.code.upper(), "product": line.plan},
    )
    return redirect("shop:cart")


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def promo_remove(request: HttpRequest, membership: Membership, line_id: int) -> HttpResponse:
    line = _line(membership, line_id)
    cart_promo_remove(line=line)
    return redirect("shop:cart")


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def grant_set(request: HttpRequest, membership: Membership, line_id: int) -> HttpResponse:
    """S3: the dropdown next to a line activates one of the organization's grants."""
    line = _line(membership, line_id)
    form = GrantForm(request.POST)
    chosen = form.cleaned_data["grant"] if form.is_valid() else "x"
    try:
        if chosen:
            cart_grant_activate(line=line, grant_id=chosen)
        else:
            cart_grant_remove(line=line)
    except BusinessError as error:
        return cart_page(request, membership, status=400, line_errors={line.pk: str(error.message)})
    return redirect("shop:cart")
