"""S5: two clicks on *Cancel* at once act once (row lock, PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from catalog.demo import catalog_ensure
from catalog.models import Plan
from core.errors import BusinessError
from core.models import AuditEvent, OutboxEmail
from orgs.models import Role
from products.models import ProductInstance, ProductStatus
from products.services import CancelWhen, product_auto_renewal_set, product_cancel
from testsupport.cast import MembershipFactory, OrganizationFactory
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    catalog_ensure()
    org = OrganizationFactory()
    admin = MembershipFactory(organization=org, role=Role.LEGAL_REPRESENTATIVE)
    product = ProductInstance.objects.create(
        organization=org,
        plan=Plan.objects.get(slug="web-starter"),
        period_months=12,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
    )
    return admin, product


@pytest.mark.parametrize("attempt", range(3))
def test_two_cancellations_at_term_end_act_once(setup, attempt):  # type: ignore[no-untyped-def]
    admin, product = setup

    def cancel() -> None:
        product_cancel(product=product, when=CancelWhen.TERM_END, acting=admin)

    results = race(*[cancel] * 4)
    errors = [r for r in results if r is not None]
    assert len(errors) == 3
    assert all(isinstance(e, BusinessError) and e.code == "already_cancelled" for e in errors)
    assert AuditEvent.objects.filter(kind="product.cancelled").count() == 1
    assert OutboxEmail.objects.filter(template="products/email/product_cancelled").count() == 1


def test_cancel_now_and_auto_renewal_on_at_once_end_consistent(setup):  # type: ignore[no-untyped-def]
    admin, product = setup
    results = race(
        lambda: product_cancel(product=product, when=CancelWhen.NOW, acting=admin),
        lambda: product_auto_renewal_set(product=product, enabled=False, acting=admin),
    )
    product.refresh_from_db()
    assert product.status == ProductStatus.CANCELLED
    assert product.auto_renewal is False
    assert all(r is None or isinstance(r, BusinessError) for r in results)
