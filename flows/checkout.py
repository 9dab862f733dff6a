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

Checking out a cart (``cart_checkout``)
---------------------------------------
Under the organization's lock (the first lock of docs/decisions/0004), the cart
is priced again (``shop.pricing.cart_quote``), each line's details are checked
(``products.requirements.requirement_clean``), and the order is written with
its lines priced as quoted. Its promo code uses and grants are reserved
(``shop.promotions``): the last use of a code goes to one order only. Then, by
case:

- **Nothing to pay** (a free offer, a 100 % grant or code): the invoice is
  issued, final at once, and the products are created now.
- **The prepaid account pays everything**: the invoice is issued and paid from
  the prepaid account in the same transaction; products now.
- **Bank transfer** (with or without a prepaid part, paid at once): the invoice
  waits as a payment request with a bank-transfer payment started for what is
  left; the cart is emptied. The products are created when the invoice is paid,
  whichever way (the transfer marked paid or imported, or the prepaid account
  later).
- **Card or PayPal** (with or without a prepaid part): the order and a payment
  with purpose ``ORDER`` for the part the provider pays; no invoice yet, and no
  prepaid money taken. The cart stays as it is until the payment is confirmed.

Prepaid part + card or PayPal: a declined card must leave nothing behind, so
nothing is taken from the prepaid account when the order is placed (its balance
is only checked). When the provider confirms, the order settler
(``order_settle``, registered in ``billing.hooks``) issues the invoice and, in
the same transaction, pays the prepaid part from the prepaid account; billing
then allocates the card's money to the rest. If the balance no longer covers the
prepaid part by then, the invoice stays a payment request for that part, the
order waits for it (``CheckoutStatus.AWAITING_PAYMENT``) and the customer is
told by e-mail; its products are created once it is paid.

Fulfilment (``orders_fulfil``) runs when the order's invoice becomes paid
(``billing.signals.invoices_paid``), once per order whatever the order and
repetition of the provider's notifications: the order row is locked and only an
order still awaiting payment is fulfilled. A failed or expired ``ORDER`` payment
cancels its order and releases its reservations; the cart is untouched.

Locks: the organization, then the promo codes and grants taken, then billing's
(payment, invoices by id, prepaid accounts, the number series last). The order
row is locked only by the paths that already hold its payment or its invoice
(confirmation, failure, expiry): ``cart_checkout`` creates the order and its
payment together, so nobody else can see them before its COMMIT, and no
transaction ever holds an order while waiting for its payment or invoice.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing.hooks import order_settler_register
from billing.models import (
    PAYMENT_METHOD_IN_SENTENCE,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
)
from billing.models import PaymentStatus as Status
from billing.providers.bank import transfer_instructions
from billing.services import (
    LineDraft,
    invoice_issue,
    invoice_outstanding,
    invoices_lock_due,
    invoices_numbered_last,
    payment_from_prepaid,
    payment_method_check,
    payment_start,
)
from billing.signals import invoices_paid, payment_expired, payment_failed
from catalog.queries import vat_for_organization
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.languages import texts_per_language
from core.money import Money, money_format, money_parse
from core.outbox import email_enqueue
from ledger.services import InsufficientBalance, prepaid_balance
from orgs.models import Capability, Membership, Organization
from orgs.services._common import locked_for
from products.models import ProductInstance
from products.requirements import offer_requirement, requirement_clean
from products.services import product_create
from shop.models import Cart, CartLine, Order, OrderLine, OrderStatus
from shop.pricing import Quote, QuotedLine, cart_lines_for_quote, cart_quote
from shop.promotions import (
    grant_reserve,
    promo_use_reserve,
    promotions_confirm,
    promotions_release,
)

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


# --- checking out a cart (S2-S4) --------------------------------------------------

IDEMPOTENCY_KEY_MAX_LENGTH = 200
# The methods whose payment is confirmed later by the provider, before any invoice exists.
ORDER_METHODS = frozenset({PaymentMethod.CARD, PaymentMethod.PAYPAL})


class CartCheckoutStatus:
    PAID = "paid"  # the order is paid, its products exist
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # card or PayPal: the provider's answer
    AWAITING_TRANSFER = "awaiting_transfer"  # bank transfer: the invoice is the payment request
    AWAITING_PAYMENT = "awaiting_payment"  # the prepaid part could not be paid at confirmation
    FAILED = "failed"  # the payment was declined or expired: nothing was created


@dataclass(frozen=True)
class CheckoutResult:
    """What a checkout did, for the confirmation page and the API.

    ``invoice`` is the paid invoice, or the payment request still to pay;
    ``payment`` the card, PayPal or bank-transfer payment; ``instructions`` what
    a bank transfer needs (IBAN, beneficiary, reference); ``message`` the
    sentence the page shows, in the active language.
    """

    order: Order
    status: str
    message: str
    invoice: Invoice | None = None
    payment: Payment | None = None
    instructions: dict[str, str] = field(default_factory=dict)

    @property
    def is_paid(self) -> bool:
        return self.status == CartCheckoutStatus.PAID


# --- placing the order ---------------------------------------------------------------


# Set while ``cart_checkout`` runs: the products its order creates are checked
# strictly (a domain name taken meanwhile refuses the whole checkout).
_in_checkout: ContextVar[bool] = ContextVar("flows_checkout_in_checkout", default=False)


@contextmanager
def _checkout_running() -> Iterator[None]:
    token = _in_checkout.set(True)
    try:
        yield
    finally:
        _in_checkout.reset(token)


@transaction.atomic
def cart_checkout(
    *,
    membership: Membership,
    cart: Cart,
    method: str,
    prepaid_amount: Money | None,
    details: dict[str, Any],
    idempotency_key: str,
) -> CheckoutResult:
    """S2–S4, P1: turn the user's cart into an order and pay it (see the module's text).

    The same ``idempotency_key`` again returns the first order's result and
    charges nothing twice. Raises ``BusinessError`` with the reason when the
    cart cannot be ordered as it is; nothing is created then.
    """
    organization, acting = locked_for(membership, Capability.MANAGE_PRODUCTS)
    key = _idempotency_key_clean(idempotency_key)
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _order_replay(existing, organization)
    _cart_check(cart, acting)
    lines = cart_lines_for_quote(cart)
    quote = cart_quote(organization=organization, lines=lines)
    _quote_check(quote)
    requirements = _requirements_clean(quote)
    method, part = _payment_split(quote, method, prepaid_amount, organization)
    # The invoice numbers come last (invoices_numbered_last): the products, the
    # promo codes and grants are written before the shared number series is locked.
    with _checkout_running(), invoices_numbered_last():
        order = _order_create(
            organization=organization,
            user=acting.user,
            quote=quote,
            requirements=requirements,
            method=method,
            part=part,
            key=key,
        )
        _promotions_reserve(order, quote, organization)
        _order_pay(order, quote, method=method, details=details, user=acting.user)
        if method not in ORDER_METHODS:
            CartLine.objects.filter(pk__in=[q.line.pk for q in quote.lines]).delete()
    return checkout_result(order)


def _idempotency_key_clean(raw: str) -> str:
    key = (raw or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise BusinessError(
            _("The request has no valid idempotency key."), code="idempotency_key_invalid"
        )
    return key


def _order_replay(order: Order, organization: Organization) -> CheckoutResult:
    """The same key again: the first order's result, if it is this organization's."""
    if order.organization_id != organization.pk:
        raise BusinessError(
            _("This request was already used for another order."), code="idempotency_key_reused"
        )
    return checkout_result(order)


def _cart_check(cart: Cart, acting: Membership) -> None:
    if cart.organization_id != acting.organization_id or cart.user_id != acting.user_id:
        raise BusinessError(_("This cart is not yours."), code="not_found")


def _quote_check(quote: Quote) -> None:
    if not quote.lines:
        raise BusinessError(_("Your cart is empty."), code="cart_empty")
    if not quote.can_check_out:
        raise BusinessError(" ".join(quote.problems), code="cart_problems")


def _requirements_clean(quote: Quote) -> dict[int, str]:
    """Each line's details checked again (a domain name may have been taken since)."""
    cleaned: dict[int, str] = {}
    for quoted in quote.lines:
        line = quoted.line
        value = requirement_clean(line.plan.offer.kind, line.requirement, plan=line.plan)
        requirement = offer_requirement(line.plan.offer.kind)
        if value and requirement is not None and requirement.held_once and line.quantity > 1:
            raise BusinessError(
                _("%(product)s for %(domain)s is ordered once: set its quantity to 1.")
                % {"product": line.plan, "domain": value},
                code="quantity",
                field="quantity",
            )
        cleaned[line.pk] = value
    return cleaned


def _payment_split(
    quote: Quote, method: str, prepaid_amount: Money | None, organization: Organization
) -> tuple[str, Money]:
    """(the method, the part the prepaid account pays), checked before anything is written."""
    total = quote.total
    if not total:
        return "", Money.zero(total.currency)
    if method not in PaymentMethod.values:
        raise BusinessError(_("Choose a payment method."), code="method", field="method")
    part = total if method == PaymentMethod.PREPAID else prepaid_amount
    if part is None or not part.amount:
        return method, Money.zero(total.currency)
    if part.currency != total.currency:
        raise BusinessError(_("The amount is not in the order's currency."), field="prepaid_amount")
    if part.amount < 0 or part > total:
        raise BusinessError(
            _("The prepaid account pays at most the order's total, %(total)s.")
            % {"total": money_format(total)},
            field="prepaid_amount",
        )
    if part > prepaid_balance(organization=organization, currency=total.currency):
        raise InsufficientBalance(
            _("The prepaid account balance is not enough for this amount."),
            code="insufficient_balance",
            field="prepaid_amount",
        )
    if part == total:
        return PaymentMethod.PREPAID, part
    return method, part


def _order_reference() -> str:
    return f"OR-{secrets.token_hex(5).upper()}"


def _order_create(
    *,
    organization: Organization,
    user: User,
    quote: Quote,
    requirements: dict[int, str],
    method: str,
    part: Money,
    key: str,
) -> Order:
    order = Order(
        organization=organization,
        reference=_order_reference(),
        currency=quote.currency,
        payment_method=method,
        prepaid_amount=part.amount,
        subtotal=quote.subtotal.amount,
        discount_total=quote.discount_total.amount,
        net_total=quote.net_total.amount,
        vat_total=quote.vat_total.amount,
        total=quote.total.amount,
        idempotency_key=key,
        created_by=user,
    )
    try:
        with transaction.atomic():
            order.save(force_insert=True)
    except IntegrityError:
        # The same key, committed meanwhile by another organization's request.
        raise BusinessError(
            _("This request was already used for another order."), code="idempotency_key_reused"
        ) from None
    OrderLine.objects.bulk_create(
        _order_line(order, position, quoted, requirements[quoted.line.pk])
        for position, quoted in enumerate(quote.lines, start=1)
    )
    audit_record(
        kind=AuditKind.ORDER_PLACED,
        actor=user,
        organization=organization,
        data={
            "order": order.pk,
            "reference": order.reference,
            "total": f"{order.total:f}",
            "currency": order.currency,
            "method": method,
        },
    )
    return order


def _order_line(order: Order, position: int, quoted: QuotedLine, requirement: str) -> OrderLine:
    line = quoted.line
    plan = line.plan
    texts = texts_per_language(lambda: plan)
    return OrderLine(
        order=order,
        position=position,
        plan=plan,
        period_months=line.period_months,
        quantity=line.quantity,
        requirement=requirement,
        description=texts.get("en", str(plan))[:300],
        description_translations=texts,
        unit_price=quoted.unit_price.amount,
        discount=quoted.discount.amount,
        discount_reason=quoted.discount_reason[:200],
        promo_code=line.promo_code if quoted.discount_terms and line.promo_code_id else None,
        grant=line.grant if quoted.discount_terms and line.grant_id else None,
        discount_terms=quoted.discount_terms,
        vat_rate=quoted.vat_rate,
        net_amount=quoted.net.amount,
        vat_amount=quoted.vat.amount,
        total_amount=quoted.total.amount,
    )


def _promotions_reserve(order: Order, quote: Quote, organization: Organization) -> None:
    """S2, S3: take the codes' uses and the grants for this order, or refuse it."""
    codes = {}
    for quoted in quote.lines:
        line = quoted.line
        if line.promo_code is not None and quoted.discount_terms:
            codes[line.promo_code.pk] = line.promo_code
        if line.grant is not None and quoted.discount_terms:
            grant_reserve(grant=line.grant, order=order)
    for pk in sorted(codes):
        promo_use_reserve(code=codes[pk], organization=organization, order=order)


def _order_pay(
    order: Order, quote: Quote, *, method: str, details: dict[str, Any], user: User
) -> None:
    if not quote.total:
        _order_invoice_issue(order, acting=user)  # nothing to pay
        _order_fulfil(order, strict=True)
    elif method == PaymentMethod.PREPAID:
        invoice = _order_invoice_issue(order, acting=user)
        _prepaid_pay(order, invoice, acting=user)
        _order_fulfil(order, strict=True)
    elif method == PaymentMethod.BANK_TRANSFER:
        _bank_transfer_start(order, details=details, acting=user)
    else:
        _order_payment_start(order, method=method, details=details, acting=user)


# --- invoices and payments -----------------------------------------------------------


def _months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _invoice_drafts(order: Order, today: date) -> list[LineDraft]:
    currency = order.currency
    return [
        LineDraft(
            description=line.description,
            description_translations=line.description_translations,
            unit_price=Money(line.unit_price, currency),
            quantity=line.quantity,
            vat_rate=line.vat_rate,
            discount=Money(line.discount, currency) if line.discount else None,
            discount_reason=line.discount_reason,
            period_start=today,
            period_end=_months_after(today, line.period_months),
            plan_id=line.plan_id,
        )
        for line in order.lines.order_by("position")
    ]


def _order_invoice_issue(order: Order, *, acting: User | None) -> Invoice:
    """The order's invoice, its lines as the order priced them (S4, I1)."""
    today = timezone.localdate()
    vat = vat_for_organization(organization=order.organization, on=today)
    invoice = invoice_issue(
        organization=order.organization,
        lines=_invoice_drafts(order, today),
        acting=acting,
        currency=order.currency,
        vat_note=vat.mentions.get("en", vat.mention),
        vat_note_translations=vat.mentions,
    )
    Order.objects.filter(pk=order.pk).update(invoice=invoice)
    order.invoice = invoice
    return invoice


def _prepaid_pay(order: Order, invoice: Invoice, *, acting: User | None) -> Payment:
    return payment_from_prepaid(
        organization=order.organization,
        invoices=[invoice],
        idempotency_key=f"order:{order.pk}:prepaid",
        acting=acting,
        amount=order.prepaid_money,
    )


def _bank_transfer_start(order: Order, *, details: dict[str, Any], acting: User) -> None:
    invoice = _order_invoice_issue(order, acting=acting)
    payment_start(
        organization=order.organization,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.INVOICES,
        amount=order.total_money - order.prepaid_money,
        idempotency_key=f"order:{order.pk}:transfer",
        acting=acting,
        invoices=[invoice],
        details=details,
    )
    if order.prepaid_amount:
        _prepaid_pay(order, invoice, acting=acting)


def _order_payment_start(
    order: Order, *, method: str, details: dict[str, Any], acting: User
) -> None:
    payment, _started = payment_start(
        organization=order.organization,
        method=method,
        purpose=PaymentPurpose.ORDER,
        amount=order.total_money - order.prepaid_money,
        idempotency_key=f"order:{order.pk}:{method}",
        acting=acting,
        details=details,
    )
    Order.objects.filter(pk=order.pk).update(payment=payment)
    order.payment = payment


def order_settle(payment: Payment) -> list[Invoice]:
    """billing's order settler: the card or PayPal payment of an order is confirmed.

    Issues the order's invoice and pays its prepaid part from the prepaid
    account, in billing's transaction; returns the invoice for the payment to be
    allocated to (billing then makes it final, and ``invoices_paid`` fulfils the
    order). An order that is no longer waiting returns nothing: the money goes
    to the prepaid account.
    """
    order = (
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organization")
        .filter(payment_id=payment.pk)
        .first()
    )
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT or order.invoice_id:
        return []
    invoice = _order_invoice_issue(order, acting=None)
    if order.prepaid_amount:
        try:
            _prepaid_pay(order, invoice, acting=None)
        except BusinessError as error:
            _prepaid_part_missed(order, invoice, reason=str(error))
    return [invoice]


def _prepaid_part_missed(order: Order, invoice: Invoice, *, reason: str) -> None:
    """The balance no longer covers the prepaid part: the invoice waits for it."""
    audit_record(
        kind=AuditKind.ORDER_AWAITING_PAYMENT,
        actor=None,
        organization=order.organization,
        data={
            "order": order.pk,
            "reference": order.reference,
            "amount": f"{order.prepaid_amount:f}",
            "currency": order.currency,
            "reason": reason[:300],
        },
    )
    user = order.created_by
    if user is None:
        return
    email_enqueue(
        to=user.email,
        template="shop/email/order_awaiting_payment",
        language=user.language,
        context={
            "user": user,
            "order": order,
            "organization": order.organization,
            "invoice": invoice,
            "amount": order.prepaid_money,
        },
    )


# --- fulfilment ----------------------------------------------------------------------


def orders_fulfil(*, invoice_ids: list[int]) -> list[Order]:
    """S4: the orders whose invoices are now paid in full get their products, once each.

    Called by billing's ``invoices_paid`` (a transfer, a card, the prepaid account
    later); ``cart_checkout`` fulfils what it pays itself before the invoice is
    numbered. Only rows of the organization are locked or written here."""
    orders = list(
        Order.objects.select_for_update(no_key=True, of=("self",))
        .filter(invoice_id__in=invoice_ids, status=OrderStatus.AWAITING_PAYMENT)
        .select_related("organization", "created_by")
        .order_by("pk")
    )
    for order in orders:
        _order_fulfil(order, strict=_in_checkout.get())
    return orders


@dataclass(frozen=True)
class _Unfulfilled:
    line: OrderLine
    reason: str


def _order_fulfil(order: Order, *, strict: bool) -> None:
    today = timezone.localdate()
    missed: list[_Unfulfilled] = []
    for line in order.lines.select_related("plan__offer").order_by("position"):
        try:
            _line_products_create(order, line, today)
        except BusinessError as error:
            if strict:
                raise
            missed.append(_Unfulfilled(line, str(error)))
    promotions_confirm(order)
    order.status = OrderStatus.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at"])
    if order.payment_id:
        _cart_lines_ordered_remove(order)
    audit_record(
        kind=AuditKind.ORDER_PAID,
        actor=None,
        organization=order.organization,
        data={
            "order": order.pk,
            "reference": order.reference,
            "total": f"{order.total:f}",
            "currency": order.currency,
            "not_created": [m.line.description for m in missed],
        },
    )
    _order_confirmation_send(order, missed)


def _line_products_create(order: Order, line: OrderLine, today: date) -> None:
    """One product per unit, term from today, auto-renewal on (S4); all or none."""
    with transaction.atomic():
        products = [
            product_create(
                organization=order.organization,
                plan=line.plan,
                period_months=line.period_months,
                term_start=today,
                term_end=_months_after(today, line.period_months),
                requirement_value=line.requirement,
            )
            for _unit in range(line.quantity)
        ]
        line.products.add(*products)


def _cart_lines_ordered_remove(order: Order) -> None:
    """Card or PayPal: the cart kept its lines until the payment was confirmed;
    now the lines ordered leave it (one per order line, the same plan, period
    and details; what was added since stays)."""
    if order.created_by_id is None:
        return
    cart = Cart.objects.filter(
        organization_id=order.organization_id, user_id=order.created_by_id
    ).first()
    if cart is None:
        return
    taken: list[int] = []
    for line in order.lines.all():
        match = (
            CartLine.objects.filter(
                cart=cart,
                plan_id=line.plan_id,
                period_months=line.period_months,
                requirement=line.requirement,
            )
            .exclude(pk__in=taken)
            .order_by("id")
            .values_list("pk", flat=True)
            .first()
        )
        if match is not None:
            taken.append(match)
    CartLine.objects.filter(pk__in=taken).delete()


def _order_confirmation_send(order: Order, missed: list[_Unfulfilled]) -> None:
    user = order.created_by
    if user is None:
        return
    lines = list(order.lines.prefetch_related("products").order_by("position"))
    products: list[ProductInstance] = [p for line in lines for p in line.products.all()]
    email_enqueue(
        to=user.email,
        template="shop/email/order_confirmed",
        language=user.language,
        context={
            "user": user,
            "order": order,
            "organization": order.organization,
            "lines": lines,
            "products": products,
            "missed": missed,
            "invoice": order.invoice,
        },
    )


# --- a payment that will not come --------------------------------------------------------


def order_cancel_for_payment(payment: Payment) -> Order | None:
    """The order's card or PayPal payment failed or expired: cancel the order and
    release its promo codes and grants. Nothing was created; the cart is intact."""
    order = (
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organization")
        .filter(payment_id=payment.pk, status=OrderStatus.AWAITING_PAYMENT)
        .first()
    )
    if order is None:
        return None
    promotions_release(order)
    reason = payment.failure_reason or payment.status
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.cancel_reason = reason[:300]
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit_record(
        kind=AuditKind.ORDER_CANCELLED,
        actor=None,
        organization=order.organization,
        data={"order": order.pk, "reference": order.reference, "reason": reason[:300]},
    )
    return order


# --- the result ------------------------------------------------------------------------


def checkout_result(order: Order) -> CheckoutResult:
    """What the order's checkout page shows now (after a reload, a webhook, a transfer)."""
    order = Order.objects.select_related("invoice", "payment").get(pk=order.pk)
    invoice = order.invoice
    payment = order.payment
    status = _status_of(order)
    if status == CartCheckoutStatus.AWAITING_TRANSFER and invoice is not None:
        payment = _transfer_of(invoice)
    return CheckoutResult(
        order=order,
        status=status,
        message=_message(order, status, invoice, payment),
        invoice=invoice,
        payment=payment,
        instructions=_instructions(payment)
        if status == CartCheckoutStatus.AWAITING_TRANSFER
        else {},
    )


def order_checkout_result(*, organization: Organization, reference: str) -> CheckoutResult | None:
    """The checkout of the organization's order ``reference``, or None (not theirs)."""
    order = Order.objects.filter(organization=organization, reference=reference).first()
    return checkout_result(order) if order is not None else None


def _status_of(order: Order) -> str:
    if order.status == OrderStatus.PAID:
        return CartCheckoutStatus.PAID
    if order.status == OrderStatus.CANCELLED:
        return CartCheckoutStatus.FAILED
    if order.invoice_id is None:
        return CartCheckoutStatus.AWAITING_CONFIRMATION
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        return CartCheckoutStatus.AWAITING_TRANSFER
    return CartCheckoutStatus.AWAITING_PAYMENT


def _transfer_of(invoice: Invoice) -> Payment | None:
    return (
        invoice.payments_requested.filter(method=PaymentMethod.BANK_TRANSFER)
        .order_by("-id")
        .first()
    )


def _instructions(payment: Payment | None) -> dict[str, str]:
    return transfer_instructions(payment) if payment is not None else {}


def _message(order: Order, status: str, invoice: Invoice | None, payment: Payment | None) -> str:
    words: dict[str, object] = {"reference": order.reference}
    if status == CartCheckoutStatus.PAID:
        return _("Order %(reference)s is paid: its products are ready.") % words
    if status == CartCheckoutStatus.FAILED:
        return (
            _(
                "The payment of order %(reference)s did not go through: nothing was charged "
                "and your cart is as it was. Try again, or choose another payment method."
            )
            % words
        )
    if status == CartCheckoutStatus.AWAITING_CONFIRMATION:
        method = PAYMENT_METHOD_IN_SENTENCE.get(order.payment_method, order.payment_method)
        return _(
            "Order %(reference)s waits for the confirmation of your payment %(method)s. "
            "Its products appear as soon as it is confirmed."
        ) % {**words, "method": method}
    assert invoice is not None
    due = money_format(invoice_outstanding(invoice))
    if status == CartCheckoutStatus.AWAITING_TRANSFER:
        return _(
            "Order %(reference)s waits for your bank transfer of %(amount)s with the "
            "reference %(payment)s. Its products are created when the money arrives."
        ) % {**words, "amount": due, "payment": payment.reference if payment else invoice}
    return _(
        "The prepaid account no longer covered its part of order %(reference)s: "
        "%(amount)s is still due on the payment request %(invoice)s. Its products are "
        "created once it is paid."
    ) % {**words, "amount": due, "invoice": invoice}


# --- connections to billing (called by FlowsConfig.ready) ---------------------------------


def _on_invoices_paid(sender: object, invoices: list[Invoice], **kwargs: object) -> None:
    orders_fulfil(invoice_ids=[invoice.pk for invoice in invoices])


def _on_payment_ended(sender: object, payment: Payment, **kwargs: object) -> None:
    if payment.purpose == PaymentPurpose.ORDER and payment.status != PaymentStatus.CONFIRMED:
        order_cancel_for_payment(payment)


def checkout_connect() -> None:
    """Hear billing's signals and settle its order payments (billing never imports flows)."""
    order_settler_register(order_settle)
    invoices_paid.connect(_on_invoices_paid, dispatch_uid="flows.checkout.invoices_paid")
    payment_failed.connect(_on_payment_ended, dispatch_uid="flows.checkout.payment_failed")
    payment_expired.connect(_on_payment_ended, dispatch_uid="flows.checkout.payment_expired")
