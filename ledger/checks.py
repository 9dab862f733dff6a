"""The journal's invariants, verified by ``manage.py ledger_check`` (X5).

A prepaid account's cached balance and its entries' running balances equal the
sums of its entries; a system account caches neither (its balance is the sum).

Issue 9: the sums are made by the database (a GROUP BY per transaction, a window
over each prepaid account's entries), so that only the rows in breach reach Python,
not the journal's millions of entries. Amounts are summed as whole cents (rounded,
then cast to an integer), which every database adds exactly: SQLite would add
decimals as floats.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Round

from core.money import DECIMAL_PLACES
from ledger.models import Account, AccountKind, Entry, Transaction

SCALE = 10**DECIMAL_PLACES


def _cents(field: str) -> Cast:
    """An amount in whole cents, as an integer: exact sums on every database."""
    return Cast(Round(F(field) * Value(SCALE)), BigIntegerField())


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-DECIMAL_PLACES)


def ledger_problems() -> list[str]:
    problems: list[str] = []
    prepaid = Q(account__kind=AccountKind.PREPAID)
    for pk in (
        Entry.objects.exclude(currency=F("account__currency"))
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        problems.append(f"entry {pk} is not in its account's currency")
    for pk, account_id in (
        Entry.objects.filter(~prepaid, balance_after__isnull=False)
        .order_by("account_id", "pk")
        .values_list("pk", "account_id")
    ):
        problems.append(f"entry {pk} of system account {account_id} records a balance")
    running = (
        Entry.objects.filter(prepaid)
        .annotate(
            running=Window(
                Sum(_cents("amount")), partition_by=[F("account_id")], order_by=F("id").asc()
            ),
            recorded=_cents("balance_after"),
        )
        .order_by("account_id", "pk")
    )
    for pk, account_id, recorded, total in running.filter(
        ~Q(recorded=F("running")) | Q(recorded__isnull=True)
    ).values_list("pk", "account_id", "balance_after", "running"):
        problems.append(
            f"entry {pk} of account {account_id} records a balance of {recorded}, "
            f"the entries up to it sum to {_amount(total)}"
        )
    for pk, account_id in running.filter(running__lt=0).values_list("pk", "account_id"):
        problems.append(f"prepaid account {account_id} went below zero at entry {pk}")
    unbalanced = (
        Entry.objects.values("transaction_id", "currency")
        .annotate(total=Sum(_cents("amount")))
        .exclude(total=0)
        .order_by("transaction_id", "currency")
    )
    for row in unbalanced:
        problems.append(
            f"transaction {row['transaction_id']} does not sum to zero in "
            f"{row['currency']}: {_amount(row['total'])}"
        )
    lonely = Transaction.objects.filter(~Exists(Entry.objects.filter(transaction=OuterRef("pk"))))
    for tx in lonely.order_by("pk").values_list("pk", flat=True):
        problems.append(f"transaction {tx} has no entries")
    for account in Account.objects.exclude(kind=AccountKind.PREPAID).filter(balance__isnull=False):
        # Its balance is the sum of its entries; a cached copy would be a hot row.
        problems.append(f"system account {account.pk} ({account}) caches a balance")
    sums = (
        Entry.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum(_cents("amount")))
        .values("total")
    )
    accounts = (
        Account.objects.filter(kind=AccountKind.PREPAID)
        .annotate(
            cached=_cents("balance"),
            summed=Coalesce(Subquery(sums), Value(0, BigIntegerField())),
        )
        .order_by("pk")
    )
    for account in accounts.filter(~Q(cached=F("summed")) | Q(balance__isnull=True)):
        problems.append(
            f"account {account.pk} ({account}) caches {account.balance}, "
            f"its entries sum to {_amount(account.summed)}"
        )
    for account in accounts.filter(balance__lt=0):
        problems.append(f"prepaid account {account.pk} is negative: {account.balance}")
    return problems
