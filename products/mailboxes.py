"""Mailbox passwords (A5, S5): the one write path, shared by the account's
password change ("also use this password for the mailbox") and the products
pages."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from products.models import Mailbox

# The mail service stores passwords for IMAP/SMTP clients, several of which cut
# longer ones; until it is connected, this is the service's only rule.
MAILBOX_PASSWORD_MAX_LENGTH = 128


@transaction.atomic
def mailbox_password_set(*, mailbox: Mailbox, password: str, acting: User) -> Mailbox:
    """Give ``mailbox`` a new password; only its hash is kept."""
    if len(password) > MAILBOX_PASSWORD_MAX_LENGTH:
        raise BusinessError(
            _("The mail service accepts passwords of at most %(max)d characters.")
            % {"max": MAILBOX_PASSWORD_MAX_LENGTH},
            code="mailbox_password_too_long",
            field="password",
        )
    mailbox.password_hash = make_password(password)
    mailbox.save(update_fields=["password_hash"])
    audit_record(
        kind=AuditKind.PRODUCT_MAILBOX_PASSWORD_CHANGED,
        actor=acting,
        organization=mailbox.organization,
        data={"address": mailbox.address},
    )
    return mailbox
