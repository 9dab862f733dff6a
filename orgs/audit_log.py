"""O8: the audit log as people read it: a translated name for each kind of event
and a one-line description of what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.audit import AuditData, AuditKind, audit_describer, audit_description
from core.models import AuditEvent
from core.periods import day_bounds
from orgs.display import org_change_lines
from orgs.models import Role

# The kinds an organization's log can hold (the user's own account events have none).
ORGANIZATION_KINDS = [kind for kind in AuditKind if not kind.value.startswith("account.")]


def _role(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


def _member(data: AuditData) -> str:
    return str(data.get("member") or data.get("email") or "")


@audit_describer(AuditKind.ORG_CREATED)
def _org_created(data: AuditData) -> str:
    return _("Created the organization %(name)s.") % {"name": data.get("name", "")}


@audit_describer(AuditKind.ORG_UPDATED)
def _org_updated(data: AuditData) -> str:
    lines = org_change_lines({k: v for k, v in data.items() if isinstance(v, list)})
    return _("Changed: %(fields)s.") % {
        "fields": "; ".join(f"{line['label']}: {line['old']} → {line['new']}" for line in lines)
    }


@audit_describer(AuditKind.ORG_TWO_FACTOR_POLICY_CHANGED)
def _two_factor_policy(data: AuditData) -> str:
    if data.get("require_two_factor"):
        return _("Legal representatives and administrators must now use two-factor authentication.")
    return _("Two-factor authentication is no longer required in the organization.")


@audit_describer(AuditKind.BILLING_ADDRESS_ADDED)
def _address_added(data: AuditData) -> str:
    return _("Added the billing address %(address)s.") % {"address": data.get("address", "")}


@audit_describer(AuditKind.BILLING_ADDRESS_CHANGED)
def _address_changed(data: AuditData) -> str:
    return _("Changed the billing address %(old)s to %(new)s.") % {
        "old": data.get("old", ""),
        "new": data.get("new", ""),
    }


@audit_describer(AuditKind.BILLING_ADDRESS_REMOVED)
def _address_removed(data: AuditData) -> str:
    return _("Removed the billing address %(address)s.") % {"address": data.get("address", "")}


@audit_describer(AuditKind.BILLING_ADDRESS_DEFAULT_SET)
def _address_default(data: AuditData) -> str:
    if not data.get("address"):
        return _("Invoices now use the postal address of the organization.")
    return _("Invoices now use the billing address %(address)s.") % {"address": data["address"]}


@audit_describer(AuditKind.MEMBER_ROLE_CHANGED)
def _role_changed(data: AuditData) -> str:
    old, new = data.get("role") or ["", ""]
    return _("Changed the role of %(member)s from %(old)s to %(new)s.") % {
        "member": _member(data),
        "old": _role(old),
        "new": _role(new),
    }


@audit_describer(AuditKind.MEMBER_PERMISSIONS_CHANGED)
def _permissions_changed(data: AuditData) -> str:
    granted = (data.get("accounting") or [False, False])[1]
    if granted:
        return _("Gave %(member)s the Accounting permission.") % {"member": _member(data)}
    return _("Took the Accounting permission from %(member)s.") % {"member": _member(data)}


@audit_describer(AuditKind.MEMBER_REMOVED)
def _member_removed(data: AuditData) -> str:
    return _("Removed %(member)s from the organization.") % {"member": _member(data)}


@audit_describer(AuditKind.MEMBER_LEFT)
def _member_left(data: AuditData) -> str:
    return _("%(member)s left the organization.") % {"member": _member(data)}


@audit_describer(AuditKind.INVITATION_CREATED)
def _invitation_created(data: AuditData) -> str:
    return _("Invited %(email)s as %(role)s.") % {
        "email": data.get("email", ""),
        "role": _role(data.get("role")),
    }


@audit_describer(AuditKind.INVITATION_RESENT)
def _invitation_resent(data: AuditData) -> str:
    return _("Sent the invitation to %(email)s again.") % {"email": data.get("email", "")}


@audit_describer(AuditKind.INVITATION_REVOKED)
def _invitation_revoked(data: AuditData) -> str:
    return _("Withdrew the invitation to %(email)s.") % {"email": data.get("email", "")}


@audit_describer(AuditKind.INVITATION_ACCEPTED)
def _invitation_accepted(data: AuditData) -> str:
    return _("Accepted the invitation and joined as %(role)s.") % {"role": _role(data.get("role"))}


def audit_describe(event: AuditEvent) -> str:
    """One translated sentence about the event, from its kind and data; an unknown
    kind reads as recorded."""
    return audit_description(event.kind, event.data or {}) or audit_kind_label(event.kind)


def audit_kind_label(kind: str) -> str:
    """The kind's translated name; an unknown (future or retired) kind as recorded."""
    return str(AuditKind(kind).label) if kind in AuditKind.values else kind


def audit_events(
    events: QuerySet[AuditEvent],
    *,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """O8: the events of a period (whole days, local time, a half-open range) and
    kind, newest first."""
    if kind:
        events = events.filter(kind=kind)
    start, end = day_bounds(since, until)
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    return events.select_related("actor").order_by("-created_at", "-id")
