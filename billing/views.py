from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.forms import InvoiceFilterForm
from billing.models import Invoice
from billing.providers.base import SIGNATURE_HEADER
from billing.queries import invoices_of
from billing.services import WebhookRefused, invoice_outstanding, webhook_receive
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
    page = Paginator(invoices, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/invoice_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@org_view(Capability.ACCOUNTING)
def invoice_detail(request: HttpRequest, membership: Membership, invoice_id: int) -> HttpResponse:
    """I1: one invoice with its lines and totals; an unpaid one is a payment request."""
    invoice = (
        Invoice.objects.filter(organization=membership.organization, pk=invoice_id)
        .prefetch_related("lines")
        .first()
    )
    if invoice is None:
        raise Http404
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "outstanding": invoice_outstanding(invoice),
        },
    )
