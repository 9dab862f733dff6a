"""Prepaid account API (P1, P4, X3): the same rules as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts.models import api_user
from accounts.reauth import reauth_api_check
from billing.api import PaymentOut, payment_out
from core.api import ErrorOut
from core.idempotency import idempotency_key, idempotent
from core.money import Money, currency_check, money_parse
from core.paging import CountedPage, PageParams, page_count
from orgs.access import membership_of
from orgs.models import Capability
from wallet.models import Withdrawal
from wallet.queries import prepaid_account_of, prepaid_balances, prepaid_history
from wallet.services import credit_amount_parse, prepaid_credit_start, withdrawal_request

router = Router(tags=["prepaid account"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CurrencyBalanceOut(Schema):
    currency: str
    balance: str


class BalanceOut(Schema):
    currency: str
    balance: str
    credit_min: str
    credit_max: str
    balances: list[CurrencyBalanceOut] = Field(
        description="The balance in the organization's currency, then any other currency "
        "that still holds money (kept from before a change of country; it can be withdrawn)."
    )


class EntryOut(Schema):
    id: int
    date: datetime
    kind: str
    description: str
    amount: str
    balance_after: str


class EntryPage(CountedPage):
    items: list[EntryOut]


class CreditIn(Schema):
    amount: str
    currency: str
    method: Literal["card", "paypal", "bank_transfer"]
    card_number: str = ""
    paypal_email: str = ""


class WithdrawIn(Schema):
    amount: str
    currency: str
    destination: Literal["iban", "paypal"]
    iban: str = ""
    holder_name: str = ""
    paypal_email: str = ""
    password: str = Field(..., description="Your account password (re-authentication).")
    code: str | None = Field(
        None, description="A code from your authenticator app, when two-factor is on."
    )


class WithdrawalOut(Schema):
    id: int
    amount: str
    currency: str
    destination: str
    status: str
    created_at: datetime


def _amount(value: str, currency: str) -> Money:
    currency_check(currency)
    return money_parse(value, currency)


@router.get(
    "/orgs/{org_id}/prepaid", response={200: BalanceOut, **ERRORS}, summary="Prepaid balance"
)
def prepaid_get(request: HttpRequest, org_id: int) -> BalanceOut:
    """P1: the balance, and the limits of one credit."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    organization = membership.organization
    balances = prepaid_balances(organization)
    return BalanceOut(
        currency=balances[0].currency,
        balance=f"{balances[0].amount:f}",
        credit_min=f"{settings.PREPAID_CREDIT_MIN:f}",
        credit_max=f"{settings.PREPAID_CREDIT_MAX:f}",
        balances=[
            CurrencyBalanceOut(currency=money.currency, balance=f"{money.amount:f}")
            for money in balances
        ],
    )


class EntryFilters(PageParams):
    currency: Literal["", "CHF", "EUR"] = ""


@router.get(
    "/orgs/{org_id}/prepaid/entries",
    response={200: EntryPage, **ERRORS},
    summary="Prepaid account history",
)
def prepaid_entries(request: HttpRequest, org_id: int, filters: Query[EntryFilters]) -> EntryPage:
    """P1: the movements, newest first, each with the balance after it; by default
    in the organization's currency, or in ``currency`` (O5: a former currency)."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    entries = prepaid_history(prepaid_account_of(membership.organization, filters.currency))
    return EntryPage(
        **page_count(entries),
        items=[
            EntryOut(
                id=entry.pk,
                date=entry.transaction.created_at,
                kind=entry.transaction.kind,
                description=entry.transaction.description,
                amount=f"{entry.amount:f}",
                balance_after=f"{entry.balance_after:f}",
            )
            for entry in entries[filters.offset : filters.end]
        ],
    )


@router.post(
    "/orgs/{org_id}/prepaid/credit",
    response={201: PaymentOut, **ERRORS},
    summary="Credit the account",
)
@idempotent
def prepaid_credit(request: HttpRequest, org_id: int, payload: CreditIn) -> tuple[int, PaymentOut]:
    """P1: starts a payment; the balance rises when it is confirmed (see the payment's
    status). Needs an ``Idempotency-Key`` header."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    currency_check(payload.currency)
    payment, _started = prepaid_credit_start(
        organization=membership.organization,
        amount=credit_amount_parse(payload.amount, payload.currency),
        method=payload.method,
        idempotency_key=idempotency_key(
            organization_id=membership.organization_id,
            user_id=membership.user_id,
            key=request.headers["Idempotency-Key"],
        ),
        acting=membership.user,
        details={"card_number": payload.card_number, "paypal_email": payload.paypal_email},
    )
    return 201, payment_out(payment)


@router.post(
    "/orgs/{org_id}/prepaid/withdraw",
    response={201: WithdrawalOut, **ERRORS},
    summary="Withdraw the balance",
)
@idempotent
def prepaid_withdraw(
    request: HttpRequest, org_id: int, payload: WithdrawIn
) -> tuple[int, WithdrawalOut]:
    """P4: the amount is reserved at once; a support agent pays it out. Needs an
    ``Idempotency-Key`` header and the account password (plus a two-factor code
    when two-factor is on)."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    # A7, P4: moving money out is sensitive: a token alone is not enough.
    reauth_api_check(request, user=membership.user, password=payload.password, code=payload.code)
    withdrawal: Withdrawal = withdrawal_request(
        organization=membership.organization,
        amount=_amount(payload.amount, payload.currency),
        destination=payload.destination,
        iban=payload.iban,
        holder_name=payload.holder_name,
        paypal_email=payload.paypal_email,
        idempotency_key=idempotency_key(
            organization_id=membership.organization_id,
            user_id=membership.user_id,
            key=request.headers["Idempotency-Key"],
        ),
        acting=membership.user,
    )
    return 201, WithdrawalOut(
        id=withdrawal.pk,
        amount=f"{withdrawal.amount:f}",
        currency=withdrawal.currency,
        destination=withdrawal.destination,
        status=withdrawal.status,
        created_at=withdrawal.created_at,
    )
