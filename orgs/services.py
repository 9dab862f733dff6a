"""Writes to organizations and memberships: the one path for each action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import BusinessError
from orgs.models import Membership, Organization, OrganizationKind, Role

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def org_create(
    *,
    user: User,
    name: str,
    kind: str = OrganizationKind.INDIVIDUAL,
    country: str = "",
) -> Organization:
    """O1: create an organization; its creator becomes its legal representative."""
    name = name.strip()
    if not name:
        raise BusinessError(_("Please give the organization a name."), field="name")
    if kind not in OrganizationKind.values:
        raise BusinessError(_("Please choose a valid type of organization."), field="kind")
    organization = Organization.objects.create(name=name[:150], kind=kind, country=country)
    Membership.objects.create(organization=organization, user=user, role=Role.LEGAL_REPRESENTATIVE)
    audit_record(
        kind="org.created",
        actor=user,
        organization=organization,
        data={"name": organization.name, "kind": kind},
    )
    return organization
