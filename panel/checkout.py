"""The checkout pages of payment requests (S4, P2): the invoice page's *Pay*.

Paying does not ask for the password again, as paying from the prepaid account
never did: the money only goes to the organization's own invoices.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import request_user
from billing.models import InvoiceStatus, PaymentMethod
from billing.qr_bill import transfer_details_for_payment
from billing.queries import invoice_of
from billing.services import invoice_outstanding
from core.errors import BusinessError
from core.forms import form_error_add
from core.idempotency import idempotency_key
from core.money import Money
from flows.checkout import invoices_pay, invoices_payment_of
from ledger.services import prepaid_balance
from orgs.access import org_view
from orgs.models import Capability, Membership
from panel.forms import InvoiceCheckoutForm


@org_view(Capability.ACCOUNTING)
def invoice_pay(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """P2: choose the method, how much the prepaid account pays, then confirm."""
    organization = membership.organization
    invoice = invoice_of(organization, invoice_id)
    # A POST still goes to the flow: the same form again (back, resubmit) finds its
    # first result there; another one is told the invoice is paid.
    if invoice.status != InvoiceStatus.UNPAID and request.method != "POST":
        messages.info(request, _("This invoice has nothing left to pay."))
        return redirect("invoices:detail", invoice.pk)
    outstanding = invoice_outstanding(invoice)
    balance = prepaid_balance(organization=organization, currency=invoice.currency)
    form = InvoiceCheckoutForm(
        request.POST if request.method == "POST" else None,
        balance=balance,
        outstanding=outstanding,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        method = data["method"]
        amount = data["prepaid_amount"]
        try:
            result = invoices_pay(
                organization=organization,
                invoices=[invoice],
                method=method,
                prepaid_amount=(
                    Money(amount, invoice.currency)
                    if amount is not None and method != PaymentMethod.PREPAID
                    else None
                ),
                details={"card_number": data["card_number"], "paypal_email": data["paypal_email"]},
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
            return redirect("invoices:paid", invoice.pk, result.reference)
    return render(
        request,
        "billing/invoice_pay.html",
        {"invoice": invoice, "outstanding": outstanding, "balance": balance, "form": form},
    )


@org_view(Capability.ACCOUNTING)
def invoice_paid(
    request: HttpRequest, membership: Membership, invoice_id: int, reference: str
) -> HttpResponse:
    """Where the checkout stands: paid, waiting for the card's confirmation (the
    invoice becomes paid when the webhook arrives), or the transfer's instructions."""
    invoice = invoice_of(membership.organization, invoice_id)
    result = invoices_payment_of(organization=membership.organization, reference=reference)
    if result is None or invoice.pk not in {i.pk for i in result.invoices}:
        raise Http404
    rest = result.rest
    transfer = None
    if rest is not None and rest.method == PaymentMethod.BANK_TRANSFER:
        transfer = transfer_details_for_payment(rest)
    return render(
        request,
        "billing/invoice_paid.html",
        {
            "invoice": invoice,
            "result": result,
            "outstanding": invoice_outstanding(invoice),
            "transfer": transfer,
            "qr_url": (
                reverse("billing:payment_qr_bill", args=[rest.reference])
                if rest is not None and transfer is not None and transfer.has_qr_bill
                else ""
            ),
        },
    )
