"""The one write path of the journal (X5): ``ledger_post``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.db import insert_unless_exists
from core.errors import BusinessError
from core.money import Money
from ledger.models import Account, AccountKind, Entry, Transaction
from orgs.models import Organization

ZERO = Decimal(0)


class LedgerError(Exception):
    """A posting that would break double entry: a bug in the caller, never user input."""


class InsufficientBalance(BusinessError):
    pass


def account_prepaid(*, organization: Organization, currency: str) -> Account:
    """The organization's prepaid account in ``currency`` (P1), created on first use."""
    account, _created = Account.objects.get_or_create(
        kind=AccountKind.PREPAID, currency=currency, organization=organization
    )
    return account


def account_system(*, kind: AccountKind, currency: str, provider: str = "") -> Account:
    if kind == AccountKind.PREPAID:
        raise LedgerError("prepaid accounts belong to an organization")
    account, _created = Account.objects.get_or_create(
        kind=kind,
        currency=currency,
        organization=None,
        provider=provider,
        defaults={"balance": None},
    )
    return account


def accounts_system(*, currency: str, kinds: list[AccountKind]) -> dict[str, Account]:
    """Several system accounts of ``currency`` (without a provider) in one query."""
    found: dict[str, Account] = {
        account.kind: account
        for account in Account.objects.filter(
            kind__in=kinds, currency=currency, organization=None, provider=""
        )
    }
    for kind in kinds:
        if kind not in found:
            found[kind] = account_system(kind=kind, currency=currency)
    return found


def account_balance(account: Account) -> Money:
    """A prepaid account's cached balance; a system account's sum of its entries."""
    if account.kind == AccountKind.PREPAID:
        return account.balance_money
    total = Entry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return Money(total or ZERO, account.currency)


def prepaid_balance(*, organization: Organization, currency: str) -> Money:
    account = Account.objects.filter(
        kind=AccountKind.PREPAID, currency=currency, organization=organization
    ).first()
    return account.balance_money if account else Money.zero(currency)


def _existing(idempotency_key: str) -> Transaction | None:
    return Transaction.objects.filter(idempotency_key=idempotency_key).first()


def ledger_post(
    *,
    kind: str,
    description: str,
    idempotency_key: str,
    postings: list[tuple[Account, Money]],
    organization: Organization | None = None,
    locked: tuple[Account, ...] = (),
) -> Transaction:
    """Record one balanced transaction and update the cached prepaid balances.

    Only prepaid accounts are locked (in primary-key order, so two postings never
    wait on each other in a cycle); their new balances are computed under the
    lock, and one that would go below zero refuses the whole posting. System
    accounts are shared by every organization: they are never locked and cache
    no balance (their entries are only inserted), so postings of different
    organizations never wait on each other. ``locked`` names prepaid accounts the
    caller has already locked in this transaction, their ``balance`` read under
    the lock. A second posting with the same ``idempotency_key`` returns the
    first one.

    Locks are ``FOR NO KEY UPDATE`` of the locked table only: a plain ``FOR
    UPDATE`` (or one spread by ``select_related`` to the organization row) would
    also block every insert whose foreign key points at the row, and deadlock.

    Inside the caller's transaction it adds no savepoint (two statements fewer):
    it refuses before writing anything, and a database error aborts the caller.
    """
    if not connection.in_atomic_block:
        with transaction.atomic():
            return ledger_post(
                kind=kind,
                description=description,
                idempotency_key=idempotency_key,
                postings=postings,
                organization=organization,
                locked=locked,
            )
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    accounts: dict[int, Account] = {}
    for account, money in postings:
        if account.currency != money.currency:
            raise LedgerError(f"{money.currency} posted to a {account.currency} account")
        amounts[account.pk] += money.amount
        totals[money.currency] += money.amount
        accounts[account.pk] = account
    if any(totals.values()):
        raise LedgerError(f"unbalanced transaction: {dict(totals)}")
    amounts = {pk: amount for pk, amount in amounts.items() if amount}
    if len(amounts) < 2:
        raise LedgerError("a transaction moves money between at least two accounts")
    prepaid = sorted(pk for pk in amounts if accounts[pk].kind == AccountKind.PREPAID)
    balances: dict[int, Decimal] = {
        account.pk: account.balance
        for account in locked
        if account.pk in amounts and account.balance is not None
    }
    unlocked = [pk for pk in prepaid if pk not in balances]
    if unlocked:
        rows = (
            Account.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk__in=unlocked)
            .order_by("pk")
            .values_list("pk", "balance")
        )
        balances.update((pk, balance or ZERO) for pk, balance in rows)
    for pk in prepaid:
        balances[pk] += amounts[pk]
        if balances[pk] < 0:
            existing = _existing(idempotency_key)
            if existing is not None:
                return existing
            raise InsufficientBalance(
                _("The prepaid account balance is not enough for this amount."),
                code="insufficient_balance",
                field="amount",
            )
    posted = Transaction(
        kind=kind,
        description=description[:300],
        idempotency_key=idempotency_key,
        organization=organization,
    )
    if not insert_unless_exists(posted, unique="idempotency_key"):
        return Transaction.objects.get(idempotency_key=idempotency_key)
    for pk in prepaid:
        Account.objects.filter(pk=pk).update(balance=balances[pk])
        accounts[pk].balance = balances[pk]
    Entry.objects.bulk_create(
        Entry(
            transaction=posted,
            account_id=pk,
            amount=amounts[pk],
            currency=accounts[pk].currency,
            balance_after=balances.get(pk),
        )
        for pk in sorted(amounts)
    )
    return posted
