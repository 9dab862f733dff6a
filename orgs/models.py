from __future__ import annotations

import enum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

# O5: the postal address decides the currency of the next invoices.
CHF_COUNTRIES = frozenset({"CH", "LI"})


class Currency(models.TextChoices):
    CHF = "CHF", "CHF"
    EUR = "EUR", "EUR"


def currency_for_country(country_code: str | None) -> Currency:
    return Currency.CHF if (country_code or "").upper() in CHF_COUNTRIES else Currency.EUR


class Capability(enum.Enum):
    """What a membership may do. Views ask for one of these through orgs.access."""

    VIEW_ORG = "view_org"
    EDIT_ORG = "edit_org"  # O4: legal representatives only
    MANAGE_MEMBERS = "manage_members"  # O2, O6
    MANAGE_LEGAL_REPRESENTATIVES = "manage_legal_representatives"
    MANAGE_PRODUCTS = "manage_products"
    ACCOUNTING = "accounting"  # I2: invoices, payments, prepaid account, exports
    VIEW_AUDIT = "view_audit"  # O8
    DELETE_ORG = "delete_org"  # O7


class Role(models.TextChoices):
    """Roles in an organization (O2), from the most to the least powerful."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    ADMINISTRATOR = "administrator", _("Administrator")
    MEMBER = "member", _("User")

    @property
    def rank(self) -> int:
        return {"legal_representative": 3, "administrator": 2, "member": 1}[self.value]

    @property
    def capabilities(self) -> frozenset[Capability]:
        return _ROLE_CAPABILITIES[self.value]


_ADMIN_CAPABILITIES = frozenset(
    {
        Capability.VIEW_ORG,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_PRODUCTS,
        Capability.ACCOUNTING,
        Capability.VIEW_AUDIT,
    }
)
_ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "legal_representative": _ADMIN_CAPABILITIES
    | {Capability.EDIT_ORG, Capability.MANAGE_LEGAL_REPRESENTATIVES, Capability.DELETE_ORG},
    "administrator": _ADMIN_CAPABILITIES,
    "member": frozenset({Capability.VIEW_ORG}),
}


class OrganizationKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    OTHER = "other", _("Other")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=OrganizationKind.choices,
        default=OrganizationKind.INDIVIDUAL,
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    phone = PhoneNumberField(_("contact phone"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # A7: when on, legal representatives and administrators must use two-factor.
    require_two_factor = models.BooleanField(
        _("legal representatives and administrators must use two-factor authentication"),
        default=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> Currency:
        """O5: CHF for Switzerland and Liechtenstein, EUR elsewhere."""
        return currency_for_country(str(self.country or "") or None)


class Membership(models.Model):
    """A user's place in an organization: a role and, for members, permissions (O2)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    accounting = models.BooleanField(_("Accounting"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="orgs_membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="orgs_membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "organization"], name="orgs_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def capabilities(self) -> frozenset[Capability]:
        caps = self.role_enum.capabilities
        if self.accounting:
            caps = caps | {Capability.ACCOUNTING}
        return caps

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def allowed(self) -> dict[str, bool]:
        """For templates: ``{% if membership.allowed.accounting %}``."""
        return {cap.value: True for cap in self.capabilities}

    @property
    def is_legal_representative(self) -> bool:
        return self.role == Role.LEGAL_REPRESENTATIVE
