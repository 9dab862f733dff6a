"""Issue 10: two orders of the same domain name at the same moment: one product is
created, the other order gets the clear reason (unique index, PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from catalog.demo import catalog_ensure
from catalog.models import Plan
from core.errors import BusinessError
from products.models import ProductInstance
from products.requirements import domain_holders
from products.services import product_create
from testsupport.cast import OrganizationFactory
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan() -> Plan:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    catalog_ensure()
    return Plan.objects.select_related("offer").get(slug="domain-ch")


@pytest.mark.parametrize("attempt", range(3))
def test_two_orders_of_one_domain_at_once_create_one_product(plan: Plan, attempt: int) -> None:
    orgs = [OrganizationFactory(), OrganizationFactory()]
    typed = ["Bücher.ch", "BÜCHER.CH"]

    def order(n: int) -> None:
        product_create(
            organization=orgs[n],
            plan=plan,
            period_months=12,
            term_start=date(2026, 1, 1),
            term_end=date(2026, 12, 31),
            requirement_value=typed[n],
        )

    results = race(lambda: order(0), lambda: order(1))
    errors = [r for r in results if r is not None]
    assert len(errors) == 1
    error = errors[0]
    assert isinstance(error, BusinessError)
    assert error.code == "domain_held" and error.field == "domain"
    assert "bücher.ch" in str(error.message)
    assert ProductInstance.objects.filter(domain="xn--bcher-kva.ch").count() == 1


def test_the_held_check_reads_the_unique_index(plan: Plan) -> None:
    sql, params = domain_holders("example.ch").query.sql_with_params()
    with connection.cursor() as cursor:
        # The table is nearly empty: forbid the sequential scan to see whether the
        # index can answer (its condition must be implied by the query's).
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            query_plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "products_domain_held_once" in query_plan
