"""``manage.py bench_seed`` (issue 9): the benchmark data set in bulk, every
constraint respected and the journal consistent (X5, I1)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.management.commands.ledger_check import all_problems
from billing.models import Invoice, InvoiceStatus, Payment, PaymentStatus
from core.models import AuditEvent
from ledger.models import Entry
from orgs.models import Membership, Role
from products.models import ProductInstance

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [
    "--organizations=5",
    "--invoices=400",
    "--small-invoices=20",
    "--small-prepaid-entries=20",
    "--small-products=2",
    "--small-members=3",
    "--small-audit-events=10",
    "--large-invoices=200",
    "--large-prepaid-entries=151",
    "--large-products=30",
    "--large-members=40",
    "--large-audit-events=50",
]


def seed(*args: str) -> dict:
    out = StringIO()
    call_command("bench_seed", *SIZES, *args, stdout=out, verbosity=0)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_last_line_names_the_small_and_large_organizations_legal_representatives():
    found = seed()
    for which, invoices, members in (("small", 20, 3), ("large", 200, 40)):
        org = found[which]["organization"]
        rep = User.objects.get(email=found[which]["email"])
        assert Membership.objects.get(organization_id=org, user=rep).role == (
            Role.LEGAL_REPRESENTATIVE
        )
        assert Invoice.objects.filter(organization_id=org).count() == invoices
        assert Membership.objects.filter(organization_id=org).count() == members
    large = found["large"]["organization"]
    assert ProductInstance.objects.filter(organization_id=large).count() == 30
    assert AuditEvent.objects.filter(organization_id=large).count() == 50
    prepaid = Entry.objects.filter(account__organization_id=large, account__kind="prepaid")
    assert prepaid.count() == 151
    assert Invoice.objects.count() == 400


def test_the_journal_and_the_invoices_are_consistent_afterwards():
    seed()
    assert all_problems() == []
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {InvoiceStatus.PAID, InvoiceStatus.UNPAID} <= statuses
    assert Payment.objects.filter(status=PaymentStatus.PENDING).exists()


def test_a_second_run_adds_another_data_set_and_keeps_the_numbers_gapless():
    first = seed()
    second = seed("--seed=10")
    assert second["large"]["organization"] != first["large"]["organization"]
    assert Invoice.objects.count() == 800
    assert all_problems() == []
