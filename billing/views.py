from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.forms import InvoiceFilterForm, InvoicePayForm
from billing.providers.base import SIGNATURE_HEADER
from billing.queries import invoice_of, invoice_page, invoices_of
from billing.services import (
    WebhookRefused,
    invoice_outstanding,
    payment_from_prepaid,
    webhook_receive,
)
from core.errors import BusinessError
from core.idempotency import idempotency_key
from core.money import money_format
from ledger.services import prepaid_balance
from orgs.access import org_view
from orgs.models import Capability, Membership

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """X5: a provider's notification; signed (HMAC), deduplicated by event id, idempotent."""
    try:
        result = webhook_receive(
            provider=provider,
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
    except WebhookRefused as refused:
        logger.warning("Webhook from %s refused: %s", provider, refused)
        return JsonResponse({"status": "refused"}, status=400)
    return JsonResponse({"status": result})


@org_view(Capability.ACCOUNTING)
def invoice_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """I2, I3: the invoice history, newest first, filtered by status and period."""
    form = InvoiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invoices = invoices_of(
        membership.organization,
        status=filters.get("status", ""),
        issued_from=filters.get("issued_from"),
        issued_to=filters.get("issued_to"),
    )
    page = invoice_page(invoices, after=request.GET.get("after"), before=request.GET.get("before"))
    query = request.GET.copy()
    for cursor in ("page", "after", "before"):
        query.pop(cursor, None)
    return render(
        request,
        "billing/invoice_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@org_view(Capability.ACCOUNTING)
def invoice_detail(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """I1: one invoice with its lines and totals; an unpaid one is a payment request."""
    invoice = invoice_of(membership.organization, invoice_id)
    balance = prepaid_balance(organization=membership.organization, currency=invoice.currency)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "outstanding": invoice_outstanding(invoice),
            "balance": balance,
            "pay_form": InvoicePayForm(),
        },
    )


@org_view(Capability.ACCOUNTING)
@require_POST
def invoice_pay_prepaid(
    request: HttpRequest, membership: Membership, invoice_id: int
) -> HttpResponse:
    """P2: pay an invoice from the prepaid account, all of it or what the balance
    allows (the rest stays due). A repeated submission pays once (idempotency key)."""
    invoice = invoice_of(membership.organization, invoice_id)
    form = InvoicePayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form expired. Please try again."))
        return redirect("invoices:detail", invoice.pk)
    try:
        payment = payment_from_prepaid(
            organization=membership.organization,
            invoices=[invoice],
            idempotency_key=idempotency_key(
                organization_id=membership.organization_id,
                user_id=membership.user_id,
                key=form.cleaned_data["idempotency_key"],
            ),
            acting=membership.user,
        )
    except BusinessError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(amount)s paid from the prepaid account.")
            % {"amount": money_format(payment.amount_money)},
        )
    return redirect("invoices:detail", invoice.pk)
