from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import DECIMAL_PLACES, MAX_DIGITS, Money


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    COMPLETED = "completed", _("Paid out")
    REJECTED = "rejected", _("Rejected")


class WithdrawalDestination(models.TextChoices):
    IBAN = "iban", _("Bank account (IBAN)")
    PAYPAL = "paypal", _("PayPal")


class Withdrawal(models.Model):
    """P4: money taken out of the prepaid account, reserved at once, paid out by an agent."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="withdrawals"
    )
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(_("currency"), max_length=3)
    destination = models.CharField(
        _("destination"), max_length=10, choices=WithdrawalDestination.choices
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True)
    holder_name = models.CharField(_("account holder"), max_length=150, blank=True)
    paypal_email = models.EmailField(_("PayPal e-mail address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.PENDING,
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_withdrawal_positive"),
            models.CheckConstraint(
                condition=(Q(destination="iban") & ~Q(iban="") & ~Q(holder_name=""))
                | (Q(destination="paypal") & ~Q(paypal_email="")),
                name="wallet_withdrawal_destination_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def destination_label(self) -> str:
        if self.destination == WithdrawalDestination.IBAN:
            return f"{self.holder_name}, {self.iban}"
        return f"PayPal {self.paypal_email}"
