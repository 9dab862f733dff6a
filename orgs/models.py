from __future__ import annotations

import enum
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
    # O4: a VAT or company number, validated for the country and stored compact.
    tax_id = models.CharField(_("VAT or company number"), max_length=40, blank=True)
    # I7: invoices, payment requests and credit notes are also e-mailed here (optional).
    accounting_email = models.EmailField(_("accounting e-mail address"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # I4, X1: the language of the organization's invoices, payment requests and
    # credit notes; set from its creator's language, changed with the details (O4).
    invoice_language = models.CharField(
        _("invoice language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
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


class BillingAddress(models.Model):
    """O5: an extra address for invoices; the default one is printed on new invoices.

    Without a default extra address, invoices carry the organization's postal address.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="billing_addresses"
    )
    name = models.CharField(_("name on invoices"), max_length=150)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    is_default = models.BooleanField(_("default for invoices"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("billing address")
        verbose_name_plural = _("billing addresses")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_default=True),
                name="orgs_billing_address_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.street}, {self.postcode} {self.city}, {self.country}"


INVITATION_VALIDITY = timedelta(days=7)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    EXPIRED = "expired", pgettext_lazy("invitation status", "Expired")
    REVOKED = "revoked", _("Withdrawn")
    ACCEPTED = "accepted", _("Accepted")


class Invitation(models.Model):
    """O3: an invitation by e-mail to join an organization with a role and permissions.

    Only the SHA-256 of the link's key is stored; resending makes a new key.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    accounting = models.BooleanField(_("Accounting"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    send_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and organization.
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=models.Q(revoked_at__isnull=True, accepted_at__isnull=True),
                name="orgs_invitation_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="orgs_invitation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization} ({self.role})"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING
