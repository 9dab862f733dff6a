"""Reads of the prepaid account page (P1)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from billing.models import Payment, PaymentPurpose, PaymentStatus
from core.money import Money, money_format
from ledger.models import Account, AccountKind, Entry
from orgs.currency_change import currency_change_notes_register
from orgs.models import Organization
from wallet.models import Withdrawal, WithdrawalStatus


def prepaid_account_of(organization: Organization, currency: str = "") -> Account | None:
    """The prepaid account in ``currency`` (by default the organization's own)."""
    return Account.objects.filter(
        kind=AccountKind.PREPAID,
        currency=currency or organization.currency.value,
        organization=organization,
    ).first()


def prepaid_accounts_of(organization: Organization) -> list[Account]:
    """Every prepaid account of the organization, its own currency first (P1, O5).

    A change of country changes the currency of the next invoices, not the money
    already held: an account in the former currency stays listed (and its
    balance withdrawable) as long as it exists.
    """
    current = organization.currency.value
    accounts = Account.objects.filter(kind=AccountKind.PREPAID, organization=organization)
    return sorted(accounts, key=lambda account: (account.currency != current, account.currency))


def prepaid_balances(
    organization: Organization, accounts: list[Account] | None = None
) -> list[Money]:
    """P1: the balance in the organization's currency (zero when nothing was ever
    credited), then every other currency that still holds money.

    ``accounts``: the organization's prepaid accounts when the caller has already
    read them (``prepaid_accounts_of``), so that a page reads them once (issue 9)."""
    current = organization.currency.value
    if accounts is None:
        accounts = prepaid_accounts_of(organization)
    balances = [
        account.balance_money
        for account in accounts
        if account.currency == current or account.balance
    ]
    if not balances or balances[0].currency != current:
        balances.insert(0, Money.zero(current))
    return balances


def prepaid_history(account: Account | None) -> QuerySet[Entry]:
    """Newest first, each with its transaction (date, description) and running balance."""
    if account is None:
        return Entry.objects.none()
    return Entry.objects.filter(account=account).select_related("transaction").order_by("-id")


def credits_pending(organization: Organization) -> QuerySet[Payment]:
    """Credits waiting for their payment: read from the partial index of pending
    payments (billing_pay_pending_idx), not from all of the organization's payments."""
    return Payment.objects.filter(
        organization=organization,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        status=PaymentStatus.PENDING,
    ).order_by("-id")


def withdrawals_pending(organization: Organization) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(
        organization=organization, status=WithdrawalStatus.PENDING
    ).order_by("-id")


# O5: the organization's edit form says what becomes of the balance.
@currency_change_notes_register
def prepaid_currency_change_notes(organization: Organization, currency_next: str) -> list[str]:
    """O5: said on the organization's edit form before a change of country that
    changes the currency: a balance is never converted, and never lost."""
    return [
        _(
            "The prepaid account holds %(amount)s. It stays in %(currency)s: it still pays "
            "invoices issued in %(currency)s and you can withdraw it at any time. New "
            "credits and invoices will be in %(next)s."
        )
        % {"amount": money_format(money), "currency": money.currency, "next": currency_next}
        for money in prepaid_balances(organization)
        if money and money.currency != currency_next
    ]
