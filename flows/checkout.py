"""Checkout (S4, P1, P2): one way to pay, whatever is being paid.

Paying payment requests (unpaid invoices) is the piece every checkout ends
with: "pay these invoices: this much from the prepaid account, the rest by this
method". The invoice page's *Pay* and the API call it directly; the shop's cart
and a selection of renewals issue their invoices and then call it too.

One call, one transaction: the invoices are locked, then the other method's
payment starts (pending until its webhook, or until the transfer arrives), then
the prepaid account pays its part, which may make the invoices final and
numbered (the number series is taken last, as the lock order wants). A card
confirmation that arrives when the invoices were paid meanwhile (another
checkout, a transfer) credits its surplus to the prepaid account
(``billing.services.payment_confirm``), so two checkouts of the same request
never allocate more than is due.

The caller's idempotency key is the checkout's; each payment stores a key
derived from it (``:prepaid``, ``:rest``), so the same key again returns the
first checkout's result and charges nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentPurpose
from billing.models import PaymentStatus as Status
from billing.providers.bank import transfer_instructions
from billing.services import (
    invoices_lock_due,
    payment_from_prepaid,
    payment_method_check,
    payment_start,
)
from core.errors import BusinessError
from core.money import Money, money_parse
from ledger.services import InsufficientBalance, prepaid_balance
from orgs.models import Organization

PREPAID_SUFFIX = ":prepaid"
REST_SUFFIX = ":rest"


class CheckoutStatus:
    PAID = "paid"  # every invoice is paid and final
    PENDING = "pending"  # the rest waits for the card or PayPal webhook, or the transfer
    FAILED = "failed"  # the provider declined the rest (the prepaid part stays paid)
    EXPIRED = "expired"  # the rest was never confirmed in time (the prepaid part stays paid)
    PARTIAL = "partial"  # only the prepaid account paid, and not all: the rest stays due


@dataclass(frozen=True)
class InvoicesPayment:
    """What a checkout of payment requests did: the prepaid part (confirmed at once),
    the rest by another method (pending until confirmed), and for a bank transfer
    what the payer needs to make it."""

    invoices: list[Invoice]
    prepaid: Payment | None = None
    rest: Payment | None = None
    instructions: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.rest is not None and self.rest.status == Status.PENDING:
            return CheckoutStatus.PENDING
        if self.rest is not None and self.rest.status == Status.FAILED:
            return CheckoutStatus.FAILED
        if self.rest is not None and self.rest.status == Status.EXPIRED:
            return CheckoutStatus.EXPIRED
        if all(invoice.status != InvoiceStatus.UNPAID for invoice in self.invoices):
            return CheckoutStatus.PAID
        return CheckoutStatus.PARTIAL

    @property
    def reference(self) -> str:
        """The reference the result page is found by: the rest's payment, else the prepaid one."""
        payment = self.rest or self.prepaid
        assert payment is not None  # a checkout makes at least one payment
        return payment.reference


def _result(prepaid: Payment | None, rest: Payment | None) -> InvoicesPayment:
    payment = rest or prepaid
    assert payment is not None
    invoices = sorted(payment.invoices.all(), key=lambda invoice: invoice.pk)
    instructions = (
        transfer_instructions(rest)
        if rest is not None and rest.method == PaymentMethod.BANK_TRANSFER
        else {}
    )
    return InvoicesPayment(invoices=invoices, prepaid=prepaid, rest=rest, instructions=instructions)


def _payments_of_key(idempotency_key: str) -> tuple[Payment | None, Payment | None]:
    payments = {
        payment.idempotency_key: payment
        for payment in Payment.objects.filter(
            idempotency_key__in=[idempotency_key + PREPAID_SUFFIX, idempotency_key + REST_SUFFIX]
        )
    }
    return (
        payments.get(idempotency_key + PREPAID_SUFFIX),
        payments.get(idempotency_key + REST_SUFFIX),
    )


def _replay(
    prepaid: Payment | None,
    rest: Payment | None,
    *,
    organization: Organization,
    invoices: list[Invoice],
    method: str,
) -> InvoicesPayment:
    """The same key again: the first checkout's result, if it is the same request."""
    first = rest or prepaid
    assert first is not None
    same = (
        first.organization_id == organization.pk
        and first.purpose == PaymentPurpose.INVOICES
        and {i.pk for i in first.invoices.all()} == {i.pk for i in invoices}
        and (rest is None or rest.method == method)
    )
    if not same:
        raise BusinessError(
            _("This request was already used for another payment."), code="idempotency_key_reused"
        )
    return _result(prepaid, rest)


def _prepaid_part(
    prepaid_amount: Money | None, *, outstanding: Money, organization: Organization
) -> Money | None:
    """The part the prepaid account pays, checked before anything moves."""
    if prepaid_amount is None or not prepaid_amount.amount:
        return None
    if prepaid_amount.currency != outstanding.currency:
        raise BusinessError(
            _("The amount is not in the invoices' currency."), field="prepaid_amount"
        )
    # A positive amount in the currency's places, within bounds: the rule of every amount.
    prepaid_amount = money_parse(
        prepaid_amount.amount, outstanding.currency, field="prepaid_amount"
    )
    if prepaid_amount > outstanding:
        raise BusinessError(_("The amount is more than what is due."), field="prepaid_amount")
    # Read here for a clear message before anything starts; payment_from_prepaid
    # checks it again under the prepaid account's lock.
    balance = prepaid_balance(organization=organization, currency=outstanding.currency)
    if prepaid_amount > balance:
        raise InsufficientBalance(
            _("The prepaid account balance is not enough for this amount."),
            code="insufficient_balance",
            field="prepaid_amount",
        )
    return prepaid_amount


@transaction.atomic
def invoices_pay(
    *,
    organization: Organization,
    invoices: list[Invoice],
    method: str,
    prepaid_amount: Money | None,
    details: dict[str, Any] | None,
    idempotency_key: str,
    acting: User | None,
) -> InvoicesPayment:
    """P2, S4: pay payment requests; the prepaid account pays ``prepaid_amount`` (at
    most the balance and what is due), ``method`` the rest.

    With ``method`` "prepaid" the prepaid account pays everything: ``prepaid_amount``,
    or without it what the balance allows (the rest stays due). With another
    method, what the prepaid part leaves goes to the provider (``details``: the
    card number, the PayPal address); a prepaid part that covers everything needs
    no other method. The same ``idempotency_key`` again returns the first result.
    """
    payment_method_check(method)
    locked, outstanding = invoices_lock_due(organization=organization, invoices=invoices)
    # After the invoices' locks: a request with the same key that held them has
    # committed by now, and its payments are seen here.
    prepaid, rest = _payments_of_key(idempotency_key)
    if prepaid is not None or rest is not None:
        return _replay(prepaid, rest, organization=organization, invoices=locked, method=method)
    if not outstanding:
        raise BusinessError(_("These invoices are already paid."), code="already_paid")
    part = _prepaid_part(prepaid_amount, outstanding=outstanding, organization=organization)
    if method != PaymentMethod.PREPAID:
        remaining = outstanding - part if part is not None else outstanding
        if remaining.amount:
            rest, _started = payment_start(
                organization=organization,
                method=method,
                purpose=PaymentPurpose.INVOICES,
                amount=remaining,
                idempotency_key=idempotency_key + REST_SUFFIX,
                acting=acting,
                invoices=locked,
                details=details,
            )
    if method == PaymentMethod.PREPAID or part is not None:
        # Last: paying may make the invoices final, which takes the number series.
        prepaid = payment_from_prepaid(
            organization=organization,
            invoices=locked,
            idempotency_key=idempotency_key + PREPAID_SUFFIX,
            acting=acting,
            amount=part,
        )
    return _result(prepaid, rest)


def invoices_payment_of(*, organization: Organization, reference: str) -> InvoicesPayment | None:
    """A checkout of payment requests, found by the reference of one of its payments."""
    payment = Payment.objects.filter(
        organization=organization, purpose=PaymentPurpose.INVOICES, reference=reference
    ).first()
    if payment is None:
        return None
    key = payment.idempotency_key
    for suffix in (PREPAID_SUFFIX, REST_SUFFIX):
        if key.endswith(suffix):
            prepaid, rest = _payments_of_key(key.removesuffix(suffix))
            return _result(prepaid, rest)
    # A payment made before this checkout existed (the prepaid-only *Pay*).
    if payment.method == PaymentMethod.PREPAID:
        return _result(payment, None)
    return _result(None, payment)
