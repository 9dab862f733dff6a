"""What the dashboard shows: a summary of each area the member may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from billing.queries import unpaid_summary
from core.money import Money
from core.pagination import bounded_count
from orgs.models import Capability, Membership
from products.models import ProductInstance, ProductStatus
from products.queries import products_visible_to
from wallet.queries import prepaid_balances

RENEWAL_HORIZON = timedelta(days=60)  # P2: what is due in the next two months
# Issue 9: active products are counted up to this many; past it the dashboard says
# "more than 1,000 active products" instead of reading every product's index entry.
ACTIVE_PRODUCTS_COUNTED = 1_000


@dataclass(frozen=True)
class DashboardSummary:
    active_products: int  # at most ACTIVE_PRODUCTS_COUNTED
    renewals_due: list[ProductInstance]
    horizon: date
    prepaid_balance: Money | None = None
    # O5: balances kept in a former currency after a change of country.
    prepaid_other_balances: tuple[Money, ...] = ()
    unpaid_invoices: int = 0
    unpaid_total: Money | None = None
    active_products_more: bool = False  # more active products than active_products


def dashboard_summary(membership: Membership) -> DashboardSummary:
    today = timezone.localdate()
    horizon = today + RENEWAL_HORIZON
    products = products_visible_to(membership).filter(status=ProductStatus.ACTIVE)
    due = list(
        products.filter(term_end__lte=horizon)
        .select_related("plan__offer")
        .order_by("term_end", "id")[:5]
    )
    active, more = bounded_count(products, ACTIVE_PRODUCTS_COUNTED)
    summary = DashboardSummary(
        active_products=active, active_products_more=more, renewals_due=due, horizon=horizon
    )
    if not membership.can(Capability.ACCOUNTING):
        return summary
    organization = membership.organization
    balances = prepaid_balances(organization)
    count, total = unpaid_summary(organization)
    return DashboardSummary(
        active_products=summary.active_products,
        active_products_more=summary.active_products_more,
        renewals_due=due,
        horizon=horizon,
        prepaid_balance=balances[0],
        prepaid_other_balances=tuple(balances[1:]),
        unpaid_invoices=count,
        unpaid_total=total,
    )
