from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """A mailbox of the organization's e-mail service (S5, A5).

    Its password is separate from any account password; only a hash is kept.
    The product it belongs to and per-member access come with the products issue.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="mailboxes"
    )
    address = models.EmailField(_("address"), max_length=254)
    password_hash = models.CharField(max_length=256, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(Lower("address"), name="products_mailbox_address_ci_unique")
        ]

    def __str__(self) -> str:
        return self.address
