"""The double-entry journal (X5).

Every movement of money is one ``Transaction`` whose ``Entry`` rows sum to zero
in each currency. Sign convention: an entry is positive when it credits the
account (money the account holds for someone grows), negative when it debits it.
So an organization's prepaid account has a positive balance, and:

- crediting the prepaid account by card: prepaid +x, clearing(card) −x
- issuing an invoice: receivables −gross, revenue +net, VAT payable +vat
- paying it from the prepaid account: prepaid −x, receivables +x
- paying it by card: clearing(card) −x, receivables +x
- refunding it onto the prepaid account: revenue −net, VAT −vat, prepaid +gross
- withdrawing: prepaid −x, payouts pending +x; then paid out: payouts pending −x,
  clearing(method) +x; or rejected: payouts pending −x, prepaid +x

Entries and transactions are append-only: saving an existing row, deleting, or
a queryset update or delete raises ``AppendOnlyError``. A mistake is corrected by
a new transaction.

Balances (docs/decisions/0005-money-without-hot-rows.md): a prepaid account's
``balance`` is a cached sum of its entries, written only by
``ledger.services.ledger_post`` under the account's row lock, in the same
database transaction, and each of its entries records the running balance. A
system account (receivables, revenue, VAT, clearing, payouts) is shared by every
organization: it caches nothing (``balance`` and ``balance_after`` are NULL) and
is never locked, so postings of different organizations never wait on each
other; its balance is the sum of its entries (``ledger.services.account_balance``).
``manage.py ledger_check`` verifies both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import DECIMAL_PLACES, MAX_DIGITS, Money


class AppendOnlyError(Exception):
    """Financial facts are never changed or deleted; post a correcting transaction."""


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class AccountKind(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid account")
    RECEIVABLES = "receivables", _("Receivables")
    CLEARING = "clearing", _("Payment provider clearing")
    REVENUE = "revenue", _("Revenue")
    VAT_PAYABLE = "vat_payable", _("VAT payable")
    PAYOUTS_PENDING = "payouts_pending", _("Payouts pending")


class Account(models.Model):
    """One account in one currency: an organization's prepaid account, or a system account."""

    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    # The payment provider of a clearing account ("card", "paypal", "bank_transfer").
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    # Prepaid accounts only: the cached sum of the entries. NULL on system accounts.
    balance = models.DecimalField(
        _("balance"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        default=Decimal(0),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "currency", "organization"],
                condition=Q(organization__isnull=False),
                name="ledger_account_org_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency", "provider"],
                condition=Q(organization__isnull=True),
                name="ledger_account_system_unique",
            ),
            # Only prepaid accounts belong to an organization.
            models.CheckConstraint(
                condition=Q(kind="prepaid", organization__isnull=False)
                | (~Q(kind="prepaid") & Q(organization__isnull=True)),
                name="ledger_account_owner_valid",
            ),
            # P1: a prepaid balance never goes below zero (the cached copy; the
            # service refuses first, under a row lock).
            models.CheckConstraint(
                condition=~Q(kind="prepaid") | Q(balance__gte=0),
                name="ledger_account_prepaid_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=["CHF", "EUR"]), name="ledger_account_currency_valid"
            ),
            # A shared system account is never a hot row: it caches no balance.
            models.CheckConstraint(
                condition=Q(kind="prepaid", balance__isnull=False)
                | (~Q(kind="prepaid") & Q(balance__isnull=True)),
                name="ledger_account_balance_cached_for_prepaid",
            ),
        ]

    def __str__(self) -> str:
        owner = (
            (self.organization_id and f"org {self.organization_id}") or self.provider or "system"
        )
        return f"{self.get_kind_display()} {self.currency} ({owner})"

    @property
    def balance_money(self) -> Money:
        """A prepaid account's balance (a system account's: ``ledger.services.account_balance``)."""
        if self.balance is None:
            raise ValueError(f"{self} caches no balance: sum its entries")
        return Money(self.balance, self.currency)


class TransactionKind(models.TextChoices):
    PREPAID_CREDIT = "prepaid_credit", _("Prepaid account credited")
    INVOICE_ISSUE = "invoice_issue", _("Invoice issued")
    INVOICE_CANCEL = "invoice_cancel", _("Invoice cancelled")
    INVOICE_PAYMENT = "invoice_payment", _("Invoice payment")
    PAYMENT_SURPLUS = "payment_surplus", _("Payment surplus credited")
    REFUND = "refund", _("Refund")
    WITHDRAWAL_REQUEST = "withdrawal_request", _("Withdrawal requested")
    WITHDRAWAL_COMPLETE = "withdrawal_complete", _("Withdrawal paid out")
    WITHDRAWAL_REJECT = "withdrawal_reject", _("Withdrawal rejected")


class Transaction(AppendOnlyModel):
    kind = models.CharField(_("kind"), max_length=30, choices=TransactionKind.choices)
    description = models.CharField(_("description"), max_length=300)
    # Every posting names what caused it ("payment:12:confirm"); a second posting
    # for the same cause hits this constraint and moves no money.
    idempotency_key = models.CharField(max_length=200, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_transactions",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self) -> str:
        return f"{self.kind}: {self.description}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(_("currency"), max_length=3)
    # A prepaid account's balance right after this entry (the history's running
    # balance); NULL on a system account's entry (it would need the account locked).
    balance_after = models.DecimalField(
        _("balance"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "-id"], name="ledger_entry_account_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} → {self.account_id}"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def balance_after_money(self) -> Money:
        if self.balance_after is None:
            raise ValueError(f"entry {self.pk} is on a system account: no running balance")
        return Money(self.balance_after, self.currency)
