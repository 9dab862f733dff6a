"""A5: changing the account password and, when the user asks, giving the mailbox
at their login address the same password (accounts, then products).

A failure on the mailbox does not undo the account's change: it is returned so
that the page shows it.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.services import password_set
from core.errors import BusinessError
from products.mailboxes import mailbox_password_set
from products.models import Mailbox


def mailbox_of_login(*, user: User) -> Mailbox | None:
    """The platform mailbox at the user's login address, in one of their organizations."""
    return (
        Mailbox.objects.filter(address__iexact=user.email, organization__memberships__user=user)
        .select_related("organization")
        .first()
    )


@transaction.atomic
def password_change(
    *, user: User, new_password: str, mailbox: Mailbox | None = None
) -> BusinessError | None:
    """Set a new account password (already validated by the form); with ``mailbox``,
    the mailbox gets it too. The caller ends the other sessions and sends the
    notice (allauth's ``finalize_password_change``), whose signal writes the
    audit event."""
    password_set(user=user, new_password=new_password)
    if mailbox is None:
        return None
    try:
        with transaction.atomic():
            mailbox_password_set(mailbox=mailbox, password=new_password, acting=user)
    except BusinessError as exc:
        return exc
    return None
