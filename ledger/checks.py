"""The journal's invariants, verified by ``manage.py ledger_check`` (X5).

A prepaid account's cached balance and its entries' running balances equal the
sums of its entries; a system account caches neither (its balance is the sum).

Sums are made in Python over exact Decimals: SQLite would add them as floats.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ledger.models import Account, AccountKind, Entry, Transaction

ZERO = Decimal(0)


def ledger_problems() -> list[str]:
    problems: list[str] = []
    accounts = {a.pk: a for a in Account.objects.all()}
    per_transaction: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    running: dict[int, Decimal] = defaultdict(Decimal)
    with_entries: set[int] = set()
    rows = Entry.objects.order_by("account_id", "id").values_list(
        "pk", "transaction_id", "account_id", "amount", "currency", "balance_after"
    )
    for pk, tx, account_id, amount, currency, balance_after in rows.iterator():
        account = accounts[account_id]
        per_transaction[(tx, currency)] += amount
        with_entries.add(tx)
        if currency != account.currency:
            problems.append(f"entry {pk} is not in its account's currency")
        running[account_id] += amount
        if account.kind != AccountKind.PREPAID:
            if balance_after is not None:
                problems.append(f"entry {pk} of system account {account_id} records a balance")
        elif balance_after != running[account_id]:
            problems.append(
                f"entry {pk} of account {account_id} records a balance of {balance_after}, "
                f"the entries up to it sum to {running[account_id]}"
            )
        if account.kind == AccountKind.PREPAID and running[account_id] < 0:
            problems.append(f"prepaid account {account_id} went below zero at entry {pk}")
    for (tx, currency), total in sorted(per_transaction.items()):
        if total:
            problems.append(f"transaction {tx} does not sum to zero in {currency}: {total}")
    for tx in Transaction.objects.values_list("pk", flat=True).iterator():
        if tx not in with_entries:
            problems.append(f"transaction {tx} has no entries")
    for account in accounts.values():
        if account.kind != AccountKind.PREPAID:
            # Its balance is the sum of its entries; a cached copy would be a hot row.
            if account.balance is not None:
                problems.append(f"system account {account.pk} ({account}) caches a balance")
            continue
        if account.balance != running[account.pk]:
            problems.append(
                f"account {account.pk} ({account}) caches {account.balance}, "
                f"its entries sum to {running[account.pk]}"
            )
        if account.balance is not None and account.balance < 0:
            problems.append(f"prepaid account {account.pk} is negative: {account.balance}")
    return problems
