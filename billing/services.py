"""Invoices and payments: the one write path (I1, P1, P2, X5).

Lock order, the same in every flow so that concurrent writers never wait on
each other in a cycle: the payment row, then invoices (primary-key order), then
prepaid accounts (primary-key order, in ``ledger_post``), then the number series,
taken as the last statements before COMMIT (``_invoices_finalize``). Shared system
accounts (receivables, revenue, VAT, clearing) are never locked: payments and
invoices of different organizations do not wait on each other
(docs/decisions/0005-money-without-hot-rows.md).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing.emails import credit_note_emails, payment_request_emails
from billing.hooks import order_settler
from billing.models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberSeries,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    WebhookEvent,
)
from billing.providers import provider_for
from billing.providers.base import ProviderStart, webhook_signature_valid
from billing.signals import invoices_paid, payment_expired, payment_failed
from core.audit import AuditKind, audit_record
from core.db import insert_unless_exists
from core.errors import BusinessError
from core.languages import texts_per_language
from core.money import Money, quantize
from core.outbox import email_enqueue
from ledger.models import Account, AccountKind, TransactionKind
from ledger.services import (
    InsufficientBalance,
    account_prepaid,
    account_system,
    accounts_system,
    ledger_post,
)
from orgs.models import Organization
from products.models import ProductInstance

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineDraft:
    """One line to bill. ``description`` is the line's text in English;
    ``description_translations`` its text per language (``core.languages.
    texts_per_language``), stored with the line so that every reader sees it in
    their own language and it never changes afterwards (docs/decisions/0003)."""

    description: str
    unit_price: Money
    quantity: int = 1
    vat_rate: Decimal = ZERO
    discount: Money | None = None
    discount_reason: str = ""
    period_start: date | None = None
    period_end: date | None = None
    plan_id: int | None = None
    product_id: int | None = None
    description_translations: Mapping[str, str] = field(default_factory=dict)


def product_line_texts(product: ProductInstance) -> dict[str, str]:
    """The text of a line billing ``product``, per language (X1): the offer and
    the plan as the catalog names them in each language, then the product's own
    name as its owner wrote it (when it has one)."""

    def text() -> str:
        plan = str(product.plan)
        return f"{plan} — {product.name}" if product.name else plan

    return texts_per_language(text)


def _texts_kept(texts: Mapping[str, str] | None, limit: int) -> dict[str, str]:
    """Only the panel's languages, each cut to the column's length."""
    languages = {code for code, _name in settings.LANGUAGES}
    return {code: str(text)[:limit] for code, text in (texts or {}).items() if code in languages}


def line_amounts(line: LineDraft) -> tuple[Money, Money, Money]:
    """(net, VAT, total) of one line: the rounding rule of billing/models.py."""
    currency = line.unit_price.currency
    discount = line.discount or Money.zero(currency)
    net = Money(line.unit_price.amount * line.quantity - discount.amount, currency)
    vat = Money(quantize(net.amount * line.vat_rate / HUNDRED, currency), currency)
    return net, vat, net + vat


def _line_check(line: LineDraft, currency: str) -> None:
    if line.unit_price.currency != currency or (
        line.discount is not None and line.discount.currency != currency
    ):
        raise BusinessError(_("Every line of an invoice is in the invoice's currency."))
    if line.quantity < 1 or line.unit_price.amount < 0 or line.vat_rate < 0:
        raise BusinessError(_("A line needs a quantity of at least 1 and no negative price."))
    if line.discount is not None and line.discount.amount:
        if (
            line.discount.amount < 0
            or line.discount.amount > line.unit_price.amount * line.quantity
        ):
            raise BusinessError(_("A discount lies between zero and the line's price."))
        if not line.discount_reason.strip():
            raise BusinessError(_("A discount needs its reason."))


def _reference_new(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def invoice_issue(
    *,
    organization: Organization,
    lines: list[LineDraft],
    acting: User | None = None,
    currency: str | None = None,
    vat_note: str = "",
    vat_note_translations: Mapping[str, str] | None = None,
) -> Invoice:
    """I1: issue an unpaid invoice (a payment request); totals computed once from the lines.

    Texts are stored as they read now, in every language given (X1): an issued
    invoice never changes when the catalog is renamed later.
    """
    currency = currency or organization.currency.value
    if not lines:
        raise BusinessError(_("An invoice has at least one line."))
    amounts = []
    for line in lines:
        _line_check(line, currency)
        amounts.append(line_amounts(line))
    net = sum((a[0].amount for a in amounts), ZERO)
    vat = sum((a[1].amount for a in amounts), ZERO)
    seller: dict[str, str] = settings.SELLER
    invoice = Invoice.objects.create(
        organization=organization,
        currency=currency,
        payment_reference=_reference_new("PR"),
        buyer_name=organization.name,
        buyer_street=organization.street,
        buyer_postcode=organization.postcode,
        buyer_city=organization.city,
        buyer_country=organization.country,
        seller_name=seller["name"],
        seller_address=seller["address"],
        seller_vat_number=seller["vat_number"],
        vat_note=vat_note,
        vat_note_translations=_texts_kept(vat_note_translations, 300),
        net_total=net,
        vat_total=vat,
        total=net + vat,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line.description[:300],
            description_translations=_texts_kept(line.description_translations, 300),
            plan_id=line.plan_id,
            product_id=line.product_id,
            period_start=line.period_start,
            period_end=line.period_end,
            unit_price=line.unit_price.amount,
            quantity=line.quantity,
            discount=line.discount.amount if line.discount else ZERO,
            discount_reason=line.discount_reason,
            vat_rate=line.vat_rate,
            net_amount=line_net.amount,
            vat_amount=line_vat.amount,
            total_amount=line_total.amount,
        )
        for position, (line, (line_net, line_vat, line_total)) in enumerate(
            zip(lines, amounts, strict=True), start=1
        )
    )
    if invoice.total:
        system = accounts_system(
            currency=currency,
            kinds=[AccountKind.RECEIVABLES, AccountKind.REVENUE, AccountKind.VAT_PAYABLE],
        )
        ledger_post(
            kind=TransactionKind.INVOICE_ISSUE,
            description=f"Invoice {invoice.payment_reference}",
            idempotency_key=f"invoice:{invoice.pk}:issue",
            organization=organization,
            postings=[
                (system[AccountKind.RECEIVABLES], -invoice.total_money),
                (system[AccountKind.REVENUE], invoice.net_total_money),
                (system[AccountKind.VAT_PAYABLE], invoice.vat_total_money),
            ],
        )
    audit_record(
        kind=AuditKind.INVOICE_ISSUED,
        actor=acting,
        organization=organization,
        data={
            "invoice": invoice.pk,
            "number": str(invoice),
            "total": f"{invoice.total:f}",
            "currency": currency,
        },
    )
    if not invoice.total:
        _invoices_finalize([invoice])  # nothing to pay (a free offer): final at once
    else:
        held = _requests_held.get()
        if held is None:
            payment_request_emails(invoice)  # I7
        else:
            held.append(invoice)  # paid in full before the block ends: no request e-mail
    return invoice


def invoice_outstanding(invoice: Invoice) -> Money:
    return _outstanding_of([invoice], invoice.currency)[0]


def _numbers_take(code: str, count: int = 1) -> int:
    """Take ``count`` consecutive numbers of a series; return the first (I1).

    One statement that creates the counter on first use. It locks the counter row
    until COMMIT (so a rolled-back transaction leaves no gap and no number is
    given twice): every caller takes its numbers as the last step of its
    transaction, so that the row, shared by every organization, is held for as
    short a time as possible.
    """
    quote = connection.ops.quote_name
    table = quote(NumberSeries._meta.db_table)
    counter = quote("next_number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('code')}, {counter}) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT ({quote('code')}) DO UPDATE SET {counter} = {table}.{counter} + %s "
            f"RETURNING {counter} - %s",
            [code, 1 + count, count, count],
        )
        first: int = cursor.fetchone()[0]
    return first


FINAL_FIELDS = ["series", "number", "legal_number", "status", "paid_at"]

# While an order is settled (``payment_confirm``), the invoices paid in full are
# gathered here and made final at the end, so that the number series stays the
# last lock of the transaction whatever the settler calls.
_finalize_deferred: ContextVar[list[Invoice] | None] = ContextVar(
    "billing_finalize_deferred", default=None
)


# Payment requests issued in such a block: their e-mail (I7) waits for the end of it,
# sent only for those still unpaid then (``_requests_release``).
_requests_held: ContextVar[list[Invoice] | None] = ContextVar("billing_requests_held", default=None)


@contextmanager
def _invoices_finalize_deferred() -> Iterator[list[Invoice]]:
    """Inside the block, ``_invoices_finalize`` only gathers; the caller finalizes them."""
    gathered: list[Invoice] = []
    token = _finalize_deferred.set(gathered)
    try:
        yield gathered
    finally:
        _finalize_deferred.reset(token)


@contextmanager
def _requests_hold() -> Iterator[list[Invoice]]:
    """Inside the block, ``invoice_issue`` holds the payment-request e-mails; the
    caller releases them with ``_requests_release`` once it knows what was paid."""
    held: list[Invoice] = []
    token = _requests_held.set(held)
    try:
        yield held
    finally:
        _requests_held.reset(token)


def _requests_release(held: list[Invoice], paid: list[Invoice]) -> None:
    """The payment-request e-mails of the held invoices not paid in full (``paid``).
    Called before the numbers are taken: the series stays the last lock."""
    paid_ids = {invoice.pk for invoice in paid}
    for invoice in held:
        if invoice.pk not in paid_ids:
            payment_request_emails(invoice)


@contextmanager
def invoices_numbered_last() -> Iterator[None]:
    """For a flow's own transaction: inside the block, the invoices that become paid
    in full (``payment_from_prepaid``, a free ``invoice_issue``) wait; on leaving it
    they take their numbers and ``invoices_paid`` is sent, once for all of them.

    The number series is shared by every organization and stays locked from the
    moment a number is taken to COMMIT: a checkout that pays from the prepaid
    account and then creates products or counts promo-code uses writes those
    inside the block, so the series remains the last lock (docs/decisions/0004).
    Use it inside ``transaction.atomic``; an exception leaves nothing numbered.
    """
    with _requests_hold() as held, _invoices_finalize_deferred() as gathered:
        yield
    _requests_release(held, gathered)
    _invoices_finalize(list({invoice.pk: invoice for invoice in gathered}.values()))


def _invoices_finalize(invoices: list[Invoice]) -> None:
    """The (locked) invoices are paid: they become final and take their legal numbers.

    Call it last in the transaction: from here to COMMIT the year's series is locked.
    Sends ``billing.signals.invoices_paid`` once for all of them (every payment path
    ends here, a free invoice too).
    """
    if not invoices:
        return
    deferred = _finalize_deferred.get()
    if deferred is not None:
        deferred.extend(invoices)
        return
    now = timezone.now()
    series = str(timezone.localdate(now).year)
    first = _numbers_take(series, len(invoices))
    invoices = sorted(invoices, key=lambda invoice: invoice.pk)
    for offset, invoice in enumerate(invoices):
        invoice.series = series
        invoice.number = first + offset
        invoice.legal_number = f"{series}-{invoice.number:06d}"
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = now
    if len(invoices) == 1:
        invoices[0].save(update_fields=FINAL_FIELDS)
    else:
        Invoice.objects.bulk_update(invoices, FINAL_FIELDS)
    invoices_paid.send(sender=Invoice, invoices=invoices)


def _invoices_lock(organization: Organization, invoices: list[Invoice]) -> list[Invoice]:
    ids = sorted({invoice.pk for invoice in invoices})
    locked = list(
        Invoice.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=ids, organization=organization)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise BusinessError(_("This invoice does not exist."), code="not_found")
    return locked


def _allocate(
    payment: Payment, invoices: list[Invoice], due: dict[int, Money], amount: Money
) -> list[Invoice]:
    """Apply ``amount`` to the (locked) invoices in order, ``due`` being what each one
    still needs; return the invoices now paid in full, for ``_invoices_finalize``."""
    remaining = amount
    allocations: list[Allocation] = []
    paid: list[Invoice] = []
    for invoice in invoices:
        outstanding = due[invoice.pk]
        if not remaining:
            break
        if not outstanding:
            continue
        applied = min(remaining, outstanding)
        allocations.append(Allocation(payment=payment, invoice=invoice, amount=applied.amount))
        remaining = remaining - applied
        if applied == outstanding:
            paid.append(invoice)
    Allocation.objects.bulk_create(allocations)
    return paid


def _outstanding_of(invoices: list[Invoice], currency: str) -> tuple[Money, dict[int, Money]]:
    """What the invoices still need, in total and each (one query)."""
    if any(invoice.currency != currency for invoice in invoices):
        raise BusinessError(_("These invoices are not all in the same currency."))
    unpaid = [invoice.pk for invoice in invoices if invoice.status == InvoiceStatus.UNPAID]
    paid: dict[int, Decimal] = defaultdict(Decimal)
    if unpaid:
        # Summed in Python: SQLite sums decimals as floats.
        rows = Allocation.objects.filter(invoice__in=unpaid).values_list("invoice_id", "amount")
        for invoice_id, amount in rows:
            paid[invoice_id] += amount
    due = {
        invoice.pk: Money(invoice.total - paid[invoice.pk], currency)
        if invoice.status == InvoiceStatus.UNPAID
        else Money.zero(currency)
        for invoice in invoices
    }
    return sum(due.values(), Money.zero(currency)), due


def _invoices_link(payment: Payment, invoices: list[Invoice]) -> None:
    """The invoices this payment is for (one INSERT; the payment is new)."""
    through = Payment.invoices.through
    through.objects.bulk_create(through(payment=payment, invoice=invoice) for invoice in invoices)


def invoices_lock_due(
    *, organization: Organization, invoices: list[Invoice]
) -> tuple[list[Invoice], Money]:
    """Lock the organization's invoices (primary-key order, the lock order) and say
    what they still need in total: for a flow that pays them with several payments
    in one transaction (the prepaid account, then another method)."""
    if not invoices:
        raise BusinessError(_("Choose at least one invoice to pay."))
    locked = _invoices_lock(organization, invoices)
    outstanding, _due = _outstanding_of(locked, locked[0].currency)
    return locked, outstanding


def payment_method_check(method: str) -> None:
    """The method is one Gestor accepts (a refusal names the field, for forms and API)."""
    if method not in PaymentMethod.values:
        raise BusinessError(_("Choose a payment method."), field="method")


def _existing_payment(
    key: str, *, organization: Organization, method: str, amount: Money | None
) -> Payment | None:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if (
        existing.organization_id != organization.pk
        or existing.method != method
        or (amount is not None and existing.amount_money != amount)
    ):
        raise BusinessError(
            _("This request was already used for another payment."), code="idempotency_key_reused"
        )
    return existing


@transaction.atomic
def payment_from_prepaid(
    *,
    organization: Organization,
    invoices: list[Invoice],
    idempotency_key: str,
    acting: User | None,
    amount: Money | None = None,
) -> Payment:
    """P2: pay invoices from the prepaid account: all of them, or ``amount`` of them.

    Without ``amount`` it takes what the balance allows; the rest stays due.
    """
    requested = amount
    if not invoices:
        raise BusinessError(_("Choose at least one invoice to pay."))
    locked = _invoices_lock(organization, invoices)
    currency = locked[0].currency
    # One statement, after the invoices' locks (the lock order): lock the prepaid
    # account, and read the receivables account and a payment with this key. A
    # request with the same key that held the invoices has committed by now; one
    # for other invoices that commits later is caught by the payment's unique key.
    prepaid = (
        Account.objects.select_for_update(no_key=True, of=("self",))
        .filter(kind=AccountKind.PREPAID, currency=currency, organization=organization)
        .annotate(
            receivables_id=Subquery(
                Account.objects.filter(
                    kind=AccountKind.RECEIVABLES, currency=currency, organization=None, provider=""
                ).values("pk")[:1]
            ),
            same_key_id=Subquery(
                Payment.objects.filter(idempotency_key=idempotency_key).values("pk")[:1]
            ),
        )
        .first()
    )
    if prepaid is None or prepaid.same_key_id:
        existing = _existing_payment(
            idempotency_key,
            organization=organization,
            method=PaymentMethod.PREPAID,
            amount=requested,
        )
        if existing is not None:
            return existing
    outstanding, due = _outstanding_of(locked, currency)
    if not outstanding:
        raise BusinessError(_("These invoices are already paid."), code="already_paid")
    balance = prepaid.balance_money if prepaid else Money.zero(currency)
    if amount is None:
        amount = min(outstanding, balance)
        if not amount:
            raise BusinessError(
                _("The prepaid account balance is not enough for this amount."),
                code="insufficient_balance",
            )
    elif amount.currency != currency:
        raise BusinessError(_("The amount is not in the invoices' currency."), field="amount")
    elif amount > outstanding:
        raise BusinessError(_("The amount is more than what is due."), field="amount")
    if prepaid is None or amount > balance:
        raise InsufficientBalance(
            _("The prepaid account balance is not enough for this amount."),
            code="insufficient_balance",
            field="amount",
        )
    if prepaid.receivables_id:
        receivables = Account(
            pk=prepaid.receivables_id,
            kind=AccountKind.RECEIVABLES,
            currency=currency,
            balance=None,
        )
    else:  # the first payment of this currency ever
        receivables = account_system(kind=AccountKind.RECEIVABLES, currency=currency)
    payment = Payment(
        organization=organization,
        method=PaymentMethod.PREPAID,
        purpose=PaymentPurpose.INVOICES,
        amount=amount.amount,
        currency=currency,
        status=PaymentStatus.CONFIRMED,
        idempotency_key=idempotency_key,
        reference=_reference_new("PA"),
        created_by=acting,
        confirmed_at=timezone.now(),
    )
    if not insert_unless_exists(payment, unique="idempotency_key"):
        # The same key for other invoices, committed meanwhile by another transaction.
        existing = _existing_payment(
            idempotency_key,
            organization=organization,
            method=PaymentMethod.PREPAID,
            amount=requested,
        )
        if existing is None:  # pragma: no cover - the key's row is there: it conflicted
            raise BusinessError(_("This request was already used for another payment."))
        return existing
    _invoices_link(payment, locked)
    ledger_post(
        kind=TransactionKind.INVOICE_PAYMENT,
        description=f"Payment {payment.reference} from the prepaid account",
        idempotency_key=f"payment:{payment.pk}:confirm",
        organization=organization,
        postings=[(prepaid, -amount), (receivables, amount)],
        locked=(prepaid,),
    )
    paid = _allocate(payment, locked, due, amount)
    audit_record(
        kind=AuditKind.PAYMENT_PREPAID,
        actor=acting,
        organization=organization,
        data={
            "payment": payment.pk,
            "reference": payment.reference,
            "amount": f"{amount.amount:f}",
            "currency": currency,
        },
    )
    _invoices_finalize(paid)
    return payment


# The methods that can pay an order before its invoice exists (confirmed by a webhook).
ORDER_METHODS = frozenset({PaymentMethod.CARD, PaymentMethod.PAYPAL})


@transaction.atomic
def payment_start(
    *,
    organization: Organization,
    method: str,
    purpose: str,
    amount: Money,
    idempotency_key: str,
    acting: User | None,
    invoices: list[Invoice] | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Payment, ProviderStart | None]:
    """Start a payment by card, bank transfer or PayPal; it is confirmed later (webhook, agent).

    ``purpose`` is ``INVOICES`` (pay ``invoices``), ``PREPAID_CREDIT`` (credit the
    prepaid account) or ``ORDER`` (card or PayPal for a shop order whose invoices are
    issued on confirmation by the settler registered in ``billing.hooks``; no
    ``invoices`` then). A second call with the same ``idempotency_key`` returns the first payment and
    starts nothing (a double click, a retried request).
    """
    if method == PaymentMethod.PREPAID:
        raise BusinessError(_("Choose a payment method."), field="method")
    if purpose == PaymentPurpose.ORDER:
        if method not in ORDER_METHODS:
            raise BusinessError(
                _(
                    "An order is paid by card or PayPal here; by bank transfer it waits as an "
                    "unpaid payment request."
                ),
                field="method",
            )
        if invoices:
            raise BusinessError(
                _("A payment for an order names no invoice: it is issued on payment.")
            )
        order_settler()  # none registered: refuse before any money is asked for
    existing = _existing_payment(
        idempotency_key, organization=organization, method=method, amount=amount
    )
    if existing is not None:
        return existing, None
    provider = provider_for(method)
    details = details or {}
    provider.validate(details)
    locked: list[Invoice] = []
    if purpose == PaymentPurpose.INVOICES:
        if not invoices:
            raise BusinessError(_("Choose at least one invoice to pay."))
        locked = _invoices_lock(organization, invoices)
        outstanding, _due = _outstanding_of(locked, amount.currency)
        if not outstanding:
            raise BusinessError(_("These invoices are already paid."), code="already_paid")
        if amount > outstanding:
            raise BusinessError(_("The amount is more than what is due."), field="amount")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                organization=organization,
                method=method,
                purpose=purpose,
                amount=amount.amount,
                currency=amount.currency,
                idempotency_key=idempotency_key,
                reference=provider.reference_new(),
                created_by=acting,
            )
    except IntegrityError:
        # The same request, a moment earlier, in another transaction.
        existing = _existing_payment(
            idempotency_key, organization=organization, method=method, amount=amount
        )
        if existing is None:
            raise
        return existing, None
    if locked:
        _invoices_link(payment, locked)
    started = provider.start(payment, details)
    audit_record(
        kind=AuditKind.PAYMENT_STARTED,
        actor=acting,
        organization=organization,
        data={
            "payment": payment.pk,
            "reference": payment.reference,
            "method": method,
            "amount": f"{amount.amount:f}",
            "currency": amount.currency,
        },
    )
    return payment, started


def _notify(payment: Payment, template: str) -> None:
    user = payment.created_by
    if user is None:
        return
    email_enqueue(
        to=user.email,
        template=f"billing/email/{template}",
        language=user.language,
        context={
            "payment": payment,
            "organization": payment.organization,
            "amount": payment.amount_money,
        },
    )


def _payment_locked(payment_id: int) -> Payment:
    return (
        Payment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organization")
        .get(pk=payment_id)
    )


def _order_settle(payment: Payment) -> tuple[list[Invoice], list[Invoice]]:
    """Run the registered settler (billing.hooks) for an order payment: the
    invoices it returns, locked, and those it already paid in full (to finalize)."""
    settler = order_settler()
    with _invoices_finalize_deferred() as settled:
        invoices = settler(payment)
    locked = _invoices_lock(payment.organization, list(invoices))
    if locked:
        _invoices_link(payment, locked)
    return locked, settled


@transaction.atomic
def payment_confirm(*, payment_id: int, acting: User | None = None) -> Payment:
    """The provider (or an agent, for a transfer) says the money arrived: move it once.

    The payment row is locked first; a payment no longer pending is returned
    untouched, so any number of deliveries, in any order, moves the money once.
    For ``PaymentPurpose.ORDER`` the settler registered in ``billing.hooks`` issues
    the invoices here, then the payment is allocated to them as for ``INVOICES``.

    A payment the sweep expired (``payments_expire``) that the provider confirms
    after all is never lost nor applied twice: for a credit it credits the
    prepaid account as usual; for invoices or an order, whose reservations were
    released on expiry, the whole amount goes to the prepaid account
    (``_payment_confirm_late``) and the customer is told by e-mail.
    """
    payment = _payment_locked(payment_id)
    if payment.status == PaymentStatus.EXPIRED and payment.purpose != PaymentPurpose.PREPAID_CREDIT:
        return _payment_confirm_late(payment, acting)
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED):
        return payment
    organization = payment.organization
    money = payment.amount_money
    clearing = account_system(
        kind=AccountKind.CLEARING, currency=payment.currency, provider=payment.method
    )
    prepaid = account_prepaid(organization=organization, currency=payment.currency)
    paid: list[Invoice] = []
    held: list[Invoice] = []
    if payment.purpose == PaymentPurpose.PREPAID_CREDIT:
        ledger_post(
            kind=TransactionKind.PREPAID_CREDIT,
            description=f"Credit {payment.reference} ({payment.get_method_display()})",
            idempotency_key=f"payment:{payment.pk}:confirm",
            organization=organization,
            postings=[(clearing, -money), (prepaid, money)],
        )
    else:
        settled: list[Invoice] = []
        if payment.purpose == PaymentPurpose.ORDER:
            with _requests_hold() as held:
                locked, settled = _order_settle(payment)
        else:
            locked = _invoices_lock(organization, list(payment.invoices.all()))
        receivables = account_system(kind=AccountKind.RECEIVABLES, currency=payment.currency)
        outstanding, due = _outstanding_of(locked, payment.currency)
        applied = min(money, outstanding)
        surplus = money - applied
        # Paid meanwhile by another payment: what is not needed goes to the prepaid account.
        postings = [(clearing, -money), (receivables, applied), (prepaid, surplus)]
        ledger_post(
            kind=TransactionKind.INVOICE_PAYMENT,
            description=f"Payment {payment.reference} ({payment.get_method_display()})",
            idempotency_key=f"payment:{payment.pk}:confirm",
            organization=organization,
            postings=[(account, amount) for account, amount in postings if amount],
        )
        paid = _allocate(payment, locked, due, applied)
        if settled:
            # Paid in full inside the settler: finalized here with the others, once each.
            by_id = {invoice.pk: invoice for invoice in locked}
            chosen = {invoice.pk: by_id.get(invoice.pk, invoice) for invoice in settled + paid}
            paid = list(chosen.values())
    payment.status = PaymentStatus.CONFIRMED
    payment.confirmed_at = timezone.now()
    payment.save(update_fields=["status", "confirmed_at"])
    audit_record(
        kind=AuditKind.PAYMENT_CONFIRMED,
        actor=acting,
        organization=organization,
        data={
            "payment": payment.pk,
            "reference": payment.reference,
            "method": payment.method,
            "amount": f"{payment.amount:f}",
            "currency": payment.currency,
        },
    )
    _notify(payment, "payment_confirmed")
    _requests_release(held, paid)  # an order's invoice left unpaid is a payment request (I7)
    _invoices_finalize(paid)
    return payment


def _payment_confirm_late(payment: Payment, acting: User | None) -> Payment:
    """The money of an expired payment for invoices or an order arrived after all:
    it all goes to the prepaid account (once: the ledger key is the confirmation's)."""
    money = payment.amount_money
    clearing = account_system(
        kind=AccountKind.CLEARING, currency=payment.currency, provider=payment.method
    )
    prepaid = account_prepaid(organization=payment.organization, currency=payment.currency)
    ledger_post(
        kind=TransactionKind.PAYMENT_SURPLUS,
        description=(
            f"Payment {payment.reference} ({payment.get_method_display()}) "
            "confirmed after it expired"
        ),
        idempotency_key=f"payment:{payment.pk}:confirm",
        organization=payment.organization,
        postings=[(clearing, -money), (prepaid, money)],
    )
    payment.status = PaymentStatus.CONFIRMED
    payment.confirmed_at = timezone.now()
    payment.save(update_fields=["status", "confirmed_at"])
    audit_record(
        kind=AuditKind.PAYMENT_CONFIRMED,
        actor=acting,
        organization=payment.organization,
        data={
            "payment": payment.pk,
            "reference": payment.reference,
            "method": payment.method,
            "amount": f"{payment.amount:f}",
            "currency": payment.currency,
            "after_expiry": True,
        },
    )
    _notify(payment, "payment_confirmed_late")
    return payment


@transaction.atomic
def payment_fail(*, payment_id: int, reason: str, acting: User | None = None) -> Payment:
    """The provider declined the payment: nothing moves; ``payment_failed`` is sent once."""
    payment = _payment_locked(payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["status", "failure_reason"])
    audit_record(
        kind=AuditKind.PAYMENT_FAILED,
        actor=acting,
        organization=payment.organization,
        data={"payment": payment.pk, "reference": payment.reference, "reason": reason[:300]},
    )
    _notify(payment, "payment_failed")
    payment_failed.send(sender=Payment, payment=payment)
    return payment


# The methods whose confirmation comes from the provider, and can therefore never come.
EXPIRING_METHODS = (PaymentMethod.CARD, PaymentMethod.PAYPAL)


def _expiry_cutoff(now: datetime | None) -> datetime:
    minutes: int = settings.PAYMENT_PENDING_EXPIRY_MINUTES
    return (now or timezone.now()) - timedelta(minutes=minutes)


def payments_expiring_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Card and PayPal payments still pending after PAYMENT_PENDING_EXPIRY_MINUTES.

    Read from the partial index of pending payments (billing_pay_pending_idx), never
    from the whole history: only pending rows are in it."""
    return list(
        Payment.objects.filter(
            status=PaymentStatus.PENDING,
            method__in=EXPIRING_METHODS,
            created_at__lt=_expiry_cutoff(now),
        )
        .order_by()
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def payment_expire(
    *, payment_id: int, now: datetime | None = None, acting: User | None = None
) -> Payment:
    """Expire a card or PayPal payment its provider never answered.

    The payment row is locked, as ``payment_confirm`` locks it: of an expiry and a
    confirmation at the same moment, the first one wins and the other sees it. A
    payment confirmed (or declined) meanwhile, or not old enough, is returned
    untouched; an expired one is never expired twice. Nothing moved when it was
    started, so nothing moves now; ``billing.signals.payment_expired`` is sent (the
    checkout releases what it reserved) and whoever started it is told.
    """
    payment = _payment_locked(payment_id)
    if (
        payment.status != PaymentStatus.PENDING
        or payment.method not in EXPIRING_METHODS
        or payment.created_at >= _expiry_cutoff(now)
    ):
        return payment
    payment.status = PaymentStatus.EXPIRED
    payment.expired_at = timezone.now()
    payment.save(update_fields=["status", "expired_at"])
    audit_record(
        kind=AuditKind.PAYMENT_EXPIRED,
        actor=acting,
        organization=payment.organization,
        data={
            "payment": payment.pk,
            "reference": payment.reference,
            "method": payment.method,
            "amount": f"{payment.amount:f}",
            "currency": payment.currency,
        },
    )
    _notify(payment, "payment_expired")
    payment_expired.send(sender=Payment, payment=payment)
    return payment


def payments_expire(*, now: datetime | None = None, batch: int = 500) -> int:
    """The sweep (beat task ``payments_expire_task``, ``manage.py payments_expire``):
    expire every card or PayPal payment pending for too long, each in its own
    transaction; how many it expired. Run twice, or beside a confirmation, it
    expires each payment once."""
    expired = 0
    seen: set[int] = set()
    while True:
        ids = [pk for pk in payments_expiring_ids(now=now, limit=batch) if pk not in seen]
        if not ids:
            return expired
        for payment_id in ids:
            seen.add(payment_id)
            if payment_expire(payment_id=payment_id, now=now).status == PaymentStatus.EXPIRED:
                expired += 1


class WebhookRefused(Exception):
    """A notification that is not signed by the provider or does not match its payment."""


@transaction.atomic
def webhook_receive(*, provider: str, body: bytes, signature: str) -> str:
    """Verify, deduplicate by event id, then act once (X5).

    Returns "processed", "duplicate" or "ignored". The same event delivered ten
    times at once: the first insert of its id wins, the others wait on the
    unique index and then find it, so the money moves once.
    """
    if provider not in settings.PAYMENT_WEBHOOK_SECRETS:
        raise WebhookRefused("unknown provider")
    if not webhook_signature_valid(provider, body, signature):
        raise WebhookRefused("bad signature")
    try:
        event = json.loads(body)
        event_id = str(event["id"])[:100]
        kind = str(event["type"])[:60]
        data = event["data"]
        reference = str(data["reference"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused("malformed event") from None
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                provider=provider, event_id=event_id, kind=kind, payload=event
            )
    except IntegrityError:
        return "duplicate"
    payment = Payment.objects.filter(method=provider, reference=reference).first()
    if payment is None:
        logger.warning("Webhook %s %s names no known payment", provider, event_id)
        return "ignored"
    if kind == "payment.succeeded":
        if (
            str(data.get("amount")) != f"{payment.amount:f}"
            or data.get("currency") != payment.currency
        ):
            raise WebhookRefused("amount or currency differs from the payment")
        payment_confirm(payment_id=payment.pk)
    elif kind == "payment.failed":
        payment_fail(payment_id=payment.pk, reason=str(data.get("reason", "declined")))
    else:
        return "ignored"
    return "processed"


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, acting: User | None) -> Invoice:
    """Cancel an unpaid invoice on which nothing was paid; the ledger is reversed."""
    (invoice,) = _invoices_lock(invoice.organization, [invoice])
    if invoice.status != InvoiceStatus.UNPAID or invoice.allocations.exists():
        raise BusinessError(_("Only an unpaid invoice without any payment can be cancelled."))
    if invoice.total:
        currency = invoice.currency
        ledger_post(
            kind=TransactionKind.INVOICE_CANCEL,
            description=f"Invoice {invoice.payment_reference} cancelled",
            idempotency_key=f"invoice:{invoice.pk}:cancel",
            organization=invoice.organization,
            postings=[
                (
                    account_system(kind=AccountKind.RECEIVABLES, currency=currency),
                    invoice.total_money,
                ),
                (
                    account_system(kind=AccountKind.REVENUE, currency=currency),
                    -invoice.net_total_money,
                ),
                (
                    account_system(kind=AccountKind.VAT_PAYABLE, currency=currency),
                    -invoice.vat_total_money,
                ),
            ],
        )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_at = timezone.now()
    invoice.save(update_fields=["status", "cancelled_at"])
    audit_record(
        kind=AuditKind.INVOICE_CANCELLED,
        actor=acting,
        organization=invoice.organization,
        data={"invoice": invoice.pk, "number": str(invoice)},
    )
    return invoice


@transaction.atomic
def invoice_refund(*, invoice: Invoice, reason: str, acting: User | None) -> CreditNote:
    """I1: refund a paid invoice with a credit note; the money returns to the prepaid account."""
    (invoice,) = _invoices_lock(invoice.organization, [invoice])
    if invoice.status != InvoiceStatus.PAID:
        raise BusinessError(_("Only a paid invoice can be refunded."))
    if not reason.strip():
        raise BusinessError(_("Give the reason for the refund."), field="reason")
    if not invoice.total:
        # A free offer's invoice is final at once and moved no money: nothing to return.
        raise BusinessError(_("This invoice is free: there is nothing to refund."))
    currency = invoice.currency
    ledger_post(
        kind=TransactionKind.REFUND,
        description=f"Credit note for invoice {invoice.legal_number}",
        idempotency_key=f"invoice:{invoice.pk}:refund",
        organization=invoice.organization,
        postings=[
            (account_system(kind=AccountKind.REVENUE, currency=currency), -invoice.net_total_money),
            (
                account_system(kind=AccountKind.VAT_PAYABLE, currency=currency),
                -invoice.vat_total_money,
            ),
            (
                account_prepaid(organization=invoice.organization, currency=currency),
                invoice.total_money,
            ),
        ],
    )
    invoice.status = InvoiceStatus.REFUNDED
    invoice.refunded_at = timezone.now()
    invoice.save(update_fields=["status", "refunded_at"])
    series = f"CN{timezone.localdate().year}"
    number = _numbers_take(series)  # the last statements: the series stays locked to COMMIT
    note = CreditNote.objects.create(
        invoice=invoice,
        series=series,
        number=number,
        legal_number=f"{series}-{number:06d}",
        currency=currency,
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        total=invoice.total,
        reason=reason[:300],
        created_by=acting,
    )
    audit_record(
        kind=AuditKind.INVOICE_REFUNDED,
        actor=acting,
        organization=invoice.organization,
        data={
            "invoice": invoice.pk,
            "number": str(invoice),
            "credit_note": note.pk,
            "credit_note_number": note.legal_number,
        },
    )
    credit_note_emails(note)  # I7
    return note
