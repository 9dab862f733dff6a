"""Billing addresses of an organization (O5)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditKind, audit_record
from core.errors import BusinessError, Gone
from core.text import text_clean
from orgs.models import BillingAddress, Capability, Membership, Organization
from orgs.services._common import locked_for
from orgs.validation import country_clean, postcode_clean


@dataclass(frozen=True)
class AddressDetails:
    name: str
    street: str
    postcode: str
    city: str
    country: str


def _address_locked(organization: Organization, address: BillingAddress) -> BillingAddress:
    """The address as it is now, under the organization's lock; ``Gone`` (404) when a
    request that ran first removed it."""
    current = BillingAddress.objects.filter(pk=address.pk, organization=organization).first()
    if current is None:
        raise Gone(_("This billing address no longer exists."))
    return current


def _address_values(details: AddressDetails) -> dict[str, str]:
    values = {
        "name": text_clean(details.name, field="name", max_length=150),
        "street": text_clean(details.street, field="street", max_length=200),
        "city": text_clean(details.city, field="city", max_length=100),
    }
    for key, value in values.items():
        if not value:
            raise BusinessError(_("This field is required."), field=key)
    country = country_clean(
        text_clean(details.country, field="country", max_length=10), required=True
    )
    postcode = text_clean(details.postcode, field="postcode", max_length=20)
    values["postcode"] = postcode_clean(postcode, country=country, required=True)
    values["country"] = country
    return values


@transaction.atomic
def billing_address_add(
    *, acting: Membership, details: AddressDetails, is_default: bool = False
) -> BillingAddress:
    """O5: add an extra billing address (legal representatives)."""
    organization, acting = locked_for(acting, Capability.EDIT_ORG)
    values = _address_values(details)
    if is_default:
        BillingAddress.objects.filter(organization=organization).update(is_default=False)
    address = BillingAddress.objects.create(
        organization=organization, is_default=is_default, **values
    )
    audit_record(
        kind=AuditKind.BILLING_ADDRESS_ADDED,
        actor=acting.user,
        organization=organization,
        data={"address": str(address), "default": is_default},
    )
    return address


@transaction.atomic
def billing_address_update(
    *, acting: Membership, address: BillingAddress, details: AddressDetails
) -> BillingAddress:
    organization, acting = locked_for(acting, Capability.EDIT_ORG)
    address = _address_locked(organization, address)
    before = str(address)
    for key, value in _address_values(details).items():
        setattr(address, key, value)
    if str(address) != before:
        address.save()
        audit_record(
            kind=AuditKind.BILLING_ADDRESS_CHANGED,
            actor=acting.user,
            organization=organization,
            data={"old": before, "new": str(address)},
        )
    return address


@transaction.atomic
def billing_address_remove(*, acting: Membership, address: BillingAddress) -> None:
    organization, acting = locked_for(acting, Capability.EDIT_ORG)
    address = _address_locked(organization, address)
    text = str(address)
    address.delete()
    audit_record(
        kind=AuditKind.BILLING_ADDRESS_REMOVED,
        actor=acting.user,
        organization=organization,
        data={"address": text},
    )


@transaction.atomic
def billing_address_set_default(*, acting: Membership, address: BillingAddress | None) -> None:
    """O5: choose the address printed on new invoices; ``None`` means the postal address."""
    organization, acting = locked_for(acting, Capability.EDIT_ORG)
    if address is not None:
        address = _address_locked(organization, address)
        if address.is_default:
            return
    elif not BillingAddress.objects.filter(organization=organization, is_default=True).exists():
        return
    BillingAddress.objects.filter(organization=organization).update(is_default=False)
    if address is not None:
        BillingAddress.objects.filter(pk=address.pk).update(is_default=True)
    audit_record(
        kind=AuditKind.BILLING_ADDRESS_DEFAULT_SET,
        actor=acting.user,
        organization=organization,
        data={"address": str(address) if address else ""},
    )
