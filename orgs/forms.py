from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from orgs.models import OrganizationKind


class OrganizationCreateForm(forms.Form):
    """O1: a new organization; the creator becomes its legal representative."""

    name = forms.CharField(label=_("Name of the organization"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Type"), choices=OrganizationKind.choices, initial=OrganizationKind.COMPANY
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", "—"), *countries],
        required=False,
        help_text=_(
            "Decides the currency of invoices: CHF in Switzerland and Liechtenstein, EUR elsewhere."
        ),
    )


class SwitchForm(forms.Form):
    organization = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False)
