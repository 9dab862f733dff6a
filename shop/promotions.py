"""Promo codes and free grants (S2, S3): the rules, the reasons, the counting.

Applying a code to a cart only checks it; nothing is counted. Placing an order
reserves (``promo_use_reserve``, ``grant_reserve``), paying it confirms
(``promotions_confirm``), a failed or expired payment releases
(``promotions_release``). The callers (the checkout flow) hold the
organization's lock, which serializes one organization's orders, so the
per-organization count is exact; the total count moves in one conditional
UPDATE of the code's row, so two organizations racing for the last use
cannot both get it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from catalog.models import BillingPeriod, Plan
from core.errors import BusinessError
from core.money import Money, quantize
from orgs.models import Membership, Organization
from products.models import ProductInstance
from shop.models import (
    CartLine,
    Grant,
    GrantStatus,
    Order,
    OrderStatus,
    PromoCode,
    PromoCodeUse,
    PromoKind,
    PromoUseStatus,
)

HUNDRED = Decimal(100)
CODE_MAX_LENGTH = 40


def _refused(message: str, code: str) -> BusinessError:
    return BusinessError(message, code=f"promo_{code}", field="code")


def promo_code_find(raw: str) -> PromoCode | None:
    """The code as typed, in any case (the functional unique index answers)."""
    text = (raw or "").strip()
    # A code is printable text: a NUL or a control character matches none (and
    # PostgreSQL refuses a NUL in a query parameter).
    if not text or len(text) > CODE_MAX_LENGTH or not text.isprintable():
        return None
    return (
        PromoCode.objects.annotate(code_lower=Lower("code"))
        .filter(code_lower=text.lower())
        .prefetch_related("amounts", "offers", "plans")
        .first()
    )


def _periods_text(months: Iterable[int]) -> str:
    return ", ".join(str(BillingPeriod(m).label).lower() for m in sorted(months))


def promo_code_state_refusal(
    code: PromoCode, *, organization: Organization, now: datetime | None = None
) -> BusinessError | None:
    """Why ``code`` cannot be used by ``organization`` now, whatever the cart; or None."""
    now = now or timezone.now()
    if not code.is_active:
        return _refused(_("This promo code is no longer valid."), "inactive")
    if code.valid_from is not None and now < code.valid_from:
        return _refused(
            _("This promo code can be used from %(date)s.")
            % {"date": formats.date_format(timezone.localtime(code.valid_from), "DATE_FORMAT")},
            "not_yet_valid",
        )
    if code.valid_until is not None and now >= code.valid_until:
        return _refused(
            _("This promo code expired on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(code.valid_until), "DATE_FORMAT")},
            "expired",
        )
    if code.max_uses is not None and code.uses >= code.max_uses:
        return _refused(_("This promo code has been used as many times as it allows."), "used_up")
    if code.max_uses_per_organization is not None:
        used = PromoCodeUse.objects.filter(
            promo_code=code,
            organization=organization,
            status__in=[PromoUseStatus.RESERVED, PromoUseStatus.USED],
        ).count()
        if used >= code.max_uses_per_organization:
            return _refused(
                _("This organization has already used this promo code."), "already_used"
            )
    if code.first_order_only and organization_has_ordered(organization):
        return _refused(
            _("This promo code is only for an organization's first order."), "first_order_only"
        )
    return None


def organization_has_ordered(organization: Organization) -> bool:
    """A first order is one placed by an organization that never had a product."""
    return (
        Order.objects.filter(organization=organization, status=OrderStatus.PAID).exists()
        or ProductInstance.objects.filter(organization=organization).exists()
    )


def promo_code_covers_plan(code: PromoCode, plan: Plan) -> bool:
    plan_ids = {p.pk for p in code.plans.all()}
    offer_ids = {o.pk for o in code.offers.all()}
    if not plan_ids and not offer_ids:
        return True
    return plan.pk in plan_ids or plan.offer_id in offer_ids


def promo_code_covers_period(code: PromoCode, period_months: int) -> bool:
    return not code.period_months or period_months in code.period_months


def promo_code_amount(code: PromoCode, currency: str) -> Money | None:
    """The fixed discount in ``currency``; None when the code has none in it."""
    for row in code.amounts.all():
        if row.currency == currency:
            return row.money
    return None


def promo_discount(code: PromoCode, gross: Money) -> Money:
    """The discount ``code`` gives on a line of ``gross`` (never more than the line)."""
    if code.kind == PromoKind.PERCENT:
        assert code.percent is not None
        amount = quantize(gross.amount * code.percent / HUNDRED, gross.currency)
        return Money(min(amount, gross.amount), gross.currency)
    fixed = promo_code_amount(code, gross.currency)
    if fixed is None:
        return Money.zero(gross.currency)
    return Money(min(fixed.amount, gross.amount), gross.currency)


def promo_code_line_refusal(
    code: PromoCode, *, plan: Plan, period_months: int, currency: str
) -> BusinessError | None:
    """Why ``code`` does not apply to a line of ``plan`` for that period; or None."""
    if not promo_code_covers_plan(code, plan):
        return _refused(
            _("This promo code does not apply to %(product)s.") % {"product": plan}, "wrong_product"
        )
    if not promo_code_covers_period(code, period_months):
        return _refused(
            _("This promo code applies to %(product)s paid %(periods)s only.")
            % {"product": plan, "periods": _periods_text(code.period_months)},
            "wrong_period",
        )
    if code.kind == PromoKind.FIXED and promo_code_amount(code, currency) is None:
        return _refused(
            _("This promo code gives no discount in %(currency)s.") % {"currency": currency},
            "wrong_currency",
        )
    return None


def promo_code_line_choose(
    code: PromoCode, *, lines: Sequence[CartLine], currency: str
) -> CartLine:
    """S2: the cart line ``code`` applies to: the first matching line without a discount.

    Raises with the reason when none fits: no product it covers, a product it
    covers but for another period, or every matching line already discounted.
    """
    if any(line.promo_code_id == code.pk for line in lines):
        return _raise(_refused(_("This promo code is already applied."), "already_applied"))
    covered = [line for line in lines if promo_code_covers_plan(code, line.plan)]
    if not covered:
        return _raise(
            _refused(
                _("This promo code does not apply to any product in your cart."),
                "no_matching_product",
            )
        )
    first_reason: BusinessError | None = None
    for line in covered:
        reason = promo_code_line_refusal(
            code, plan=line.plan, period_months=line.period_months, currency=currency
        )
        if reason is not None:
            first_reason = first_reason or reason
            continue
        if line.promo_code_id is None and line.grant_id is None:
            return line
        first_reason = first_reason or _refused(
            _(
                "The product this code applies to already has a discount: "
                "remove it first to use this code."
            ),
            "line_taken",
        )
    assert first_reason is not None
    return _raise(first_reason)


def _raise(error: BusinessError) -> CartLine:
    raise error


def promo_use_reserve(*, code: PromoCode, organization: Organization, order: Order) -> None:
    """Take one use of ``code`` for ``order``, or say why not (caller holds the org's lock)."""
    refusal = promo_code_state_refusal(code, organization=organization)
    if refusal is not None and refusal.code != "promo_used_up":
        raise refusal
    taken = (
        PromoCode.objects.filter(pk=code.pk)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        raise _refused(_("This promo code has been used as many times as it allows."), "used_up")
    PromoCodeUse.objects.create(promo_code=code, organization=organization, order=order)


def grant_reserve(*, grant: Grant, order: Order) -> None:
    """Take ``grant`` for ``order``: only an available grant, only once."""
    taken = Grant.objects.filter(
        pk=grant.pk, organization_id=order.organization_id, status=GrantStatus.AVAILABLE
    ).update(status=GrantStatus.RESERVED, order=order)
    if not taken:
        raise BusinessError(
            _("This free grant has already been used."), code="grant_used", field="grant"
        )


def promotions_confirm(order: Order) -> None:
    """The order is paid: its reserved code uses and grants become used."""
    PromoCodeUse.objects.filter(order=order, status=PromoUseStatus.RESERVED).update(
        status=PromoUseStatus.USED, updated_at=timezone.now()
    )
    Grant.objects.filter(order=order, status=GrantStatus.RESERVED).update(
        status=GrantStatus.USED, used_at=timezone.now()
    )


def promotions_release(order: Order) -> None:
    """The order will not be paid: give back its code uses and grants."""
    released = list(
        PromoCodeUse.objects.filter(order=order, status=PromoUseStatus.RESERVED).values_list(
            "promo_code_id", flat=True
        )
    )
    if released:
        PromoCodeUse.objects.filter(order=order, status=PromoUseStatus.RESERVED).update(
            status=PromoUseStatus.RELEASED, updated_at=timezone.now()
        )
        PromoCode.objects.filter(pk__in=released).update(uses=F("uses") - 1)
    Grant.objects.filter(order=order, status=GrantStatus.RESERVED).update(
        status=GrantStatus.AVAILABLE, order=None
    )


def grants_available(organization: Organization) -> QuerySet[Grant]:
    today = timezone.localdate()
    return (
        Grant.objects.filter(organization=organization, status=GrantStatus.AVAILABLE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("plan__offer")
    )


def grant_fits(grant: Grant, *, plan_id: int, period_months: int) -> bool:
    return grant.plan_id == plan_id and grant.period_months in (None, period_months)


def grant_discount(grant: Grant, gross: Money) -> Money:
    if grant.is_free:
        return gross
    amount = quantize(gross.amount * grant.discount_percent / HUNDRED, gross.currency)
    return Money(min(amount, gross.amount), gross.currency)


@dataclass(frozen=True)
class GrantHint:
    """Why a grant the user may expect does not show next to a cart line (S3)."""

    line_id: int
    message: str


def grant_hints(
    *, user_id: int, organization: Organization, lines: Sequence[CartLine]
) -> list[GrantHint]:
    """The help center's two troubleshooting points, for lines without a discount.

    1. One of the user's other organizations holds a grant for this plan: switch.
    2. This organization holds a grant for another plan of the same offer.
    """
    open_lines = [line for line in lines if line.grant_id is None and line.promo_code_id is None]
    if not open_lines:
        return []
    here = list(grants_available(organization))
    elsewhere = list(
        Grant.objects.filter(
            status=GrantStatus.AVAILABLE,
            plan_id__in={line.plan_id for line in open_lines},
            organization__in=Membership.objects.filter(user_id=user_id)
            .exclude(organization=organization)
            .values("organization_id"),
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
        .select_related("organization")
    )
    hints: list[GrantHint] = []
    for line in open_lines:
        if any(grant_fits(g, plan_id=line.plan_id, period_months=line.period_months) for g in here):
            continue
        other_org = next((g for g in elsewhere if g.plan_id == line.plan_id), None)
        if other_org is not None:
            hints.append(
                GrantHint(
                    line.pk,
                    _(
                        "Your organization %(organization)s holds a free grant for this plan: "
                        "switch to that organization to use it."
                    )
                    % {"organization": other_org.organization.name},
                )
            )
            continue
        same_plan = next((g for g in here if g.plan_id == line.plan_id), None)
        if same_plan is not None and same_plan.period_months is not None:
            hints.append(
                GrantHint(
                    line.pk,
                    _(
                        "This organization's free grant for this plan is for another "
                        "billing period: %(period)s."
                    )
                    % {"period": str(BillingPeriod(same_plan.period_months).label).lower()},
                )
            )
            continue
        other_plan = next((g for g in here if g.plan.offer_id == line.plan.offer_id), None)
        if other_plan is not None:
            hints.append(
                GrantHint(
                    line.pk,
                    _(
                        "This organization's free grant is for %(granted)s, not for %(product)s: "
                        "add that plan to your cart to use it."
                    )
                    % {"granted": other_plan.plan, "product": line.plan},
                )
            )
    return hints
