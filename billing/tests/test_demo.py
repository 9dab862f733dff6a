"""The demo organizations get a prepaid balance and paid and unpaid invoices, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import Invoice, InvoiceStatus, Payment
from ledger.models import Account, AccountKind, Entry

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("demo_seed", stdout=StringIO())


def test_demo_money_is_there_once_and_the_ledger_holds():
    _seed()
    counts = (Invoice.objects.count(), Payment.objects.count(), Entry.objects.count())
    assert Account.objects.filter(kind=AccountKind.PREPAID, balance__gt=0).count() >= 4
    assert Invoice.objects.filter(status=InvoiceStatus.PAID).exists()
    assert Invoice.objects.filter(status=InvoiceStatus.UNPAID).exists()
    assert Invoice.objects.filter(lines__product__isnull=False).exists()
    _seed()
    assert (Invoice.objects.count(), Payment.objects.count(), Entry.objects.count()) == counts
    call_command("ledger_check", stdout=StringIO())
