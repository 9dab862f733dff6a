"""The audit log (O8): what happened, by whom, when and from where.

Every event has one of the kinds below; ``audit_record`` takes nothing else. Each
kind has a translated name here, and the app that records it tells what an event
of that kind did in one translated sentence (``@audit_describer`` in its
``audit.py``), read on the organization's audit log page and in the API. The
values are stored: never change one, add a new kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.request_context import current_request_meta


class AuditKind(models.TextChoices):
    # The user's own account (A1-A7): recorded without an organization.
    ACCOUNT_SIGNED_UP = "account.signed_up", _("Account created")
    ACCOUNT_LOGGED_IN = "account.logged_in", _("Logged in")
    ACCOUNT_LOGIN_FAILED = "account.login_failed", _("Failed login")
    ACCOUNT_LOGIN_LOCKED_OUT = "account.login_locked_out", _("Login blocked for a while")
    ACCOUNT_PROFILE_UPDATED = "account.profile_updated", _("Profile changed")
    ACCOUNT_AVATAR_CHANGED = "account.avatar_changed", _("Profile picture changed")
    ACCOUNT_AVATAR_REMOVED = "account.avatar_removed", _("Profile picture removed")
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", _("Password changed")
    ACCOUNT_PASSWORD_RESET = "account.password_reset", _("Password reset")
    ACCOUNT_EMAIL_CHANGE_REQUESTED = (
        "account.email_change_requested",
        _("E-mail address change requested"),
    )
    ACCOUNT_LOGIN_EMAIL_CHANGED = "account.login_email_changed", _("Login e-mail address changed")
    ACCOUNT_RECOVERY_EMAIL_CHANGED = (
        "account.recovery_email_changed",
        _("Recovery e-mail address changed"),
    )
    ACCOUNT_RECOVERY_EMAIL_REMOVED = (
        "account.recovery_email_removed",
        _("Recovery e-mail address removed"),
    )
    ACCOUNT_TWO_FACTOR_ADDED = "account.two_factor_added", _("Two-factor authentication turned on")
    ACCOUNT_TWO_FACTOR_REMOVED = (
        "account.two_factor_removed",
        _("Two-factor authentication turned off"),
    )
    ACCOUNT_TWO_FACTOR_FAILED = "account.two_factor_failed", _("Wrong two-factor code")
    ACCOUNT_RECOVERY_CODES_REGENERATED = (
        "account.recovery_codes_regenerated",
        _("New recovery codes generated"),
    )
    ACCOUNT_RECOVERY_CODE_USED = "account.recovery_code_used", _("Recovery code used")
    ACCOUNT_SESSION_ENDED = "account.session_ended", _("Session logged out")
    ACCOUNT_SESSIONS_ENDED = "account.sessions_ended", _("Other sessions logged out")
    ACCOUNT_API_TOKEN_CREATED = "account.api_token_created", _("API token created")
    ACCOUNT_API_TOKEN_REVOKED = "account.api_token_revoked", _("API token revoked")
    # The organization (O1-O8).
    ORG_CREATED = "org.created", _("Organization created")
    ORG_UPDATED = "org.updated", _("Organization details changed")
    ORG_TWO_FACTOR_POLICY_CHANGED = "orgs.two_factor_policy_changed", _("Two-factor rule changed")
    BILLING_ADDRESS_ADDED = "billing_address.added", _("Billing address added")
    BILLING_ADDRESS_CHANGED = "billing_address.changed", _("Billing address changed")
    BILLING_ADDRESS_REMOVED = "billing_address.removed", _("Billing address removed")
    BILLING_ADDRESS_DEFAULT_SET = "billing_address.default_set", _("Default billing address chosen")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Role changed")
    MEMBER_PERMISSIONS_CHANGED = "member.permissions_changed", _("Permissions changed")
    MEMBER_REMOVED = "member.removed", _("User removed")
    MEMBER_LEFT = "member.left", _("User left")
    INVITATION_CREATED = "invitation.created", _("Invitation sent")
    INVITATION_RESENT = "invitation.resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation withdrawn")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    # Products (S1-S6).
    PRODUCT_RENAMED = "product.renamed", _("Product renamed")
    PRODUCT_AUTO_RENEWAL_SET = "product.auto_renewal_set", _("Automatic renewal changed")
    PRODUCT_CANCELLED = "product.cancelled", _("Product cancelled")
    PRODUCT_ACCESS_SET = "product.access_set", _("Product access changed")
    PRODUCT_FILES_TRANSFERRED = "product.files_transferred", _("Files given to another user")
    PRODUCT_FILES_DELETED = "product.files_deleted", _("Files deleted")
    PRODUCT_MAILBOX_PASSWORD_CHANGED = (
        "products.mailbox_password_changed",
        _("Mailbox password changed"),
    )
    # Money (I1-I3, P1-P4).
    INVOICE_ISSUED = "invoice.issued", _("Invoice issued")
    INVOICE_CANCELLED = "invoice.cancelled", _("Invoice cancelled")
    INVOICE_REFUNDED = "invoice.refunded", _("Invoice refunded")
    PAYMENT_STARTED = "payment.started", _("Payment started")
    PAYMENT_CONFIRMED = "payment.confirmed", _("Payment confirmed")
    PAYMENT_FAILED = "payment.failed", _("Payment failed")
    PAYMENT_EXPIRED = "payment.expired", _("Payment expired")
    PAYMENT_PREPAID = "payment.prepaid", _("Paid from the prepaid account")
    WITHDRAWAL_REQUESTED = "withdrawal.requested", _("Withdrawal requested")
    WITHDRAWAL_COMPLETED = "withdrawal.completed", _("Withdrawal paid out")
    WITHDRAWAL_REJECTED = "withdrawal.rejected", _("Withdrawal refused")
    # Shop (S2, S3, S4, X4).
    GRANT_GIVEN = "grant.given", _("Free grant given")
    GRANT_REVOKED = "grant.revoked", _("Free grant revoked")
    ORDER_PLACED = "order.placed", _("Order placed")
    ORDER_PAID = "order.paid", _("Order paid")
    ORDER_AWAITING_PAYMENT = "order.awaiting_payment", _("Order waiting for its prepaid part")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled")


def audit_record(
    *,
    kind: AuditKind,
    actor: AbstractBaseUser | None,
    organization: Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event; the IP and user agent come from the current request.

    ``actor`` is a user (``settings.AUTH_USER_MODEL``) and ``organization`` an
    organization (``orgs.Organization``, the model's foreign key): core names
    them only through the model's relations, never by importing their apps.
    """
    meta = current_request_meta()
    return AuditEvent.objects.create(
        kind=AuditKind(kind).value,  # an unknown kind fails here, not on the log page
        actor_id=actor.pk if actor is not None and actor.pk else None,
        organization_id=organization.pk if organization is not None else None,
        data=data or {},
        ip=meta.ip,
        user_agent=meta.user_agent,
    )


AuditData = dict[str, Any]
Describer = Callable[[AuditData], str]
_describers: dict[AuditKind, Describer] = {}


def audit_describer(*kinds: AuditKind) -> Callable[[Describer], Describer]:
    """Register the function that tells, in the active language, what an event of
    these kinds did, from its data (old events may lack a key: use ``.get``)."""

    def register(describe: Describer) -> Describer:
        for kind in kinds:
            _describers[kind] = describe
        return describe

    return register


def audit_description(kind: str, data: AuditData) -> str | None:
    """The event's sentence, or None for a kind nobody describes (unknown, retired)."""
    describe = _describers.get(AuditKind(kind)) if kind in AuditKind.values else None
    return describe(data) if describe is not None else None
