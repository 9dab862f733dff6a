"""The prepaid account pages (P1, P4): balance and history, credit, withdraw."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import request_user
from accounts.reauth import reauth_required
from billing.models import Payment, PaymentPurpose
from billing.qr_bill import transfer_details_for_payment
from core.errors import BusinessError
from core.forms import form_error_add
from core.idempotency import idempotency_key
from core.money import Money, money_parse
from core.pagination import keyset_page
from orgs.access import org_view
from orgs.models import Capability, Membership
from wallet.forms import CreditForm, WithdrawForm
from wallet.queries import (
    credits_pending,
    prepaid_accounts_of,
    prepaid_balances,
    prepaid_history,
    withdrawals_pending,
)
from wallet.services import credit_amount_parse, prepaid_credit_start, withdrawal_request

HISTORY_PAGE_SIZE = 25


def _limits(currency: str) -> dict[str, Money]:
    return {
        "credit_min": Money(settings.PREPAID_CREDIT_MIN, currency),
        "credit_max": Money(settings.PREPAID_CREDIT_MAX, currency),
    }


def _history_currency(request: HttpRequest, currencies: list[str]) -> str:
    """The currency whose history is shown: ``?currency=``, else the first listed."""
    wanted = (request.GET.get("currency") or "").upper()
    return wanted if wanted in currencies else currencies[0]


@org_view(Capability.ACCOUNTING)
def prepaid(request: HttpRequest, membership: Membership) -> HttpResponse:
    """P1: the balances, what is on its way in or out, and the history.

    O5: after a change of country the balance in the former currency stays
    shown, with its own history, and can be withdrawn.
    """
    organization = membership.organization
    currency = organization.currency.value
    # Issue 9: the accounts are read once, for the balances and for the history.
    listed = prepaid_accounts_of(organization)
    balances = prepaid_balances(organization, listed)
    accounts = {account.currency: account for account in listed}
    currencies = [balance.currency for balance in balances]
    currencies += [c for c in accounts if c not in currencies]
    shown = _history_currency(request, currencies)
    # Issue 9: by cursor on the entry id, no COUNT and no OFFSET over the history.
    page = keyset_page(
        prepaid_history(accounts.get(shown)),
        keys=("id",),
        kinds=("int",),
        size=HISTORY_PAGE_SIZE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    return render(
        request,
        "wallet/prepaid.html",
        {
            "balance": balances[0],
            "other_balances": balances[1:],
            "history_currencies": currencies if len(currencies) > 1 else [],
            "history_currency": shown,
            "query": urlencode({"currency": shown}) if len(currencies) > 1 else "",
            "page": page,
            "credits_pending": list(credits_pending(organization)[:10]),
            "withdrawals_pending": list(withdrawals_pending(organization)[:10]),
            **_limits(currency),
        },
    )


@org_view(Capability.ACCOUNTING)
def credit(request: HttpRequest, membership: Membership) -> HttpResponse:
    """P1: credit the account; the balance rises once the payment is confirmed."""
    organization = membership.organization
    currency = organization.currency.value
    form = CreditForm(request.POST or None, currency=currency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amount = credit_amount_parse(data["amount"], currency)
            payment, _started = prepaid_credit_start(
                organization=organization,
                amount=amount,
                method=data["method"],
                idempotency_key=idempotency_key(
                    organization_id=organization.pk,
                    user_id=membership.user_id,
                    key=data["idempotency_key"],
                ),
                acting=request_user(request),
                details={"card_number": data["card_number"], "paypal_email": data["paypal_email"]},
            )
        except BusinessError as error:
            form_error_add(form, error)
        else:
            return redirect("prepaid:credit_status", reference=payment.reference)
    return render(
        request,
        "wallet/credit.html",
        {"form": form, "currency": currency, **_limits(currency)},
    )


@org_view(Capability.ACCOUNTING)
def credit_status(request: HttpRequest, membership: Membership, reference: str) -> HttpResponse:
    """Where a credit stands: confirmed, waiting (bank transfer instructions) or declined."""
    payment = Payment.objects.filter(
        organization=membership.organization,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        reference=reference,
    ).first()
    if payment is None:
        raise Http404
    transfer = transfer_details_for_payment(payment)
    return render(
        request,
        "wallet/credit_status.html",
        {
            "payment": payment,
            "transfer": transfer,
            "qr_url": (
                reverse("billing:payment_qr_bill", args=[payment.reference])
                if transfer.has_qr_bill
                else ""
            ),
        },
    )


@org_view(Capability.ACCOUNTING)
@reauth_required
def withdraw(request: HttpRequest, membership: Membership) -> HttpResponse:
    """P4: reserve an amount at once; a support agent pays it out."""
    organization = membership.organization
    balances = {money.currency: money for money in prepaid_balances(organization)}
    # O5: a balance kept in a former currency is withdrawn like any other.
    currency = (request.GET.get("currency") or "").upper()
    if currency not in balances:
        currency = next((c for c, money in balances.items() if money), organization.currency.value)
    balance = balances[currency]
    form = WithdrawForm(
        request.POST or None,
        currency=currency,
        initial={"amount": balance.amount if balance else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            withdrawal_request(
                organization=organization,
                amount=money_parse(data["amount"], currency),
                destination=data["destination"],
                iban=data["iban"],
                holder_name=data["holder_name"],
                paypal_email=data["paypal_email"],
                idempotency_key=idempotency_key(
                    organization_id=organization.pk,
                    user_id=membership.user_id,
                    key=data["idempotency_key"],
                ),
                acting=request_user(request),
            )
        except BusinessError as error:
            form_error_add(form, error)
        else:
            messages.success(
                request,
                _(
                    "The amount is reserved. A support agent will pay it out; you will get an e-mail."
                ),
            )
            return redirect("prepaid")
    return render(
        request,
        "wallet/withdraw.html",
        {
            "form": form,
            "balance": balance,
            "has_balance": balance.amount > Decimal(0),
            "other_balances": [money for c, money in balances.items() if c != currency and money],
        },
    )
