"""S2, X5 on PostgreSQL: the last use of a promo code, taken by two organizations'
orders at the same moment, goes to one; the other is told and nothing of it is created."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from billing.models import Invoice
from catalog.demo import catalog_ensure
from catalog.models import BillingPeriod, Plan
from core.errors import BusinessError
from flows.checkout import CartCheckoutStatus, cart_checkout
from orgs.models import Membership, Role
from products.models import ProductInstance
from shop.models import CartLine, Order, PromoCode, PromoKind
from shop.services import cart_get, cart_line_add, cart_promo_apply
from testsupport.cast import MembershipFactory, OrganizationFactory
from testsupport.money import money_invariants_problems, prepaid_credit_confirmed
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    catalog_ensure()


def customer_with_cart(plan: Plan) -> Membership:
    membership: Any = MembershipFactory(
        organization=OrganizationFactory(), role=Role.LEGAL_REPRESENTATIVE
    )
    prepaid_credit_confirmed(membership.organization, "500.00")
    cart_line_add(
        organization=membership.organization,
        user_id=membership.user_id,
        plan_id=plan.pk,
        period_months=BillingPeriod.YEARLY,
        requirement="example.com",
    )
    cart = cart_get(organization=membership.organization, user_id=membership.user_id)
    assert cart is not None
    cart_promo_apply(cart=cart, raw_code="LAST")
    return membership


@pytest.mark.parametrize("attempt", range(3))
def test_the_last_use_of_a_code_goes_to_one_of_two_concurrent_orders(attempt: int) -> None:
    plan = Plan.objects.select_related("offer").get(slug="web-starter")
    promo = PromoCode.objects.create(
        code="LAST", kind=PromoKind.PERCENT, percent=Decimal("20"), max_uses=1
    )
    promo.plans.set([plan])
    first, second = customer_with_cart(plan), customer_with_cart(plan)
    results: dict[int, str] = {}

    def order(membership: Membership) -> None:
        cart = cart_get(organization=membership.organization, user_id=membership.user_id)
        assert cart is not None
        result = cart_checkout(
            membership=membership,
            cart=cart,
            method="prepaid",
            prepaid_amount=None,
            details={},
            idempotency_key=f"order-{membership.pk}",
        )
        results[membership.pk] = result.status

    errors = race(lambda: order(first), lambda: order(second))

    refused = [e for e in errors if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], BusinessError)
    assert refused[0].code == "promo_used_up"
    assert list(results.values()) == [CartCheckoutStatus.PAID]
    (winner_pk,) = results
    loser = second if winner_pk == first.pk else first
    assert not Order.objects.filter(organization=loser.organization).exists()
    assert not Invoice.objects.filter(organization=loser.organization).exists()
    assert not ProductInstance.objects.filter(organization=loser.organization).exists()
    assert CartLine.objects.filter(cart__organization=loser.organization).count() == 1
    promo.refresh_from_db()
    assert promo.uses == 1
    assert money_invariants_problems() == []
