"""The one write path of the journal (X5): ``ledger_post``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError
from core.money import Money
from ledger.models import Account, AccountKind, Entry, Transaction
from orgs.models import Organization


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
        kind=kind, currency=currency, organization=None, provider=provider
    )
    return account


def prepaid_balance(*, organization: Organization, currency: str) -> Money:
    account = Account.objects.filter(
        kind=AccountKind.PREPAID, currency=currency, organization=organization
    ).first()
    return account.balance_money if account else Money.zero(currency)


@transaction.atomic
def ledger_post(
    *,
    kind: str,
    description: str,
    idempotency_key: str,
    postings: list[tuple[Account, Money]],
    organization: Organization | None = None,
) -> Transaction:
    """Record one balanced transaction and update the cached balances.

    The accounts are locked in primary-key order (so two postings never wait
    on each other in a cycle), the new balances are computed under the lock,
    and a prepaid account that would go below zero refuses the whole posting.
    A second posting with the same ``idempotency_key`` returns the first one.

    Locks are ``FOR NO KEY UPDATE`` of the locked table only: a plain ``FOR
    UPDATE`` (or one spread by ``select_related`` to the organization row) would
    also block every insert whose foreign key points at the row, and deadlock.
    """
    existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
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
    locked = list(
        Account.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=amounts)
        .order_by("pk")
    )
    balances: dict[int, Decimal] = {}
    for account in locked:
        new_balance = account.balance + amounts[account.pk]
        if account.kind == AccountKind.PREPAID and new_balance < 0:
            raise InsufficientBalance(
                _("The prepaid account balance is not enough for this amount."),
                code="insufficient_balance",
                field="amount",
            )
        balances[account.pk] = new_balance
    try:
        with transaction.atomic():
            posted = Transaction.objects.create(
                kind=kind,
                description=description[:300],
                idempotency_key=idempotency_key,
                organization=organization,
            )
    except IntegrityError:
        return Transaction.objects.get(idempotency_key=idempotency_key)
    for pk, balance in balances.items():
        Account.objects.filter(pk=pk).update(balance=balance)
        accounts[pk].balance = balance
    Entry.objects.bulk_create(
        Entry(
            transaction=posted,
            account_id=pk,
            amount=amounts[pk],
            currency=accounts[pk].currency,
            balance_after=balances[pk],
        )
        for pk in sorted(amounts)
    )
    return posted
