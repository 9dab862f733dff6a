"""How the events of the prepaid account read in the audit log (O8, P4)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.audit import audit_amount
from core.audit import AuditData, AuditKind, audit_describer
from wallet.models import WithdrawalDestination


@audit_describer(AuditKind.WITHDRAWAL_REQUESTED)
def _requested(data: AuditData) -> str:
    destination = str(data.get("destination") or "")
    if destination in WithdrawalDestination.values:
        return _("Asked to withdraw %(amount)s to %(destination)s.") % {
            "amount": audit_amount(data),
            "destination": WithdrawalDestination(destination).label,
        }
    return _("Asked to withdraw %(amount)s.") % {"amount": audit_amount(data)}


@audit_describer(AuditKind.WITHDRAWAL_COMPLETED)
def _completed(data: AuditData) -> str:
    return _("Paid out the withdrawal of %(amount)s.") % {"amount": audit_amount(data)}


@audit_describer(AuditKind.WITHDRAWAL_REJECTED)
def _rejected(data: AuditData) -> str:
    return _("Refused the withdrawal of %(amount)s; the money is back in the prepaid account.") % {
        "amount": audit_amount(data)
    }
