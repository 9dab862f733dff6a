"""Issue 9, X5 on PostgreSQL: one organization's money never waits on another's.

Organization A's payment or invoice is left open in its transaction; meanwhile
organization B pays or issues and must commit. B runs with a ``lock_timeout``: a
wait on a row that A holds fails the test instead of hanging it. The one row all
organizations share is the year's number series (I1: no gap), taken as the last
statement of a payment in full and held only from there to COMMIT, so the pairs
below never have both transactions take a number.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.models import Invoice, InvoiceStatus
from billing.services import payment_from_prepaid
from core.money import Money
from orgs.models import Organization
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pay_part(org: Organization, invoice: Invoice) -> None:
    payment_from_prepaid(
        organization=org,
        invoices=[invoice],
        amount=Money(Decimal("5"), "CHF"),
        idempotency_key=uuid.uuid4().hex,
        acting=None,
    )


def _pay_in_full(org: Organization, invoice: Invoice) -> None:
    payment_from_prepaid(
        organization=org, invoices=[invoice], idempotency_key=uuid.uuid4().hex, acting=None
    )


def _issue(org: Organization, invoice: Invoice) -> None:
    invoice_for(org, "12.50")


ACTIONS: dict[str, Callable[[Organization, Invoice], None]] = {
    "pays part of an invoice": _pay_part,
    "pays an invoice in full": _pay_in_full,
    "issues an invoice": _issue,
}


@pytest.mark.parametrize(
    ("held", "meanwhile"),
    [
        ("pays part of an invoice", "pays an invoice in full"),
        ("pays part of an invoice", "pays part of an invoice"),
        ("pays part of an invoice", "issues an invoice"),
        ("issues an invoice", "pays an invoice in full"),
        ("issues an invoice", "issues an invoice"),
        ("pays an invoice in full", "issues an invoice"),
        ("pays an invoice in full", "pays part of an invoice"),
    ],
)
def test_another_organization_commits_while_one_organizations_transaction_is_open(
    held: str, meanwhile: str
) -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    first, second = OrganizationFactory(country="CH"), OrganizationFactory(country="CH")
    invoices = {}
    for org in (first, second):
        prepaid_credit_confirmed(org, "100")
        invoices[org.pk] = invoice_for(org, "30")
    opened, released = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            ACTIONS[held](first, invoices[first.pk])
            opened.set()
            # Open until the other organization is done (or gave up).
            assert released.wait(timeout=30)

    def go_on() -> None:
        try:
            assert opened.wait(timeout=30)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            ACTIONS[meanwhile](second, invoices[second.pk])
        finally:
            released.set()

    assert race(hold, go_on) == [None, None]
    second_paid = Invoice.objects.filter(organization=second, status=InvoiceStatus.PAID)
    assert second_paid.count() == (meanwhile == "pays an invoice in full")
