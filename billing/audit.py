"""How the events of invoices and payments read in the audit log (O8, I1-I3, P1-P2)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from billing.models import PaymentMethod
from core.audit import AuditData, AuditKind, audit_describer
from core.money import Money, money_format


def audit_amount(data: AuditData, key: str = "amount") -> str:
    """The recorded amount in the reader's format (older events lack the currency)."""
    raw = str(data.get(key) or "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return raw or "—"
    currency = str(data.get("currency") or "")
    return money_format(Money(amount, currency)) if currency else f"{amount:f}"


def _number(data: AuditData, key: str = "number") -> str:
    return str(data.get(key) or "") or _("no. %(id)s") % {"id": data.get("invoice", "—")}


def _method(data: AuditData) -> str:
    value = str(data.get("method") or "")
    return str(PaymentMethod(value).label) if value in PaymentMethod.values else value or "—"


@audit_describer(AuditKind.INVOICE_ISSUED)
def _issued(data: AuditData) -> str:
    return _("Issued the invoice %(number)s for %(amount)s.") % {
        "number": _number(data),
        "amount": audit_amount(data, "total"),
    }


@audit_describer(AuditKind.INVOICE_CANCELLED)
def _cancelled(data: AuditData) -> str:
    return _("Cancelled the invoice %(number)s; nothing is due on it any more.") % {
        "number": _number(data)
    }


@audit_describer(AuditKind.INVOICE_REFUNDED)
def _refunded(data: AuditData) -> str:
    return _(
        "Refunded the invoice %(number)s with the credit note %(note)s; "
        "the money went to the prepaid account."
    ) % {"number": _number(data), "note": data.get("credit_note_number") or "—"}


@audit_describer(AuditKind.PAYMENT_STARTED)
def _started(data: AuditData) -> str:
    return _("Started a payment of %(amount)s (%(method)s), reference %(reference)s.") % {
        "amount": audit_amount(data),
        "method": _method(data),
        "reference": data.get("reference") or "—",
    }


@audit_describer(AuditKind.PAYMENT_CONFIRMED)
def _confirmed(data: AuditData) -> str:
    values = {"amount": audit_amount(data), "reference": data.get("reference") or "—"}
    if data.get("after_expiry"):
        return (
            _(
                "The payment %(reference)s of %(amount)s arrived after it had expired; "
                "it went to the prepaid account."
            )
            % values
        )
    return _("The payment %(reference)s of %(amount)s arrived.") % values


@audit_describer(AuditKind.PAYMENT_FAILED)
def _failed(data: AuditData) -> str:
    return _("The payment %(reference)s did not go through: %(reason)s") % {
        "reference": data.get("reference") or "—",
        "reason": data.get("reason") or "—",
    }


@audit_describer(AuditKind.PAYMENT_EXPIRED)
def _expired(data: AuditData) -> str:
    return _(
        "The payment %(reference)s of %(amount)s (%(method)s) got no answer from the "
        "payment provider in time and expired; no money moved."
    ) % {
        "reference": data.get("reference") or "—",
        "amount": audit_amount(data),
        "method": _method(data),
    }


@audit_describer(AuditKind.PAYMENT_PREPAID)
def _prepaid(data: AuditData) -> str:
    return _("Paid %(amount)s from the prepaid account.") % {"amount": audit_amount(data)}
