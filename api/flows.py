"""API endpoints that run a flow spanning several domains. They are added to the
router of the domain whose paths they share (ninja serves one path per router),
from here, the layer above the flows."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Schema
from ninja.responses import Status

from accounts.models import api_user
from accounts.reauth import reauth_api_check
from billing.api import ERRORS as BILLING_ERRORS
from billing.api import InvoiceOut, PaymentOut, invoice_fields, payment_out
from billing.api import router as billing_router
from billing.models import Invoice, PaymentMethod
from core.errors import BusinessError
from core.idempotency import idempotency_key, idempotent
from core.money import money_parse
from flows.checkout import InvoicesPayment, cart_checkout, invoices_pay
from flows.member_removal import MemberDataDecisions, member_leave, member_remove
from orgs.access import member_in, membership_of
from orgs.api import ERRORS, DataDecisionsIn, ReauthIn, router
from orgs.models import Capability
from orgs.services.members import removal_refusal
from shop import api as shop_api
from shop.models import Order


@router.delete(
    "/orgs/{org_id}/members/{member_id}",
    response={204: None, **ERRORS},
    summary="Remove a user (or leave, for one's own membership)",
    # The id it had when it was defined in orgs.api: the schema stays the same.
    operation_id="orgs_api_members_delete",
)
def members_delete(
    request: HttpRequest,
    org_id: int,
    member_id: int,
    data: Query[DataDecisionsIn],
    reauth: ReauthIn | None = None,
) -> Status[None]:
    """O6: the last active legal representative stays; the removed user is told by
    e-mail. Files the user owns in the organization's file storage go to
    ``transfer_files_to`` (a user id of this list), are deleted with
    ``delete_files=true``, and otherwise go to the remover. Removing a user is a
    sensitive action (A7): the body carries the account password, and a
    two-factor code when two-factor is on."""
    membership = membership_of(api_user(request), org_id)
    member = membership if member_id == membership.pk else member_in(membership, member_id)
    refusal = removal_refusal(membership, member)
    if refusal is not None:
        raise refusal
    reauth = reauth or ReauthIn(password="", code=None)
    reauth_api_check(request, user=membership.user, password=reauth.password, code=reauth.code)
    decisions = None
    if data.delete_files:
        decisions = MemberDataDecisions(transfer_files_to=None)
    elif data.transfer_files_to is not None:
        decisions = MemberDataDecisions(transfer_files_to=data.transfer_files_to)
    if member.pk == membership.pk:
        member_leave(member=membership, data_decisions=decisions)
    else:
        member_remove(acting=membership, member=member, data_decisions=decisions)
    return Status(204, None)


# --- Paying payment requests (S4, P2): the checkout flow --------------------------------

InvoiceId = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]


class InvoicesPayIn(Schema):
    invoices: list[InvoiceId] = Field(
        ..., min_length=1, max_length=100, description="Ids of unpaid invoices, one currency."
    )
    method: Literal["prepaid", "card", "bank_transfer", "paypal"] = Field(
        ...,
        description="``prepaid``: the prepaid account pays everything (``prepaid_amount``, "
        "or what the balance allows; the rest stays due). Another method pays what "
        "``prepaid_amount`` leaves.",
    )
    prepaid_amount: str | None = Field(
        None,
        max_length=24,
        description="How much the prepaid account pays, in the invoices' currency "
        "(e.g. ``20.00``); at most the balance and what is due.",
    )
    card_number: str = Field("", max_length=30, description="For ``card``.")
    paypal_email: str = Field("", max_length=254, description="For ``paypal``.")


class TransferOut(Schema):
    iban: str
    beneficiary: str
    reference: str
    structured_reference: str = Field(
        description="I4: the ISO 11649 creditor reference (RF…) of ``reference``, for the "
        "transfer form's structured reference field; either one is recognised."
    )


class InvoicesPaymentOut(Schema):
    status: Literal["paid", "pending", "failed", "expired", "partial"] = Field(
        description="``paid``: every invoice is paid; ``pending``: the rest waits for the "
        "provider's confirmation (card, PayPal) or for the transfer (see ``transfer``); "
        "``failed``: the provider declined the rest; ``expired``: it was never confirmed in "
        "time; ``partial``: only the prepaid "
        "account paid, and not everything."
    )
    invoices: list[InvoiceOut]
    prepaid_payment: PaymentOut | None = Field(
        description="What the prepaid account paid (confirmed at once)."
    )
    payment: PaymentOut | None = Field(description="The rest, by the chosen method.")
    transfer: TransferOut | None = Field(description="For a bank transfer: what to type.")


def invoices_payment_out(result: InvoicesPayment) -> InvoicesPaymentOut:
    return InvoicesPaymentOut(
        status=result.status,  # type: ignore[arg-type]
        invoices=[InvoiceOut(**invoice_fields(invoice)) for invoice in result.invoices],
        prepaid_payment=payment_out(result.prepaid) if result.prepaid else None,
        payment=payment_out(result.rest) if result.rest else None,
        transfer=TransferOut(**result.instructions) if result.instructions else None,
    )


@billing_router.post(
    "/orgs/{org_id}/invoices/pay",
    response={201: InvoicesPaymentOut, **BILLING_ERRORS},
    summary="Pay invoices",
)
@idempotent
def invoices_pay_endpoint(
    request: HttpRequest, org_id: int, payload: InvoicesPayIn
) -> tuple[int, InvoicesPaymentOut]:
    """P2, S4: pay payment requests (unpaid invoices), part from the prepaid account
    and the rest by card, bank transfer or PayPal, as the invoice page's *Pay*
    does. Needs an ``Idempotency-Key`` header: the same key again pays nothing
    more. A card or PayPal rest is confirmed later (``status`` ``pending``, then
    the invoice's status changes)."""
    membership = membership_of(api_user(request), org_id, Capability.ACCOUNTING)
    organization = membership.organization
    ids = sorted(set(payload.invoices))
    invoices = list(Invoice.objects.filter(organization=organization, pk__in=ids))
    if len(invoices) != len(ids):
        raise BusinessError(_("This invoice does not exist."), code="not_found")
    prepaid_amount = None
    if payload.prepaid_amount is not None and payload.prepaid_amount.strip():
        prepaid_amount = money_parse(
            payload.prepaid_amount, invoices[0].currency, field="prepaid_amount"
        )
    result = invoices_pay(
        organization=organization,
        invoices=invoices,
        method=PaymentMethod(payload.method),
        prepaid_amount=prepaid_amount,
        details={"card_number": payload.card_number, "paypal_email": payload.paypal_email},
        idempotency_key=idempotency_key(
            organization_id=organization.pk,
            user_id=membership.user_id,
            key=request.headers["Idempotency-Key"],
        ),
        acting=membership.user,
    )
    return 201, invoices_payment_out(result)


# --- Checkout of the cart (S2-S4, P1; shop's router) ------------------------------------


class CheckoutIn(Schema):
    method: str = Field(
        "",
        max_length=20,
        description="prepaid, card, bank_transfer or paypal; empty when nothing is to pay "
        "(free offers, grants). Defaults to the method chosen on the cart.",
    )
    prepaid_amount: str | None = Field(
        None,
        max_length=30,
        description='The part the prepaid account pays (e.g. "20.00"); the rest goes to '
        "``method``. The whole total when ``method`` is prepaid.",
    )
    card_number: str = Field("", max_length=40, description="For card (test cards).")
    paypal_email: str = Field("", max_length=254, description="For PayPal.")


class CheckoutOut(Schema):
    status: str = Field(
        description="paid (products created), awaiting_confirmation (card, PayPal), "
        "awaiting_transfer (bank transfer), awaiting_payment (a part still due) or failed."
    )
    message: str = Field(description="What happens next, in the request's language.")
    order: shop_api.OrderDetailOut
    payment: PaymentOut | None = Field(
        description="The card, PayPal or bank-transfer payment, if any."
    )
    transfer: TransferOut | None = Field(description="For a bank transfer: what to type.")


@shop_api.router.post(
    "/orgs/{org_id}/cart/checkout",
    response={201: CheckoutOut, **ERRORS},
    summary="Check out the cart",
)
@idempotent
def cart_checkout_api(
    request: HttpRequest, org_id: int, payload: CheckoutIn
) -> tuple[int, CheckoutOut]:
    """S2-S4, P1: the cart becomes an order, priced again now, and is paid by one
    checkout: nothing to pay (free offers, grants) creates the products at once; the
    prepaid account pays all or part (``prepaid_amount``), the rest goes to the
    method. Card and PayPal are confirmed by the provider later (the products appear
    then, and a declined card creates nothing and leaves the cart as it was); a bank
    transfer waits as a payment request. Promo code uses and grants are taken by the
    order; the last use of a code goes to one order only. Needs an
    ``Idempotency-Key`` header: the same key again returns the first answer."""
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_PRODUCTS)
    organization = membership.organization
    cart = shop_api.cart_required(membership)
    prepaid = None
    if payload.prepaid_amount is not None and payload.prepaid_amount.strip():
        prepaid = money_parse(
            payload.prepaid_amount, organization.currency.value, field="prepaid_amount"
        )
    result = cart_checkout(
        membership=membership,
        cart=cart,
        method=payload.method or cart.payment_method,
        prepaid_amount=prepaid,
        details={"card_number": payload.card_number, "paypal_email": payload.paypal_email},
        idempotency_key=idempotency_key(
            organization_id=organization.pk,
            user_id=membership.user_id,
            key=request.headers["Idempotency-Key"],
        ),
    )
    order = shop_api.order_with_lines(Order.objects.filter(pk=result.order.pk))
    assert order is not None
    instructions = result.instructions
    # @idempotent stores and replays (status, body).
    return 201, CheckoutOut(
        status=result.status,
        message=result.message,
        order=shop_api.order_detail_out(order),
        payment=payment_out(result.payment) if result.payment is not None else None,
        transfer=TransferOut(**instructions) if instructions else None,
    )
