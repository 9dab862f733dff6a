"""The prepaid account (P1, P4): credit it, withdraw from it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from accounts.models import User
from billing.models import Payment, PaymentMethod, PaymentPurpose
from billing.providers.base import ProviderStart
from billing.providers.paypal import paypal_email_clean
from billing.services import payment_start
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.money import Money, currency_check, money_parse
from core.outbox import email_enqueue
from ledger.models import AccountKind, TransactionKind
from ledger.services import account_prepaid, account_system, ledger_post
from orgs.models import Organization, Role
from wallet.models import Withdrawal, WithdrawalDestination, WithdrawalStatus

CREDIT_METHODS = (PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER, PaymentMethod.PAYPAL)


def credit_amount_parse(value: object, currency: str) -> Money:
    """P1: an amount within the configured minimum and maximum."""
    return money_parse(
        value,
        currency,
        minimum=settings.PREPAID_CREDIT_MIN,
        maximum=settings.PREPAID_CREDIT_MAX,
    )


def prepaid_credit_start(
    *,
    organization: Organization,
    amount: Money,
    method: str,
    idempotency_key: str,
    acting: User,
    details: dict[str, Any] | None = None,
) -> tuple[Payment, ProviderStart | None]:
    """P1: start crediting the account; the balance rises when the payment is confirmed."""
    if method not in CREDIT_METHODS:
        raise BusinessError(_("Choose a payment method."), field="method")
    if amount.currency != organization.currency.value:
        raise BusinessError(
            _("The prepaid account is kept in %(currency)s.")
            % {"currency": organization.currency.value},
            code="currency",
            field="currency",
        )
    credit_amount_parse(amount.amount, amount.currency)
    return payment_start(
        organization=organization,
        method=method,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=amount,
        idempotency_key=idempotency_key,
        acting=acting,
        details=details,
    )


def iban_clean(raw: str) -> str:
    try:
        return IBAN(raw or "").formatted
    except SchwiftyException:
        raise BusinessError(
            _("Enter a valid IBAN, for example CH93 0076 2011 6238 5295 7."),
            code="iban",
            field="iban",
        ) from None


def _withdrawal_recipients(withdrawal: Withdrawal) -> list[User]:
    """The requester and the legal representatives, each once."""
    users = {withdrawal.requested_by} if withdrawal.requested_by else set()
    users |= {
        m.user
        for m in withdrawal.organization.memberships.filter(
            role=Role.LEGAL_REPRESENTATIVE
        ).select_related("user")
    }
    return sorted(users, key=lambda u: u.pk)


def _notify(withdrawal: Withdrawal, template: str) -> None:
    for user in _withdrawal_recipients(withdrawal):
        email_enqueue(
            to=user.email,
            template=f"wallet/email/{template}",
            language=user.language,
            context={
                "withdrawal": withdrawal,
                "organization": withdrawal.organization,
                "amount": withdrawal.amount_money,
            },
        )


@transaction.atomic
def withdrawal_request(
    *,
    organization: Organization,
    amount: Money,
    destination: str,
    idempotency_key: str,
    acting: User,
    iban: str = "",
    holder_name: str = "",
    paypal_email: str = "",
) -> Withdrawal:
    """P4: reserve the amount at once (prepaid → payouts pending); an agent pays it out."""
    existing = Withdrawal.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.organization_id != organization.pk or existing.amount_money != amount:
            raise BusinessError(
                _("This request was already used for another withdrawal."),
                code="idempotency_key_reused",
            )
        return existing
    # O5: any currency the organization holds money in, not only its current
    # one (a change of country leaves the former currency's balance to withdraw);
    # the ledger refuses more than the balance.
    currency_check(amount.currency)
    if destination == WithdrawalDestination.IBAN:
        iban = iban_clean(iban)
        holder_name = holder_name.strip()
        if not holder_name:
            raise BusinessError(
                _("Enter the name of the account holder."), code="holder_name", field="holder_name"
            )
        paypal_email = ""
    elif destination == WithdrawalDestination.PAYPAL:
        paypal_email = paypal_email_clean(paypal_email)
        iban = holder_name = ""
    else:
        raise BusinessError(_("Choose where the money goes."), field="destination")
    try:
        with transaction.atomic():
            withdrawal = Withdrawal.objects.create(
                organization=organization,
                amount=amount.amount,
                currency=amount.currency,
                destination=destination,
                iban=iban,
                holder_name=holder_name[:150],
                paypal_email=paypal_email,
                idempotency_key=idempotency_key,
                requested_by=acting,
            )
    except IntegrityError:
        return Withdrawal.objects.get(idempotency_key=idempotency_key)
    ledger_post(
        kind=TransactionKind.WITHDRAWAL_REQUEST,
        description=f"Withdrawal {withdrawal.pk} requested",
        idempotency_key=f"withdrawal:{withdrawal.pk}:request",
        organization=organization,
        postings=[
            (account_prepaid(organization=organization, currency=amount.currency), -amount),
            (account_system(kind=AccountKind.PAYOUTS_PENDING, currency=amount.currency), amount),
        ],
    )
    audit_record(
        kind=AuditKind.WITHDRAWAL_REQUESTED,
        actor=acting,
        organization=organization,
        data={
            "withdrawal": withdrawal.pk,
            "amount": f"{amount.amount:f}",
            "currency": amount.currency,
            "destination": withdrawal.destination,
        },
    )
    _notify(withdrawal, "withdrawal_requested")
    return withdrawal


def _locked_pending(withdrawal: Withdrawal) -> Withdrawal:
    locked = (
        Withdrawal.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organization")
        .get(pk=withdrawal.pk)
    )
    if locked.status != WithdrawalStatus.PENDING:
        raise BusinessError(_("This withdrawal was already decided."), code="already_decided")
    return locked


@transaction.atomic
def withdrawal_complete(*, withdrawal: Withdrawal, acting: User) -> Withdrawal:
    """P4, X4: the agent has sent the money; it leaves through the method's clearing account."""
    withdrawal = _locked_pending(withdrawal)
    money = withdrawal.amount_money
    provider = "bank_transfer" if withdrawal.destination == WithdrawalDestination.IBAN else "paypal"
    ledger_post(
        kind=TransactionKind.WITHDRAWAL_COMPLETE,
        description=f"Withdrawal {withdrawal.pk} paid out",
        idempotency_key=f"withdrawal:{withdrawal.pk}:decide",
        organization=withdrawal.organization,
        postings=[
            (account_system(kind=AccountKind.PAYOUTS_PENDING, currency=money.currency), -money),
            (
                account_system(
                    kind=AccountKind.CLEARING, currency=money.currency, provider=provider
                ),
                money,
            ),
        ],
    )
    withdrawal.status = WithdrawalStatus.COMPLETED
    withdrawal.decided_at = timezone.now()
    withdrawal.decided_by = acting
    withdrawal.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        kind=AuditKind.WITHDRAWAL_COMPLETED,
        actor=acting,
        organization=withdrawal.organization,
        data={
            "withdrawal": withdrawal.pk,
            "amount": f"{withdrawal.amount:f}",
            "currency": withdrawal.currency,
        },
    )
    _notify(withdrawal, "withdrawal_completed")
    return withdrawal


@transaction.atomic
def withdrawal_reject(*, withdrawal: Withdrawal, acting: User, reason: str = "") -> Withdrawal:
    """P4, X4: the agent refuses the payout; the money returns to the prepaid account."""
    withdrawal = _locked_pending(withdrawal)
    money = withdrawal.amount_money
    ledger_post(
        kind=TransactionKind.WITHDRAWAL_REJECT,
        description=f"Withdrawal {withdrawal.pk} rejected",
        idempotency_key=f"withdrawal:{withdrawal.pk}:decide",
        organization=withdrawal.organization,
        postings=[
            (account_system(kind=AccountKind.PAYOUTS_PENDING, currency=money.currency), -money),
            (account_prepaid(organization=withdrawal.organization, currency=money.currency), money),
        ],
    )
    withdrawal.status = WithdrawalStatus.REJECTED
    withdrawal.decided_at = timezone.now()
    withdrawal.decided_by = acting
    withdrawal.rejection_reason = reason[:300]
    withdrawal.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    audit_record(
        kind=AuditKind.WITHDRAWAL_REJECTED,
        actor=acting,
        organization=withdrawal.organization,
        data={
            "withdrawal": withdrawal.pk,
            "amount": f"{withdrawal.amount:f}",
            "currency": withdrawal.currency,
        },
    )
    _notify(withdrawal, "withdrawal_rejected")
    return withdrawal
