"""Which products a membership may see (S5, O2)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from orgs.models import Capability, Membership
from products.models import ProductInstance, StoredFile


def products_visible_to(membership: Membership) -> QuerySet[ProductInstance]:
    """Legal representatives and administrators see every product of the
    organization; a plain member (even with *accounting*) only those granted."""
    products = ProductInstance.objects.filter(organization_id=membership.organization_id)
    if not membership.can(Capability.MANAGE_PRODUCTS):
        products = products.filter(members_with_access=membership)
    return products


def product_for(membership: Membership, product_id: int) -> ProductInstance:
    """The product if the membership may see it; otherwise 404 (its existence is not revealed)."""
    product = (
        products_visible_to(membership)
        .select_related("plan__offer", "organization", "billing_address")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise Http404
    return product


def member_files_count(member: Membership) -> int:
    """O6: how many files the member owns in the organization's file storage."""
    return StoredFile.objects.filter(
        owner=member, product__organization_id=member.organization_id
    ).count()
