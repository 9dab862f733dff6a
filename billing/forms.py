from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.models import InvoiceStatus
from core.text import CleanTextForm


class InvoiceFilterForm(CleanTextForm):
    """I3: filter the invoice history by status and by period."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("invoice status filter", "All")), *InvoiceStatus.choices],
    )
    issued_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must come before the end date."))
        return data


class InvoiceExportForm(InvoiceFilterForm):
    """I5: the history's filters, and the file's format."""

    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("As in my language")),
            ("comma", _("Comma-separated, decimal point")),
            ("semicolon", _("Semicolon-separated, decimal comma")),
        ],
    )
    bom = forms.BooleanField(label=_("For spreadsheet programs (UTF-8 with BOM)"), required=False)

    def options(self) -> dict[str, str]:
        """The validated choices as plain text (for a task or a signed link)."""
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "issued_from": data["issued_from"].isoformat() if data.get("issued_from") else "",
            "issued_to": data["issued_to"].isoformat() if data.get("issued_to") else "",
            "format": data.get("format") or "",
            "bom": "1" if data.get("bom") else "",
        }
