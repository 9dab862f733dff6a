"""How the events of orders read in the audit log (O8, S2-S4)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.audit import AuditData, AuditKind, audit_describer
from core.money import Money, money_format


def _amount(data: AuditData, key: str) -> str:
    raw = str(data.get(key) or "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return raw or "—"
    currency = str(data.get("currency") or "")
    return money_format(Money(amount, currency)) if currency else f"{amount:f}"


def _reference(data: AuditData) -> str:
    return str(data.get("reference") or "") or _("no. %(id)s") % {"id": data.get("order", "—")}


@audit_describer(AuditKind.ORDER_PLACED)
def _placed(data: AuditData) -> str:
    return _("Placed the order %(reference)s for %(amount)s.") % {
        "reference": _reference(data),
        "amount": _amount(data, "total"),
    }


@audit_describer(AuditKind.ORDER_PAID)
def _paid(data: AuditData) -> str:
    missed = data.get("not_created")
    text = _("The order %(reference)s is paid; its products were created.") % {
        "reference": _reference(data)
    }
    if isinstance(missed, list) and missed:
        text += " " + _("Not created: %(lines)s.") % {"lines": ", ".join(str(m) for m in missed)}
    return text


@audit_describer(AuditKind.ORDER_AWAITING_PAYMENT)
def _awaiting(data: AuditData) -> str:
    return _(
        "The payment of the order %(reference)s arrived, but the prepaid account could not "
        "pay its part of %(amount)s: it is still due."
    ) % {"reference": _reference(data), "amount": _amount(data, "amount")}


@audit_describer(AuditKind.ORDER_CANCELLED)
def _cancelled(data: AuditData) -> str:
    return _(
        "The order %(reference)s was cancelled: its payment did not go through; its promo "
        "codes and grants were released."
    ) % {"reference": _reference(data)}
