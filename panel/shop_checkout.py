"""The shop's checkout pages (S2–S4, P1): *Place order* on the cart and the
order's confirmation. They call the checkout flow (flows/checkout.py), hence
live above it, beside the other pages of cross-domain flows."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing.models import PaymentMethod
from billing.qr_bill import transfer_details_for_payment
from core.errors import BusinessError
from core.forms import form_error_add
from core.idempotency import idempotency_key
from core.money import Money
from flows.checkout import CartCheckoutStatus, cart_checkout, order_checkout_result
from orgs.access import org_view
from orgs.models import Capability, Membership
from shop.forms import CheckoutForm
from shop.queries import order_lines
from shop.services import cart_get, cart_payment_method_set
from shop.views import cart_page


@org_view(Capability.MANAGE_PRODUCTS)
@require_POST
def checkout(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S2–S4: place the cart's order and pay it; the same form twice orders once (X5)."""
    organization = membership.organization
    cart = cart_get(organization=organization, user_id=membership.user_id)
    if cart is None:
        return redirect("shop:cart")
    currency = organization.currency.value
    method = request.POST.get("method")
    if method in PaymentMethod.values and method != cart.payment_method:
        cart_payment_method_set(cart=cart, method=method)
    form = CheckoutForm(request.POST, currency=currency)
    if not form.is_valid():
        return cart_page(request, membership, status=400, checkout_form=form)
    data = form.cleaned_data
    part = data["prepaid_amount"]
    try:
        result = cart_checkout(
            membership=membership,
            cart=cart,
            method=cart.payment_method,
            prepaid_amount=Money(part, currency) if part else None,
            details={"card_number": data["card_number"], "paypal_email": data["paypal_email"]},
            idempotency_key=idempotency_key(
                organization_id=organization.pk,
                user_id=membership.user_id,
                key=data["idempotency_key"],
            ),
        )
    except BusinessError as error:
        # With the prepaid account as the method, its balance is the method's problem.
        if error.field == "method" or (
            error.field == "prepaid_amount" and cart.payment_method == PaymentMethod.PREPAID
        ):
            return cart_page(
                request,
                membership,
                status=400,
                checkout_form=form,
                errors={"method": str(error.message)},
            )
        form_error_add(form, error)
        return cart_page(request, membership, status=400, checkout_form=form)
    return redirect("shop:order", reference=result.order.reference)


@org_view(Capability.MANAGE_PRODUCTS)
def order(request: HttpRequest, membership: Membership, reference: str) -> HttpResponse:
    """S4: the order's confirmation: what was ordered, the discounts, the amounts and
    where its payment stands (paid, awaiting the card, the bank transfer's details)."""
    result = order_checkout_result(organization=membership.organization, reference=reference)
    if result is None:
        raise Http404
    transfer = None
    if result.status == CartCheckoutStatus.AWAITING_TRANSFER and result.payment is not None:
        # I4: the transfer's details and, in CHF, its Swiss QR-bill.
        transfer = transfer_details_for_payment(result.payment)
    return render(
        request,
        "shop/order.html",
        {
            "result": result,
            "order": result.order,
            "lines": order_lines(result.order),
            "statuses": CartCheckoutStatus,
            "can_see_invoice": membership.can(Capability.ACCOUNTING),
            "transfer": transfer,
            "qr_url": (
                reverse("billing:payment_qr_bill", args=[transfer.reference])
                if transfer is not None and transfer.has_qr_bill
                else ""
            ),
        },
    )
