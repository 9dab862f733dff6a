"""The cart, promo codes and grants, at the service level (S1–S3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import BillingPeriod, Plan
from conftest import Cast
from core.errors import BusinessError
from core.money import Money
from orgs.models import Role
from shop.models import Cart, Grant, Order, PromoCode, PromoCodeAmount, PromoKind
from shop.pricing import cart_lines_for_quote, cart_quote
from shop.promotions import (
    grant_hints,
    grant_reserve,
    promo_use_reserve,
    promotions_confirm,
    promotions_release,
)
from shop.services import (
    PROMO_ATTEMPTS,
    PROMO_WINDOW_SECONDS,
    cart_get,
    cart_grant_activate,
    cart_line_add,
    cart_line_update,
    cart_promo_apply,
    cart_promo_apply_limited,
    cart_promo_remove,
)
from testsupport.cast import MembershipFactory, OrganizationFactory

YEARLY = BillingPeriod.YEARLY


def plan(slug: str) -> Plan:
    return Plan.objects.select_related("offer").get(slug=slug)


def code_percent(code: str, percent: str, *plans: Plan, **fields: object) -> PromoCode:
    promo = PromoCode.objects.create(
        code=code, kind=PromoKind.PERCENT, percent=Decimal(percent), **fields
    )
    promo.plans.set(plans)
    return promo


def add(cast: Cast, slug: str, period: int = YEARLY, quantity: int = 1) -> None:
    cart_line_add(
        organization=cast.org,
        user_id=cast.legal_rep.user_id,
        plan_id=plan(slug).pk,
        period_months=period,
        quantity=quantity,
    )


def cart_of(cast: Cast) -> Cart:
    cart = cart_get(organization=cast.org, user_id=cast.legal_rep.user_id)
    assert cart is not None
    return cart


def order_for(cast: Cast, key: str = "k1") -> Order:
    return Order.objects.create(
        organization=cast.org,
        reference=f"OR-{key}",
        currency="EUR",
        subtotal=0,
        discount_total=0,
        net_total=0,
        vat_total=0,
        total=0,
        idempotency_key=key,
    )


def test_reading_a_cart_never_creates_one(cast: Cast) -> None:
    assert cart_get(organization=cast.org, user_id=cast.legal_rep.user_id) is None
    assert not Cart.objects.exists()


def test_two_codes_apply_to_two_lines(cast: Cast) -> None:
    """S2: several codes per cart, each on its matching product."""
    add(cast, "web-starter")
    add(cast, "domain-com")
    code_percent("WEB10", "10", plan("web-starter"))
    code_percent("dom50", "50", plan("domain-com"))
    cart = cart_of(cast)

    web = cart_promo_apply(cart=cart, raw_code="web10")
    dom = cart_promo_apply(cart=cart, raw_code="  DOM50 ")

    assert web.plan.slug == "web-starter" and dom.plan.slug == "domain-com"
    quote = cart_quote(organization=cast.org, lines=cart_lines_for_quote(cart))
    by_plan = {q.line.plan.slug: q for q in quote.lines}
    assert by_plan["domain-com"].discount == Money(Decimal("7.50"), "EUR")
    assert by_plan["web-starter"].discount == Money(
        (by_plan["web-starter"].gross.amount / 10).quantize(Decimal("0.01")), "EUR"
    )
    assert quote.discount_total == by_plan["domain-com"].discount + by_plan["web-starter"].discount
    assert quote.total == quote.net_total + quote.vat_total
    assert quote.can_check_out


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"valid_until": timezone.now() - timedelta(days=1)}, "promo_expired"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "promo_not_yet_valid"),
        ({"is_active": False}, "promo_inactive"),
        ({"max_uses": 0}, "promo_used_up"),
    ],
)
def test_a_code_that_cannot_be_used_says_why(cast: Cast, fields: dict, reason: str) -> None:
    add(cast, "domain-com")
    code_percent("SPRING", "10", plan("domain-com"), **fields)

    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="spring")

    assert refused.value.code == reason


def test_a_code_for_a_plan_not_in_the_cart_is_refused(cast: Cast) -> None:
    add(cast, "domain-com")
    code_percent("WEBONLY", "10", plan("web-starter"))

    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="WEBONLY")

    assert refused.value.code == "promo_no_matching_product"


def test_a_code_for_another_period_is_refused(cast: Cast) -> None:
    add(cast, "web-starter", period=BillingPeriod.QUARTERLY)
    code_percent("YEARONLY", "10", plan("web-starter"), period_months=[YEARLY])

    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="YEARONLY")

    assert refused.value.code == "promo_wrong_period"


def test_an_unknown_code_is_refused(cast: Cast) -> None:
    add(cast, "domain-com")
    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="NOPE\x00")
    assert refused.value.code == "promo_unknown"


def test_a_fixed_code_without_the_currency_is_refused(cast: Cast) -> None:
    add(cast, "domain-com")
    promo = PromoCode.objects.create(code="TENCHF", kind=PromoKind.FIXED)
    PromoCodeAmount.objects.create(promo_code=promo, currency="CHF", amount=Decimal(10))

    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="tenchf")

    assert refused.value.code == "promo_wrong_currency"


def test_a_code_already_used_by_the_organization_is_refused(cast: Cast) -> None:
    add(cast, "domain-com")
    promo = code_percent("ONCE", "10", plan("domain-com"), max_uses_per_organization=1)
    order = order_for(cast)
    promo_use_reserve(code=promo, organization=cast.org, order=order)

    with pytest.raises(BusinessError) as refused:
        cart_promo_apply(cart=cart_of(cast), raw_code="once")
    assert refused.value.code == "promo_already_used"

    promotions_release(order)  # a failed payment gives the use back
    cart_promo_apply(cart=cart_of(cast), raw_code="once")


def test_the_last_use_is_taken_once(cast: Cast) -> None:
    promo = code_percent("LAST", "10", max_uses=1, max_uses_per_organization=None)
    promo_use_reserve(code=promo, organization=cast.org, order=order_for(cast, "a"))

    with pytest.raises(BusinessError) as refused:
        promo_use_reserve(code=promo, organization=cast.org, order=order_for(cast, "b"))

    assert refused.value.code == "promo_used_up"
    promo.refresh_from_db()
    assert promo.uses == 1


def test_a_fixed_discount_never_exceeds_the_line(cast: Cast) -> None:
    add(cast, "domain-com")
    promo = PromoCode.objects.create(code="BIG", kind=PromoKind.FIXED)
    PromoCodeAmount.objects.create(promo_code=promo, currency="EUR", amount=Decimal(500))
    cart_promo_apply(cart=cart_of(cast), raw_code="big")

    quote = cart_quote(organization=cast.org, lines=cart_lines_for_quote(cart_of(cast)))

    assert quote.total == Money.zero("EUR")
    assert not quote.needs_payment


def test_a_grant_of_this_organization_makes_the_line_free(cast: Cast) -> None:
    """S3: the grant is activated on the matching line; it is consumed once."""
    add(cast, "web-starter")
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    line = cart_of(cast).lines.get()

    cart_grant_activate(line=line, grant_id=grant.pk)

    quote = cart_quote(organization=cast.org, lines=cart_lines_for_quote(cart_of(cast)))
    assert quote.total == Money.zero("EUR")
    order = order_for(cast)
    grant_reserve(grant=grant, order=order)
    promotions_confirm(order)
    grant.refresh_from_db()
    assert grant.status == "used"
    with pytest.raises(BusinessError):
        grant_reserve(grant=grant, order=order_for(cast, "again"))


def test_a_grant_of_another_organization_never_shows(cast: Cast) -> None:
    add(cast, "web-starter")
    other = Grant.objects.create(organization=cast.outsider.organization, plan=plan("web-starter"))
    line = cart_of(cast).lines.get()

    with pytest.raises(BusinessError):
        cart_grant_activate(line=line, grant_id=other.pk)


def test_the_cart_says_to_switch_organization_for_a_grant_held_elsewhere(cast: Cast) -> None:
    """The help center's first troubleshooting point (S3)."""
    elsewhere = OrganizationFactory(name="Side Project")
    MembershipFactory(
        organization=elsewhere, user=cast.legal_rep.user, role=Role.LEGAL_REPRESENTATIVE
    )
    Grant.objects.create(organization=elsewhere, plan=plan("web-starter"))
    add(cast, "web-starter")

    hints = grant_hints(
        user_id=cast.legal_rep.user_id, organization=cast.org, lines=list(cart_of(cast).lines.all())
    )

    assert len(hints) == 1 and "Side Project" in hints[0].message


def test_the_cart_says_when_the_grant_is_for_another_plan(cast: Cast) -> None:
    """The help center's second troubleshooting point (S3)."""
    Grant.objects.create(organization=cast.org, plan=plan("web-business"))
    add(cast, "web-starter")

    hints = grant_hints(
        user_id=cast.legal_rep.user_id, organization=cast.org, lines=list(cart_of(cast).lines.all())
    )

    assert len(hints) == 1 and str(plan("web-business")) in hints[0].message


def test_changing_the_period_drops_a_grant_for_another_period(cast: Cast) -> None:
    add(cast, "web-starter")
    grant = Grant.objects.create(
        organization=cast.org, plan=plan("web-starter"), period_months=YEARLY
    )
    line = cart_grant_activate(line=cart_of(cast).lines.get(), grant_id=grant.pk)

    line = cart_line_update(line=line, period_months=BillingPeriod.QUARTERLY)

    assert line.grant_id is None


@pytest.mark.parametrize("quantity", [0, 101, "x", "9" * 40, "1\x00"])
def test_a_bad_quantity_is_refused_clearly(cast: Cast, quantity: object) -> None:
    with pytest.raises(BusinessError) as refused:
        add(cast, "web-starter", quantity=quantity)  # type: ignore[arg-type]
    assert refused.value.code == "quantity"
    assert not Cart.objects.filter(lines__isnull=False).exists()


def test_a_period_the_plan_is_not_sold_with_is_refused(cast: Cast) -> None:
    with pytest.raises(BusinessError) as refused:
        add(cast, "domain-com", period=BillingPeriod.MONTHLY)
    assert refused.value.code == "period"


def test_applying_promo_codes_is_rate_limited_per_user(cast: Cast) -> None:
    """S2: guessing codes is not free: after 10 refusals in the window, even a
    good code waits (and is not looked up); the next window opens again."""
    add(cast, "web-starter")
    cart = cart_of(cast)
    code_percent("GOOD10", "10")
    start = 1_000 * PROMO_WINDOW_SECONDS  # the start of a window
    for attempt in range(PROMO_ATTEMPTS):
        with pytest.raises(BusinessError) as refused:
            cart_promo_apply_limited(cart=cart, raw_code=f"WRONG{attempt}", now=start + attempt)
        assert refused.value.code == "promo_unknown"
    with pytest.raises(BusinessError) as limited:
        cart_promo_apply_limited(cart=cart, raw_code="GOOD10", now=start + 60)
    assert limited.value.code == "rate_limited"
    assert "9 minutes" in str(limited.value.message)
    line = cart_promo_apply_limited(cart=cart, raw_code="good10", now=start + PROMO_WINDOW_SECONDS)
    assert line.promo_code is not None and line.promo_code.code == "GOOD10"


def test_a_code_that_applies_counts_no_attempt(cast: Cast) -> None:
    add(cast, "web-starter")
    cart = cart_of(cast)
    code_percent("GOOD10", "10")
    for _ in range(PROMO_ATTEMPTS + 2):
        line = cart_promo_apply_limited(cart=cart, raw_code="GOOD10", now=5.0)
        cart_promo_remove(line=line)
