"""Shared by the organization services: the organization lock, and the re-read
and rights check that follow it.

Every service of ``orgs`` locks the organization row before it reads the memberships
it decides on, so rules that span several rows, above all "the last legal
representative stays" (O6), hold when two requests race. The flows that span
other domains take this lock first (docs/decisions/0004-layers-and-lock-order.md).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import BusinessError
from orgs.models import Capability, Membership, Organization


def forbidden(message: str) -> BusinessError:
    return BusinessError(message, code="forbidden")


def org_lock(organization_id: int) -> Organization:
    """Lock the organization row: every membership decision is made under it.

    ``FOR NO KEY UPDATE``, the first lock of the lock order (docs/decisions/0004):
    it serialises the organization's services and flows without blocking the
    inserts of other apps' rows that point at the organization (invoices,
    payments, ledger entries, audit events)."""
    return Organization.objects.select_for_update(no_key=True).get(pk=organization_id)


def membership_fresh(membership: Membership) -> Membership:
    """The membership as it is now (after the lock), or BusinessError if it is gone."""
    current = (
        Membership.objects.select_related("user", "organization").filter(pk=membership.pk).first()
    )
    if current is None:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    return current


def require(acting: Membership, capability: Capability) -> None:
    if not acting.can(capability):
        raise forbidden(_("You do not have the right to do this."))


def locked_for(acting: Membership, capability: Capability) -> tuple[Organization, Membership]:
    """Lock the organization, then re-read and check the acting membership."""
    organization = org_lock(acting.organization_id)
    acting = membership_fresh(acting)
    require(acting, capability)
    return organization, acting
