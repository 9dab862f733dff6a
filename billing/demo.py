"""Demo money for the demo organizations (P1, I1): a prepaid balance and a few
invoices, paid and unpaid, all made through the services (so the ledger holds).

Called by ``manage.py demo_seed``; idempotent (an organization that already has
its demo credit is left alone).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.models import Payment, PaymentMethod, PaymentPurpose
from billing.services import (
    LineDraft,
    invoice_issue,
    payment_confirm,
    payment_from_prepaid,
    payment_start,
    product_line_texts,
)
from catalog.queries import price_for, vat_for_organization
from core.money import Money
from orgs.models import Organization
from products.models import ProductInstance

CREDITS = {"CHF": Decimal("250.00"), "EUR": Decimal("180.00")}


def _lines(
    organization: Organization, products: list[ProductInstance], today: date
) -> list[LineDraft]:
    currency = organization.currency.value
    vat = vat_for_organization(organization=organization, on=today)
    lines = []
    for product in products:
        price = price_for(product.plan, product.period_months, currency)
        if price is None:
            continue
        texts = product_line_texts(product)
        lines.append(
            LineDraft(
                description=texts["en"],
                description_translations=texts,
                unit_price=Money(price.amount, currency),
                vat_rate=vat.rate,
                period_start=product.term_start,
                period_end=product.term_end,
                plan_id=product.plan_id,
                product_id=product.pk,
            )
        )
    return lines


def money_demo_seed(today: date) -> None:
    for organization in Organization.objects.order_by("pk"):
        key = f"demo:{organization.pk}:credit"
        if Payment.objects.filter(idempotency_key=key).exists():
            continue
        currency = organization.currency.value
        credit, _ = payment_start(
            organization=organization,
            method=PaymentMethod.BANK_TRANSFER,
            purpose=PaymentPurpose.PREPAID_CREDIT,
            amount=Money(CREDITS[currency], currency),
            idempotency_key=key,
            acting=None,
        )
        payment_confirm(payment_id=credit.pk)
        products = list(
            ProductInstance.objects.filter(organization=organization)
            .select_related("plan")
            .order_by("pk")
        )
        lines = _lines(organization, products, today)
        vat = vat_for_organization(organization=organization, on=today)
        invoices = [
            invoice_issue(
                organization=organization,
                lines=[line],
                vat_note=vat.mentions["en"],
                vat_note_translations=vat.mentions,
            )
            for line in lines[:3]
            if line.unit_price.amount
        ]
        if not invoices:
            continue
        # The first is paid from the prepaid account, the second by card; the rest waits.
        payment_from_prepaid(
            organization=organization,
            invoices=invoices[:1],
            idempotency_key=f"demo:{organization.pk}:pay-prepaid",
            acting=None,
        )
        if len(invoices) > 1:
            card, _ = payment_start(
                organization=organization,
                method=PaymentMethod.BANK_TRANSFER,
                purpose=PaymentPurpose.INVOICES,
                amount=invoices[1].total_money,
                invoices=invoices[1:2],
                idempotency_key=f"demo:{organization.pk}:pay-transfer",
                acting=None,
            )
            payment_confirm(payment_id=card.pk)
