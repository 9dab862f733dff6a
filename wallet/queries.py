"""Reads of the prepaid account page (P1)."""

from __future__ import annotations

from django.db.models import QuerySet

from billing.models import Payment, PaymentPurpose, PaymentStatus
from ledger.models import Account, AccountKind, Entry
from orgs.models import Organization
from wallet.models import Withdrawal, WithdrawalStatus


def prepaid_account_of(organization: Organization) -> Account | None:
    return Account.objects.filter(
        kind=AccountKind.PREPAID,
        currency=organization.currency.value,
        organization=organization,
    ).first()


def prepaid_history(account: Account | None) -> QuerySet[Entry]:
    """Newest first, each with its transaction (date, description) and running balance."""
    if account is None:
        return Entry.objects.none()
    return Entry.objects.filter(account=account).select_related("transaction").order_by("-id")


def credits_pending(organization: Organization) -> QuerySet[Payment]:
    return Payment.objects.filter(
        organization=organization,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        status=PaymentStatus.PENDING,
    ).order_by("-id")


def withdrawals_pending(organization: Organization) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(
        organization=organization, status=WithdrawalStatus.PENDING
    ).order_by("-id")
