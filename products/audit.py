"""How the events of products read in the audit log (O8, S1-S6, O2, O6)."""

from __future__ import annotations

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import AuditData, AuditKind, audit_describer


def _product(data: AuditData) -> str:
    """The product's name when it was recorded (older events: its number)."""
    if data.get("name"):
        return str(data["name"])
    return _("no. %(id)s") % {"id": data.get("product", "—")}


def _emails(values: object) -> str:
    return ", ".join(str(v) for v in values) if isinstance(values, list) and values else "—"


@audit_describer(AuditKind.PRODUCT_RENAMED)
def _renamed(data: AuditData) -> str:
    return _("Renamed the product %(old)s to %(new)s.") % {
        "old": data.get("old") or _("(the plan's name)"),
        "new": data.get("new") or _("(the plan's name)"),
    }


@audit_describer(AuditKind.PRODUCT_AUTO_RENEWAL_SET)
def _auto_renewal(data: AuditData) -> str:
    if not data.get("enabled"):
        text = _("Turned automatic renewal off for the product %(product)s.")
    elif data.get("cancellation_withdrawn"):
        text = _(
            "Turned automatic renewal back on for the product %(product)s; "
            "its cancellation is withdrawn."
        )
    else:
        text = _("Turned automatic renewal on for the product %(product)s.")
    return text % {"product": _product(data)}


@audit_describer(AuditKind.PRODUCT_CANCELLED)
def _cancelled(data: AuditData) -> str:
    if data.get("when") == "now":
        return _("Cancelled the product %(product)s with immediate effect.") % {
            "product": _product(data)
        }
    day = parse_date(str(data.get("term_end") or ""))
    return _("Cancelled the product %(product)s at the end of its term (%(date)s).") % {
        "product": _product(data),
        "date": date_format(day, "SHORT_DATE_FORMAT") if day else "—",
    }


@audit_describer(AuditKind.PRODUCT_ACCESS_SET)
def _access_set(data: AuditData) -> str:
    if "granted_to" not in data:
        return _("Changed who may see the product %(product)s.") % {"product": _product(data)}
    return _(
        "Changed who may see the product %(product)s: added %(added)s; removed %(removed)s."
    ) % {
        "product": _product(data),
        "added": _emails(data.get("granted_to")),
        "removed": _emails(data.get("revoked_from")),
    }


@audit_describer(AuditKind.PRODUCT_FILES_TRANSFERRED)
def _files_transferred(data: AuditData) -> str:
    count = int(data.get("files") or 0)
    return ngettext(
        "Gave %(count)d file of %(member)s to %(to)s.",
        "Gave %(count)d files of %(member)s to %(to)s.",
        count,
    ) % {"count": count, "member": data.get("member", ""), "to": data.get("to") or "—"}


@audit_describer(AuditKind.PRODUCT_FILES_DELETED)
def _files_deleted(data: AuditData) -> str:
    count = int(data.get("files") or 0)
    return ngettext(
        "Deleted %(count)d file of %(member)s.", "Deleted %(count)d files of %(member)s.", count
    ) % {"count": count, "member": data.get("member", "")}


@audit_describer(AuditKind.PRODUCT_MAILBOX_PASSWORD_CHANGED)
def _mailbox_password(data: AuditData) -> str:
    return _("Changed the password of the mailbox %(address)s.") % {
        "address": data.get("address", "")
    }
