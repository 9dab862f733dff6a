"""A1: signing up, across accounts and orgs.

A self sign-up gets an organization named after the user, who becomes its legal
representative. A sign-up through an invitation (O3) gets none: the user joins
the inviting organization when they accept the invitation, and the invitation
link, which reached the invited address, proves that address.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.audit import AuditKind, audit_record
from orgs.models import Organization, OrganizationKind
from orgs.services.invitations import invitation_is_for
from orgs.services.organizations import org_create


def signup_is_invited(*, invitation_key: str, email: str) -> bool:
    """Whether the visitor came through an open invitation for ``email``."""
    return invitation_is_for(invitation_key, email)


@transaction.atomic
def signup_complete(*, user: User, invitation_key: str = "") -> Organization | None:
    """Record the sign-up; without an invitation for the user's address, create
    their organization. Returns it, or None for an invited user."""
    via_invitation = signup_is_invited(invitation_key=invitation_key, email=user.email)
    audit_record(
        kind=AuditKind.ACCOUNT_SIGNED_UP, actor=user, data={"via_invitation": via_invitation}
    )
    if via_invitation:
        return None
    return org_create(user=user, name=user.display_name, kind=OrganizationKind.INDIVIDUAL)
