from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import BillingPeriod, OfferKind
from products.domains import domain_unicode


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", pgettext_lazy("product status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("product status", "Cancelled")


OPEN_STATUSES = (ProductStatus.ACTIVE, ProductStatus.SUSPENDED)


class ProductInstance(models.Model):
    """A product an organization owns: a plan for a term (S5).

    Legal representatives and administrators see every product; a plain member
    sees only those listed in ``members_with_access`` (O2). The *accounting*
    permission gives no product access.

    What the order asked for (issue 10, ``products.requirements``): ``domain`` is
    the domain registered (domain name), the site's domain (web hosting) or the
    mailbox domain (e-mail service). A cloud server's size is its plan: nothing
    more is stored.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="products"
    )
    plan = models.ForeignKey("catalog.Plan", on_delete=models.PROTECT, related_name="instances")
    name = models.CharField(_("name"), max_length=120, blank=True)
    period_months = models.PositiveSmallIntegerField(
        _("billing frequency"), choices=BillingPeriod.choices
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    auto_renewal = models.BooleanField(_("automatic renewal"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    # Cancelled at term end: stays active until term_end, then is not renewed.
    cancel_at_term_end = models.BooleanField(_("cancelled at term end"), default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    members_with_access = models.ManyToManyField(
        "orgs.Membership", blank=True, related_name="product_access"
    )
    # O5: where its invoices go; empty means the organization's default address.
    billing_address = models.ForeignKey(
        "orgs.BillingAddress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("billing address"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The plan's offer kind, copied when the product is created (``product_create``)
    # so that the database itself can hold a domain name once (the index below
    # cannot reach the offer's table). Plans never move between offers.
    offer_kind = models.CharField(
        _("kind"), max_length=20, choices=OfferKind.choices, blank=True, default="", db_default=""
    )
    # ASCII (xn-- for internationalized names), lower case; ``domain_display`` reads it.
    domain = models.CharField(
        _("domain name"), max_length=253, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProductStatus]),
                name="products_instance_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")),
                name="products_instance_term_ordered",
            ),
            models.CheckConstraint(
                condition=Q(period_months__in=[p.value for p in BillingPeriod]),
                name="products_instance_period_valid",
            ),
            # Issue 10: a domain name is held by one open product in all of Gestor;
            # the requirement check reads this index, and it decides between two
            # orders at the same moment.
            models.UniqueConstraint(
                Lower("domain"),
                condition=Q(offer_kind=OfferKind.DOMAIN_NAME, status__in=OPEN_STATUSES)
                & ~Q(domain=""),
                name="products_domain_held_once",
            ),
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="products_instance_domain_lower"
            ),
            models.CheckConstraint(
                condition=Q(offer_kind__in=["", *(k.value for k in OfferKind)]),
                name="products_instance_offer_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(domain="") | ~Q(offer_kind=""),
                name="products_instance_domain_has_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "term_end"], name="products_org_term_end_idx"),
            # Issue 9: the list's order (status, term end) and the dashboard's renewals
            # read the first rows of this index instead of sorting every product.
            models.Index(
                fields=["organization", "status", "term_end", "id"],
                name="products_org_status_term_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.domain_display or self.plan.name

    @property
    def is_open(self) -> bool:
        """Still running: it can be renamed, renewed or cancelled."""
        return self.status in OPEN_STATUSES

    @property
    def domain_display(self) -> str:
        """The domain as people read it (``bücher.ch``), or empty."""
        return domain_unicode(self.domain)


class Mailbox(models.Model):
    """A mailbox of the organization's e-mail service (S5, A5).

    Its password is separate from any account password; only a hash is kept.
    ``members_with_access`` are the users who may read it (O6 asks about them).
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="mailboxes"
    )
    product = models.ForeignKey(
        ProductInstance,
        on_delete=models.CASCADE,
        related_name="mailboxes",
        null=True,
        blank=True,
    )
    address = models.EmailField(_("address"), max_length=254)
    password_hash = models.CharField(max_length=256, blank=True)
    members_with_access = models.ManyToManyField(
        "orgs.Membership", blank=True, related_name="mailbox_access"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(Lower("address"), name="products_mailbox_address_ci_unique")
        ]

    def __str__(self) -> str:
        return self.address


class StoredFile(models.Model):
    """A file in a member's space of the file storage (S5, O6): name and size only."""

    product = models.ForeignKey(ProductInstance, on_delete=models.CASCADE, related_name="files")
    # RESTRICT: removing a member must first transfer or delete their files (O6);
    # deleting the whole product or organization still cascades.
    owner = models.ForeignKey(
        "orgs.Membership", on_delete=models.RESTRICT, related_name="stored_files"
    )
    name = models.CharField(_("name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        indexes = [models.Index(fields=["owner"], name="products_file_owner_idx")]

    def __str__(self) -> str:
        return self.name
