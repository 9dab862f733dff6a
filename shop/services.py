"""Cart writes (S1–S3): lines, payment method, promo codes and grants.

A cart is created by its first line (a GET never writes). Lines are looked up
through the cart of the organization and the user, so nobody reaches someone
else's cart. Nothing here reserves a code or a grant: that happens when the
order is placed (flows/checkout.py).
"""

from __future__ import annotations

import math
import time
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.models import User
from billing.models import PaymentMethod
from catalog.models import BillingPeriod, Plan
from catalog.queries import price_for
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.languages import texts_per_language
from core.outbox import email_enqueue
from orgs.models import Membership, Organization, Role
from products.requirements import requirement_clean
from shop.models import MAX_QUANTITY, Cart, CartLine, Grant, GrantStatus
from shop.promotions import (
    grant_fits,
    grants_available,
    promo_code_find,
    promo_code_line_choose,
    promo_code_state_refusal,
)

# A cart holds at most this many lines (a cart is not a bulk-ordering tool).
MAX_LINES = 50

# S2: refused promo codes a user may type in a window before applying waits
# (guessing codes is not free). Counted per user, over all their organizations.
PROMO_ATTEMPTS = 10
PROMO_WINDOW_SECONDS = 600


def cart_get(*, organization: Organization, user_id: int) -> Cart | None:
    """The user's cart in ``organization``, if they ever added something (read-only)."""
    return Cart.objects.filter(organization=organization, user_id=user_id).first()


def _cart_obtain(*, organization: Organization, user_id: int) -> Cart:
    cart = cart_get(organization=organization, user_id=user_id)
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(organization=organization, user_id=user_id)
    except IntegrityError:  # the same user's other tab, a moment earlier
        return Cart.objects.get(organization=organization, user_id=user_id)


def cart_line_get(*, organization: Organization, user_id: int, line_id: object) -> CartLine:
    """A line of the user's own cart, or a 404-like error for anything else."""
    try:
        pk = int(str(line_id))
    except ValueError:
        pk = 0
    line = (
        CartLine.objects.filter(pk=pk, cart__organization=organization, cart__user_id=user_id)
        .select_related("cart", "plan__offer")
        .first()
    )
    if line is None:
        raise BusinessError(_("This line is not in your cart."), code="not_found", field="line")
    return line


def _quantity_clean(value: object) -> int:
    try:
        quantity = int(str(value).strip())
    except ValueError:
        quantity = 0
    if not 1 <= quantity <= MAX_QUANTITY:
        raise BusinessError(
            _("Choose a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY},
            code="quantity",
            field="quantity",
        )
    return quantity


def _period_clean(plan: Plan, value: object, currency: str) -> int:
    try:
        months = int(str(value).strip())
    except ValueError:
        months = 0
    if months not in BillingPeriod.values or price_for(plan, months, currency) is None:
        raise BusinessError(
            _("%(product)s is not sold with this billing period.") % {"product": plan},
            code="period",
            field="period_months",
        )
    return months


def _plan_on_sale(plan_id: object) -> Plan:
    try:
        pk = int(str(plan_id))
    except ValueError:
        pk = 0
    plan = (
        Plan.objects.filter(pk=pk, is_active=True, offer__is_active=True)
        .select_related("offer")
        .first()
    )
    if plan is None:
        raise BusinessError(_("This plan is not on sale."), code="plan_not_on_sale", field="plan")
    return plan


@transaction.atomic
def cart_line_add(
    *,
    organization: Organization,
    user_id: int,
    plan_id: object,
    period_months: object,
    quantity: object = 1,
    requirement: str = "",
    requirement_required: bool = False,
) -> CartLine:
    """S1, S2: add a plan for a billing period to the cart, with what its offer
    asks for (a domain name) checked and kept in its stored form.

    A value typed is always checked. ``requirement_required`` also refuses an
    empty one (the shop page asks for it with the plan); otherwise an empty value
    is refused by the checkout, which checks every line again.
    """
    plan = _plan_on_sale(plan_id)
    currency = organization.currency.value
    months = _period_clean(plan, period_months, currency)
    count = _quantity_clean(quantity)
    if requirement or requirement_required:
        requirement = requirement_clean(plan.offer.kind, requirement or "", plan=plan)
    cart = _cart_obtain(organization=organization, user_id=user_id)
    if cart.lines.count() >= MAX_LINES:
        raise BusinessError(
            _("A cart holds at most %(max)s lines: check out first.") % {"max": MAX_LINES},
            code="cart_full",
        )
    line = CartLine.objects.create(
        cart=cart, plan=plan, period_months=months, quantity=count, requirement=requirement
    )
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_line_update(
    *, line: CartLine, period_months: object = None, quantity: object = None
) -> CartLine:
    """Change a line's period or quantity; a discount that stops fitting is dropped."""
    organization = line.cart.organization
    fields: list[str] = []
    if period_months is not None:
        line.period_months = _period_clean(line.plan, period_months, organization.currency.value)
        fields.append("period_months")
        if line.grant is not None and not grant_fits(
            line.grant, plan_id=line.plan_id, period_months=line.period_months
        ):
            line.grant = None
            fields.append("grant")
    if quantity is not None:
        line.quantity = _quantity_clean(quantity)
        fields.append("quantity")
    if fields:
        line.save(update_fields=fields)
        line.cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_line_remove(*, line: CartLine) -> None:
    cart = line.cart
    line.delete()
    cart.save(update_fields=["updated_at"])


def cart_payment_method_set(*, cart: Cart, method: object) -> Cart:
    """S2: the payment method is chosen first."""
    if method not in PaymentMethod.values:
        raise BusinessError(_("Choose a payment method."), code="method", field="method")
    cart.payment_method = str(method)
    cart.save(update_fields=["payment_method", "updated_at"])
    return cart


@transaction.atomic
def cart_promo_apply(*, cart: Cart, raw_code: str) -> CartLine:
    """S2: apply a code to the first matching line, or say why it cannot apply.

    The caller rate-limits attempts per user (guessing codes is not free).
    """
    code = promo_code_find(raw_code)
    if code is None:
        raise BusinessError(
            _("This promo code does not exist. Check how it is written."),
            code="promo_unknown",
            field="code",
        )
    organization = cart.organization
    refusal = promo_code_state_refusal(code, organization=organization)
    if refusal is not None:
        raise refusal
    lines = list(CartLine.objects.filter(cart=cart).select_related("plan__offer").order_by("id"))
    line = promo_code_line_choose(code, lines=lines, currency=organization.currency.value)
    line.promo_code = code
    line.save(update_fields=["promo_code"])
    cart.save(update_fields=["updated_at"])
    return line


def _promo_attempts_key(user_id: int, now: float) -> str:
    return f"shop:promo-attempts:{user_id}:{int(now // PROMO_WINDOW_SECONDS)}"


def cart_promo_apply_limited(*, cart: Cart, raw_code: str, now: float | None = None) -> CartLine:
    """S2: ``cart_promo_apply`` for the pages and the API, rate-limited per user.

    Each refused code counts one attempt of the cart's user; after
    ``PROMO_ATTEMPTS`` refusals in a window of ``PROMO_WINDOW_SECONDS``, every
    code is refused until the window ends, without being looked up (so a right
    guess cannot be told from a wrong one meanwhile). A code that applies
    counts nothing. The counter lives in the cache: one atomic increment.
    """
    now = time.time() if now is None else now
    key = _promo_attempts_key(cart.user_id, now)
    if (cache.get(key) or 0) >= PROMO_ATTEMPTS:
        wait = PROMO_WINDOW_SECONDS - int(now % PROMO_WINDOW_SECONDS)
        minutes = max(1, math.ceil(wait / 60))
        raise BusinessError(
            ngettext(
                "Too many promo codes were refused. Try again in %(minutes)d minute.",
                "Too many promo codes were refused. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="rate_limited",
            field="code",
        )
    try:
        return cart_promo_apply(cart=cart, raw_code=raw_code)
    except BusinessError:
        cache.add(key, 0, timeout=PROMO_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, timeout=PROMO_WINDOW_SECONDS)
        raise


def cart_promo_remove(*, line: CartLine) -> CartLine:
    line.promo_code = None
    line.save(update_fields=["promo_code"])
    return line


@transaction.atomic
def cart_grant_activate(*, line: CartLine, grant_id: object) -> CartLine:
    """S3: use one of the organization's grants on a matching line."""
    try:
        pk = int(str(grant_id))
    except ValueError:
        pk = 0
    grant: Grant | None = grants_available(line.cart.organization).filter(pk=pk).first()
    if grant is None or not grant_fits(
        grant, plan_id=line.plan_id, period_months=line.period_months
    ):
        raise BusinessError(
            _("This free grant does not apply to this product."), code="grant", field="grant"
        )
    if line.promo_code_id is not None:
        raise BusinessError(
            _("Remove the promo code of this line before using a free grant."),
            code="grant_with_code",
            field="grant",
        )
    if CartLine.objects.filter(cart=line.cart, grant=grant).exclude(pk=line.pk).exists():
        raise BusinessError(
            _("This free grant is already used on another line."), code="grant_taken", field="grant"
        )
    line.grant = grant
    line.save(update_fields=["grant"])
    return line


def cart_grant_remove(*, line: CartLine) -> CartLine:
    line.grant = None
    line.save(update_fields=["grant"])
    return line


def _grant_notify(grant: Grant) -> None:
    """S3: the organization's legal representatives learn of the grant, each in their language."""
    for rep in Membership.objects.filter(
        organization=grant.organization, role=Role.LEGAL_REPRESENTATIVE, user__is_active=True
    ).select_related("user"):
        with override(rep.user.language):
            plan_name = str(grant.plan)
            period = (
                str(BillingPeriod(grant.period_months).label).lower() if grant.period_months else ""
            )
        email_enqueue(
            to=rep.user.email,
            template="shop/email/grant_given",
            language=rep.user.language,
            context={
                "user_name": rep.user.display_name,
                "organization_name": grant.organization.name,
                "plan_name": plan_name,
                "period": period,
                "terms": grant.terms,
                "is_free": grant.is_free,
                "discount_percent": grant.discount_percent.normalize(),
                "valid_until": grant.valid_until,
                "cart_url": reverse("shop"),
            },
        )


@transaction.atomic
def grant_give(
    *,
    organization: Organization,
    plan: Plan,
    acting: User | None,
    discount_percent: Decimal = Decimal(100),
    terms: int = 1,
    period_months: int | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> Grant:
    """S3, X4: a support agent grants ``plan`` to ``organization``; its legal representatives are told."""
    if not Decimal(0) < discount_percent <= Decimal(100):
        raise BusinessError(
            _("A discount lies between 0 and 100 %."), code="discount", field="discount_percent"
        )
    if terms < 1:
        raise BusinessError(_("A grant lasts at least one billing term."), field="terms")
    if period_months is not None and period_months not in BillingPeriod.values:
        raise BusinessError(_("Choose a billing period."), field="period_months")
    grant = Grant.objects.create(
        organization=organization,
        plan=plan,
        discount_percent=discount_percent,
        terms=terms,
        period_months=period_months,
        valid_until=valid_until,
        note=note,
        created_by=acting,
    )
    audit_record(
        kind=AuditKind.GRANT_GIVEN,
        actor=acting,
        organization=organization,
        data={
            "grant": grant.pk,
            "plan": plan.pk,
            "plan_names": texts_per_language(lambda: str(plan)),
            "discount_percent": f"{discount_percent:f}",
            "terms": terms,
        },
    )
    _grant_notify(grant)
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, acting: User | None) -> Grant:
    """X4: withdraw a grant that no order has taken yet."""
    revoked = Grant.objects.filter(pk=grant.pk, status=GrantStatus.AVAILABLE).update(
        status=GrantStatus.REVOKED
    )
    if not revoked:
        raise BusinessError(
            _("Only an available grant can be revoked; this one is reserved or used."),
            code="grant_not_available",
        )
    grant.refresh_from_db()
    CartLine.objects.filter(grant=grant).update(grant=None)
    audit_record(
        kind=AuditKind.GRANT_REVOKED,
        actor=acting,
        organization=grant.organization,
        data={
            "grant": grant.pk,
            "plan": grant.plan_id,
            "plan_names": texts_per_language(lambda: str(grant.plan)),
        },
    )
    return grant
