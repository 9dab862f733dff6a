"""O8: the audit log as people read it: a translated name for each kind of event
and a one-line description of what happened."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEvent
from orgs.display import org_change_lines
from orgs.models import Role

# Kinds of events recorded in an organization, with their name for the filter.
# Other apps add theirs with ``audit_kind_register`` (e.g. products, invoices).
AUDIT_KINDS: dict[str, Promise] = {
    "org.created": gettext_lazy("Organization created"),
    "org.updated": gettext_lazy("Organization details changed"),
    "billing_address.added": gettext_lazy("Billing address added"),
    "billing_address.changed": gettext_lazy("Billing address changed"),
    "billing_address.removed": gettext_lazy("Billing address removed"),
    "billing_address.default_set": gettext_lazy("Default billing address chosen"),
    "member.role_changed": gettext_lazy("Role changed"),
    "member.permissions_changed": gettext_lazy("Permissions changed"),
    "member.removed": gettext_lazy("User removed"),
    "member.left": gettext_lazy("User left"),
    "invitation.created": gettext_lazy("Invitation sent"),
    "invitation.resent": gettext_lazy("Invitation sent again"),
    "invitation.revoked": gettext_lazy("Invitation withdrawn"),
    "invitation.accepted": gettext_lazy("Invitation accepted"),
    # Recorded by other apps in the organization; their names for the log.
    "orgs.two_factor_policy_changed": gettext_lazy("Two-factor rule changed"),
    "product.renamed": gettext_lazy("Product renamed"),
    "product.auto_renewal_set": gettext_lazy("Automatic renewal changed"),
    "product.cancelled": gettext_lazy("Product cancelled"),
    "product.access_set": gettext_lazy("Product access changed"),
    "product.files_transferred": gettext_lazy("Files given to another user"),
    "product.files_deleted": gettext_lazy("Files deleted"),
    "products.mailbox_password_changed": gettext_lazy("Mailbox password changed"),
    "payment.started": gettext_lazy("Payment started"),
    "payment.succeeded": gettext_lazy("Payment received"),
    "payment.confirmed": gettext_lazy("Payment confirmed"),
    "payment.failed": gettext_lazy("Payment failed"),
    "payment.prepaid": gettext_lazy("Paid from the prepaid account"),
    "invoice.issued": gettext_lazy("Invoice issued"),
    "invoice.refunded": gettext_lazy("Invoice refunded"),
    "invoice.cancelled": gettext_lazy("Invoice cancelled"),
    "withdrawal.requested": gettext_lazy("Withdrawal requested"),
    "withdrawal.completed": gettext_lazy("Withdrawal paid out"),
    "withdrawal.rejected": gettext_lazy("Withdrawal refused"),
}


def audit_kind_register(kind: str, label: Promise) -> None:
    AUDIT_KINDS[kind] = label


def _role(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


def audit_describe(event: AuditEvent) -> str:
    """One translated sentence about the event, from its kind and data."""
    data = event.data or {}
    kind = event.kind
    if kind == "org.created":
        return _("Created the organization %(name)s.") % {"name": data.get("name", "")}
    if kind == "org.updated":
        lines = org_change_lines({k: v for k, v in data.items() if isinstance(v, list)})
        return _("Changed: %(fields)s.") % {
            "fields": "; ".join(f"{line['label']}: {line['old']} → {line['new']}" for line in lines)
        }
    if kind == "billing_address.added":
        return _("Added the billing address %(address)s.") % {"address": data.get("address", "")}
    if kind == "billing_address.changed":
        return _("Changed the billing address %(old)s to %(new)s.") % {
            "old": data.get("old", ""),
            "new": data.get("new", ""),
        }
    if kind == "billing_address.removed":
        return _("Removed the billing address %(address)s.") % {"address": data.get("address", "")}
    if kind == "billing_address.default_set":
        if not data.get("address"):
            return _("Invoices now use the postal address of the organization.")
        return _("Invoices now use the billing address %(address)s.") % {"address": data["address"]}
    if kind == "member.role_changed":
        text = _("Changed the role of %(member)s from %(old)s to %(new)s.") % {
            "member": data.get("member", ""),
            "old": _role((data.get("role") or ["", ""])[0]),
            "new": _role((data.get("role") or ["", ""])[1]),
        }
        return text
    if kind == "member.permissions_changed":
        granted = (data.get("accounting") or [False, False])[1]
        if granted:
            return _("Gave %(member)s the Accounting permission.") % {"member": data.get("member")}
        return _("Took the Accounting permission from %(member)s.") % {"member": data.get("member")}
    if kind == "member.removed":
        return _("Removed %(member)s from the organization.") % {"member": data.get("member", "")}
    if kind == "member.left":
        return _("%(member)s left the organization.") % {"member": data.get("member", "")}
    if kind == "invitation.created":
        return _("Invited %(email)s as %(role)s.") % {
            "email": data.get("email", ""),
            "role": _role(data.get("role")),
        }
    if kind == "invitation.resent":
        return _("Sent the invitation to %(email)s again.") % {"email": data.get("email", "")}
    if kind == "invitation.revoked":
        return _("Withdrew the invitation to %(email)s.") % {"email": data.get("email", "")}
    if kind == "invitation.accepted":
        return _("Accepted the invitation and joined as %(role)s.") % {
            "role": _role(data.get("role"))
        }
    label = AUDIT_KINDS.get(kind)
    return str(label) if label else kind


def audit_kind_label(kind: str) -> str:
    label = AUDIT_KINDS.get(kind)
    return str(label) if label else kind


def _moment(day: date, at: time) -> datetime | None:
    if not 1900 <= day.year <= 9998:
        return None  # at the edge of the calendar: no event is that old or that new
    try:
        return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())
    except (OverflowError, ValueError):
        return None  # a date at the edge of the calendar: no bound on this side


def audit_events(
    events: QuerySet[AuditEvent],
    *,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """O8: the events of a period (whole days, local time) and kind, newest first."""
    if kind:
        events = events.filter(kind=kind)
    start = _moment(since, time.min) if since else None
    end = _moment(until, time.max) if until else None
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lte=end)
    return events.select_related("actor").order_by("-created_at", "-id")
