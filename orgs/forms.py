from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.errors import BusinessError
from core.images import LOGO_MAX_BYTES
from core.text import CleanTextForm
from orgs.audit_log import ORGANIZATION_KINDS
from orgs.models import OrganizationKind, Role
from orgs.services.invitations import invitation_email_clean
from orgs.services.organizations import OrgDetails


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *countries]


class OrganizationCreateForm(CleanTextForm):
    """O1: a new organization; the creator becomes its legal representative."""

    name = forms.CharField(label=_("Name of the organization"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Type"), choices=OrganizationKind.choices, initial=OrganizationKind.COMPANY
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=_country_choices,
        required=False,
        help_text=_(
            "Decides the currency of invoices: CHF in Switzerland and Liechtenstein, EUR elsewhere."
        ),
    )


class SwitchForm(CleanTextForm):
    organization = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False)


class OrganizationForm(CleanTextForm):
    """O4: the organization's details, for legal representatives."""

    name = forms.CharField(label=_("Name of the organization"), max_length=150)
    kind = forms.ChoiceField(label=_("Type"), choices=OrganizationKind.choices)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(
        label=_("Country"),
        choices=_country_choices,
        required=False,
        help_text=_(
            "Decides the currency of the next invoices: CHF in Switzerland and Liechtenstein, "
            "EUR elsewhere. Invoices already issued keep their currency."
        ),
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        help_text=_("With the country code if it is not in the organization's country."),
    )
    tax_id = forms.CharField(
        label=_("VAT or company number"),
        max_length=40,
        required=False,
        help_text=_("Checked for the chosen country."),
    )
    accounting_email = forms.CharField(
        label=_("Accounting e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        help_text=_(
            "Optional. Invoices, payment requests and credit notes are also sent here, "
            "besides the legal representatives."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4096 × 4096 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args: Any, has_logo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget = forms.FileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp"}
        )
        if not has_logo:
            del self.fields["remove_logo"]

    def details(self) -> OrgDetails:
        data = self.cleaned_data
        return OrgDetails(
            name=data["name"],
            kind=data["kind"],
            street=data["street"],
            postcode=data["postcode"],
            city=data["city"],
            country=data["country"],
            phone=data["phone"],
            tax_id=data["tax_id"],
            accounting_email=data["accounting_email"],
        )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo is not None and logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo is larger than 2 MB. Please upload a smaller image.")
            )
        return logo


class BillingAddressForm(CleanTextForm):
    name = forms.CharField(label=_("Name on invoices"), max_length=150)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    is_default = forms.BooleanField(label=_("Use it for new invoices"), required=False)


class MemberForm(CleanTextForm):
    """O2: a user's role and, for the role "User", their permissions. Access per
    product is granted on each product's page (it comes with the products)."""

    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    accounting = forms.BooleanField(
        label=_("Accounting"),
        required=False,
        help_text=_("Invoices, payments, the prepaid account and exports."),
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]


class InvitationForm(MemberForm):
    email = forms.CharField(label=_("E-mail address"), max_length=254, widget=forms.EmailInput)
    field_order = ["email", "role", "accounting"]

    def clean_email(self) -> str:
        # O3: the service's own check, so the page and the API refuse the same addresses.
        try:
            return invitation_email_clean(self.cleaned_data["email"])
        except BusinessError as exc:
            raise forms.ValidationError(str(exc.message)) from None


class MemberFilterForm(CleanTextForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=lambda: [("", _("All roles")), *Role.choices]
    )


class AuditFilterForm(CleanTextForm):
    # A name or an e-mail address, not a list of every actor: that list costs a
    # DISTINCT over all of the organization's events (issue 9).
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or e-mail address")}),
    )
    kind = forms.ChoiceField(label=_("What"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("All events")),
            *sorted(((k.value, str(k.label)) for k in ORGANIZATION_KINDS), key=lambda kv: kv[1]),
        ]


class TwoFactorPolicyForm(CleanTextForm):
    require_two_factor = forms.BooleanField(
        label=_("Legal representatives and administrators must use two-factor authentication"),
        required=False,
    )
