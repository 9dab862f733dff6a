"""Issue 8 §1: the row locks are FOR NO KEY UPDATE of the locked row only
(docs/decisions/0004).

While a service holds the organization's (or a product's) lock, other
transactions can still insert rows that point at it: PostgreSQL checks such a
foreign key with FOR KEY SHARE, which a plain FOR UPDATE would block until the
lock holder commits, and which FOR NO KEY UPDATE lets through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection, connections, transaction

from catalog.demo import catalog_ensure
from catalog.models import Plan
from core.models import AuditEvent
from orgs.services._common import org_lock
from products.models import ProductInstance
from products.services import _locked as product_lock
from testsupport.cast import OrganizationFactory
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )


def _while_locked(lock: Callable[[], object], insert: Callable[[], object]) -> None:
    """Hold ``lock`` in one transaction while another runs ``insert`` (with a
    2-second lock timeout); re-raise what the latter raised."""
    locked, done = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                lock()
                locked.set()
                done.wait(timeout=10)
        finally:
            locked.set()
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            insert()
    except BaseException as exc:
        failure.append(exc)
    finally:
        done.set()
        thread.join(timeout=15)
    if failure:
        raise failure[0]


def test_a_row_pointing_at_the_organization_is_written_while_it_is_locked():
    organization = OrganizationFactory()
    _while_locked(
        lambda: org_lock(organization.pk),
        lambda: AuditEvent.objects.create(kind="org.updated", organization=organization),
    )
    assert AuditEvent.objects.filter(organization=organization).count() == 1


def test_two_products_of_one_plan_are_locked_at_the_same_time():
    """The product lock holds the product's row only, not its plan and offer
    (which every product of that plan shares)."""
    catalog_ensure()
    organization = OrganizationFactory()
    plan = Plan.objects.get(slug="web-starter")
    first, second = (
        ProductInstance.objects.create(
            organization=organization,
            plan=plan,
            period_months=12,
            term_start=date(2026, 1, 1),
            term_end=date(2026, 12, 31),
        )
        for _ in range(2)
    )
    _while_locked(lambda: product_lock(first), lambda: product_lock(second))
    _while_locked(
        lambda: product_lock(first),
        lambda: ProductInstance.objects.create(
            organization=organization,
            plan=plan,
            period_months=12,
            term_start=date(2026, 1, 1),
            term_end=date(2026, 12, 31),
        ),
    )
