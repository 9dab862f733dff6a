"""How the organization's stored details read to people (e-mails, the audit log)."""

from __future__ import annotations

import phonenumbers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from orgs.models import OrganizationKind

# Field → label for the summary e-mail and the audit log (translated when rendered).
ORG_FIELD_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Type"),
    "street": gettext_lazy("Street and number"),
    "postcode": gettext_lazy("Postcode"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "phone": gettext_lazy("Contact phone"),
    "tax_id": gettext_lazy("VAT or company number"),
    "accounting_email": gettext_lazy("Accounting e-mail address"),
    "logo": gettext_lazy("Logo"),
}


def org_value_display(field_name: str, value: str) -> str:
    """A stored value as people read it, in the active language."""
    if not value:
        return "—"
    if field_name == "kind":
        return str(OrganizationKind(value).label) if value in OrganizationKind.values else value
    if field_name == "country":
        return str(countries.name(value)) or value
    if field_name == "phone":
        try:
            return phonenumbers.format_number(
                phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
        except phonenumbers.NumberParseException:
            return value
    if field_name == "logo":
        return _("a new logo") if value == "✓" else value
    return value


def org_change_lines(changes: dict[str, list[str]]) -> list[dict[str, str]]:
    """The changes as translated lines ``{label, old, new}`` for e-mails and the audit log."""
    return [
        {
            "label": str(ORG_FIELD_LABELS.get(key, key)),
            "old": org_value_display(key, old) if key != "logo" else (_("a logo") if old else "—"),
            "new": org_value_display(key, new)
            if key != "logo"
            else (_("a new logo") if new else "—"),
        }
        for key, (old, new) in changes.items()
    ]
