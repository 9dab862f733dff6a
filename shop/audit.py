"""How the shop's events read in the audit log (O8, S3, X4)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.audit import AuditData, AuditKind, audit_describer
from core.languages import text_in_language


def _plan_name(data: AuditData) -> str:
    # The plan's name per language is stored with the event (no query per row).
    names = data.get("plan_names")
    if isinstance(names, dict) and names:
        return text_in_language(names, str(names.get("en") or ""))
    return _("a plan")


@audit_describer(AuditKind.GRANT_GIVEN)
def _given(data: AuditData) -> str:
    percent = str(data.get("discount_percent") or "100")
    if percent.rstrip("0").rstrip(".") == "100":
        return _("Support gave a free grant of %(plan)s.") % {"plan": _plan_name(data)}
    return _("Support gave a %(percent)s %% discount on %(plan)s.") % {
        "percent": percent.rstrip("0").rstrip("."),
        "plan": _plan_name(data),
    }


@audit_describer(AuditKind.GRANT_REVOKED)
def _revoked(data: AuditData) -> str:
    return _("Support revoked the free grant of %(plan)s.") % {"plan": _plan_name(data)}
