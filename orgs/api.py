"""Organizations API (X3): what the Organization, Users and Audit log pages do.

Same services, same rules, same errors as the pages: outsiders get 404, a
membership without the right 403, a broken business rule 400 (or 403 when the
rule is about rights), each in the JSON shape of core/api.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from accounts.models import api_user
from core.api import ErrorOut
from core.images import logo_clean
from core.models import AuditEvent
from core.paging import MAX_LIMIT, CountedPage, PageParams, page_count
from orgs.access import member_in, membership_of, memberships_of
from orgs.audit_log import audit_describe, audit_events
from orgs.models import BillingAddress, Capability, Invitation, Membership, Role
from orgs.services.addresses import (
    AddressDetails,
    billing_address_add,
    billing_address_remove,
    billing_address_set_default,
    billing_address_update,
)
from orgs.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from orgs.services.members import MemberPermissions, member_update
from orgs.services.organizations import OrgDetails, org_update

router = Router(tags=["organizations"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    currency: str
    role: str
    accounting: bool


@router.get("/orgs", response={200: list[OrgOut], 401: ErrorOut}, summary="My organizations")
def orgs_list(request: HttpRequest) -> list[OrgOut]:
    """O1: the organizations the user belongs to, with their role in each."""
    return [
        OrgOut(
            id=m.organization.pk,
            name=m.organization.name,
            kind=m.organization.kind,
            country=str(m.organization.country or ""),
            currency=m.organization.currency.value,
            role=m.role,
            accounting=m.accounting,
        )
        for m in memberships_of(api_user(request))
    ]


# --- Organization details (O4, O5) --------------------------------------------------


class OrgDetailOut(Schema):
    id: int
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    country: str
    phone: str = Field(description="E.164, or empty")
    tax_id: str
    accounting_email: str = Field(description="I7: invoices are also e-mailed here; empty for none")
    currency: str
    logo_url: str | None


class OrgUpdateIn(Schema):
    """Only the fields given change. The logo has its own endpoint (multipart)."""

    name: str | None = Field(None, max_length=150)
    kind: str | None = Field(None, max_length=20)
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    phone: str | None = Field(None, max_length=40)
    tax_id: str | None = Field(None, max_length=40)
    accounting_email: str | None = Field(None, max_length=254, description='"" removes it')


def _org_out(membership: Membership) -> OrgDetailOut:
    org = membership.organization
    return OrgDetailOut(
        id=org.pk,
        name=org.name,
        kind=org.kind,
        street=org.street,
        postcode=org.postcode,
        city=org.city,
        country=str(org.country or ""),
        phone=str(org.phone or ""),
        tax_id=org.tax_id,
        accounting_email=org.accounting_email,
        currency=org.currency.value,
        logo_url=org.logo.url if org.logo else None,
    )


@router.get("/orgs/{org_id}", response={200: OrgDetailOut, **ERRORS}, summary="Organization")
def org_detail(request: HttpRequest, org_id: int) -> OrgDetailOut:
    """O4: everyone in the organization reads its details."""
    return _org_out(membership_of(api_user(request), org_id, Capability.VIEW_ORG))


@router.patch(
    "/orgs/{org_id}", response={200: OrgDetailOut, **ERRORS}, summary="Change the organization"
)
def org_patch(request: HttpRequest, org_id: int, payload: OrgUpdateIn) -> OrgDetailOut:
    """O4: legal representatives only. A summary e-mail goes to each of them."""
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    org_update(acting=membership, details=_details_with(membership, given))
    return _org_out(membership_of(api_user(request), org_id))


def _details_with(membership: Membership, changes: dict[str, Any]) -> OrgDetails:
    """The organization's current details with ``changes`` applied; ``org_update``
    checks them with the same rules and messages as the page."""
    org = membership.organization
    current = {
        "name": org.name,
        "kind": org.kind,
        "street": org.street,
        "postcode": org.postcode,
        "city": org.city,
        "country": str(org.country or ""),
        "phone": str(org.phone or ""),
        "tax_id": org.tax_id,
        "accounting_email": org.accounting_email,
    }
    return OrgDetails(**{**current, **changes})


@router.post(
    "/orgs/{org_id}/logo",
    response={200: OrgDetailOut, **ERRORS},
    summary="Change the logo",
)
def logo_put(request: HttpRequest, org_id: int, logo: File[UploadedFile]) -> OrgDetailOut:
    """O4: a PNG, JPEG or WebP image of at most 2 MB and 4096 × 4096 pixels, sent as
    multipart ``logo``; it is decoded and re-encoded. Legal representatives only."""
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    cleaned = logo_clean(logo, size=logo.size)
    org_update(acting=membership, details=_details_with(membership, {}), logo=cleaned)
    return _org_out(membership_of(api_user(request), org_id))


@router.delete("/orgs/{org_id}/logo", response={204: None, **ERRORS}, summary="Remove the logo")
def logo_delete(request: HttpRequest, org_id: int) -> Status[None]:
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    org_update(acting=membership, details=_details_with(membership, {}), remove_logo=True)
    return Status(204, None)


# --- Billing addresses (O5) ----------------------------------------------------------


class AddressIn(Schema):
    name: str = Field(..., max_length=150)
    street: str = Field(..., max_length=200)
    postcode: str = Field(..., max_length=20)
    city: str = Field(..., max_length=100)
    country: str = Field(..., max_length=2)


class AddressCreateIn(AddressIn):
    is_default: bool = False


class AddressOut(Schema):
    id: int
    name: str
    street: str
    postcode: str
    city: str
    country: str
    is_default: bool


class DefaultAddressIn(Schema):
    address_id: int | None = Field(None, description="None: the organization's postal address")


def _address_out(address: BillingAddress) -> AddressOut:
    return AddressOut(
        id=address.pk,
        name=address.name,
        street=address.street,
        postcode=address.postcode,
        city=address.city,
        country=str(address.country),
        is_default=address.is_default,
    )


def _details(payload: AddressIn) -> AddressDetails:
    return AddressDetails(
        name=payload.name,
        street=payload.street,
        postcode=payload.postcode,
        city=payload.city,
        country=payload.country,
    )


@router.get(
    "/orgs/{org_id}/billing-addresses",
    response={200: list[AddressOut], **ERRORS},
    summary="Billing addresses",
)
def addresses_list(request: HttpRequest, org_id: int) -> list[AddressOut]:
    membership = membership_of(api_user(request), org_id, Capability.VIEW_ORG)
    return [_address_out(a) for a in membership.organization.billing_addresses.all()]


@router.post(
    "/orgs/{org_id}/billing-addresses",
    response={201: AddressOut, **ERRORS},
    summary="Add a billing address",
)
def addresses_create(
    request: HttpRequest, org_id: int, payload: AddressCreateIn
) -> Status[AddressOut]:
    """O5: legal representatives."""
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    address = billing_address_add(
        acting=membership, details=_details(payload), is_default=payload.is_default
    )
    return Status(201, _address_out(address))


def _address(membership: Membership, address_id: int) -> BillingAddress:
    return get_object_or_404(BillingAddress, pk=address_id, organization=membership.organization)


@router.put(
    "/orgs/{org_id}/billing-addresses/{address_id}",
    response={200: AddressOut, **ERRORS},
    summary="Change a billing address",
)
def addresses_update(
    request: HttpRequest, org_id: int, address_id: int, payload: AddressIn
) -> AddressOut:
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    address = billing_address_update(
        acting=membership, address=_address(membership, address_id), details=_details(payload)
    )
    return _address_out(address)


@router.delete(
    "/orgs/{org_id}/billing-addresses/{address_id}",
    response={204: None, **ERRORS},
    summary="Remove a billing address",
)
def addresses_delete(request: HttpRequest, org_id: int, address_id: int) -> Status[None]:
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    billing_address_remove(acting=membership, address=_address(membership, address_id))
    return Status(204, None)


@router.put(
    "/orgs/{org_id}/default-billing-address",
    response={200: list[AddressOut], **ERRORS},
    summary="Choose the address of new invoices",
)
def addresses_default(
    request: HttpRequest, org_id: int, payload: DefaultAddressIn
) -> list[AddressOut]:
    membership = membership_of(api_user(request), org_id, Capability.EDIT_ORG)
    address = _address(membership, payload.address_id) if payload.address_id else None
    billing_address_set_default(acting=membership, address=address)
    return [_address_out(a) for a in membership.organization.billing_addresses.all()]


# --- Users (O2, O6) ------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    email: str
    role: str
    accounting: bool
    last_seen_at: datetime | None


class MemberPage(CountedPage):
    items: list[MemberOut]


class MemberFilters(PageParams):
    role: Role | None = None
    q: str = Field("", max_length=100, description="Part of a name or e-mail address")


class DataDecisionsIn(Schema):
    transfer_files_to: int | None = Field(None, description="The user who receives the files")
    delete_files: bool = False


class ReauthIn(Schema):
    password: str = Field("", description="Your account password (re-authentication).")
    code: str | None = Field(
        None, description="A code from your authenticator app, when two-factor is on."
    )


class MemberUpdateIn(Schema):
    role: Role
    accounting: bool = False


def _member_out(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.pk,
        name=m.user.name,
        email=m.user.email,
        role=m.role,
        accounting=m.accounting,
        last_seen_at=m.last_seen_at,
    )


@router.get("/orgs/{org_id}/members", response={200: MemberPage, **ERRORS}, summary="Users")
def members_list(request: HttpRequest, org_id: int, filters: Query[MemberFilters]) -> MemberPage:
    """O2: administrators and legal representatives; filter by role, search name or e-mail."""
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    qs = Membership.objects.filter(organization=membership.organization).select_related("user")
    if filters.role:
        qs = qs.filter(role=filters.role)
    if q := filters.q.strip():
        qs = qs.filter(Q(user__name__icontains=q) | Q(user__email__icontains=q))
    qs = qs.order_by("user__name", "user__email", "user__id")
    return MemberPage(
        **page_count(qs), items=[_member_out(m) for m in qs[filters.offset : filters.end]]
    )


@router.patch(
    "/orgs/{org_id}/members/{member_id}",
    response={200: MemberOut, **ERRORS},
    summary="Change a user's role and permissions",
)
def members_update(
    request: HttpRequest, org_id: int, member_id: int, payload: MemberUpdateIn
) -> MemberOut:
    """O2: nobody changes their own role or raises someone above their own."""
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    member = member_update(
        acting=membership,
        member=member_in(membership, member_id),
        role=payload.role,
        permissions=MemberPermissions(accounting=payload.accounting),
    )
    return _member_out(member)


# --- Invitations (O3) ------------------------------------------------------------------


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: Role = Role.MEMBER
    accounting: bool = False


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    accounting: bool
    status: str
    expires_at: datetime
    send_count: int


class AcceptIn(Schema):
    key: str = Field(..., max_length=100, description="The key in the invitation link")


def _invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(
        id=i.pk,
        email=i.email,
        role=i.role,
        accounting=i.accounting,
        status=i.status.value,
        expires_at=i.expires_at,
        send_count=i.send_count,
    )


def _invitation(membership: Membership, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id, organization=membership.organization)


@router.get(
    "/orgs/{org_id}/invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="Pending invitations",
)
def invitations_list(request: HttpRequest, org_id: int) -> list[InvitationOut]:
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    return [
        _invitation_out(i)
        for i in Invitation.objects.filter(
            organization=membership.organization,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
        )[:MAX_LIMIT]
    ]


@router.post(
    "/orgs/{org_id}/invitations",
    response={201: InvitationOut, **ERRORS},
    summary="Invite by e-mail",
)
def invitations_create(
    request: HttpRequest, org_id: int, payload: InvitationIn
) -> Status[InvitationOut]:
    """O3: the link goes by e-mail to the invited address only; it is not returned here."""
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    invitation, _key = invitation_create(
        acting=membership,
        email=payload.email,
        role=payload.role,
        permissions=MemberPermissions(accounting=payload.accounting),
    )
    return Status(201, _invitation_out(invitation))


@router.delete(
    "/orgs/{org_id}/invitations/{invitation_id}",
    response={204: None, **ERRORS},
    summary="Withdraw an invitation",
)
def invitations_revoke(request: HttpRequest, org_id: int, invitation_id: int) -> Status[None]:
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    invitation_revoke(acting=membership, invitation=_invitation(membership, invitation_id))
    return Status(204, None)


@router.post(
    "/orgs/{org_id}/invitations/{invitation_id}/resend",
    response={200: InvitationOut, **ERRORS},
    summary="Send an invitation again",
)
def invitations_resend(request: HttpRequest, org_id: int, invitation_id: int) -> InvitationOut:
    """O3: a new link, valid 7 days; at most every 10 minutes and 5 times."""
    membership = membership_of(api_user(request), org_id, Capability.MANAGE_MEMBERS)
    invitation, _key = invitation_resend(
        acting=membership, invitation=_invitation(membership, invitation_id)
    )
    return _invitation_out(invitation)


@router.post(
    "/invitations/accept", response={200: OrgOut, **ERRORS}, summary="Accept an invitation"
)
def invitations_accept(request: HttpRequest, payload: AcceptIn) -> OrgOut:
    """O3: only the invited address can accept; never a second membership."""
    m = invitation_accept(user=api_user(request), key=payload.key)
    return OrgOut(
        id=m.organization.pk,
        name=m.organization.name,
        kind=m.organization.kind,
        country=str(m.organization.country or ""),
        currency=m.organization.currency.value,
        role=m.role,
        accounting=m.accounting,
    )


# --- Audit log (O8) ---------------------------------------------------------------------


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    kind: str
    description: str
    actor_email: str | None
    ip: str | None
    data: dict


class AuditFilters(PageParams):
    actor: str | None = Field(None, max_length=254, description="The actor's e-mail address")
    kind: str | None = Field(None, max_length=60)
    since: date | None = None
    until: date | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items to return")


class AuditPage(CountedPage):
    items: list[AuditEventOut]


@router.get("/orgs/{org_id}/audit-events", response={200: AuditPage, **ERRORS}, summary="Audit log")
def audit_list(request: HttpRequest, org_id: int, filters: Query[AuditFilters]) -> AuditPage:
    """O8: legal representatives and administrators; newest first; read-only."""
    membership = membership_of(api_user(request), org_id, Capability.VIEW_AUDIT)
    events = AuditEvent.objects.filter(organization=membership.organization)
    if filters.actor:
        events = events.filter(actor__email__iexact=filters.actor)
    qs = audit_events(events, kind=filters.kind, since=filters.since, until=filters.until)
    return AuditPage(
        **page_count(qs),
        items=[
            AuditEventOut(
                id=e.pk,
                created_at=e.created_at,
                kind=e.kind,
                description=audit_describe(e),
                actor_email=e.actor.email if e.actor else None,
                ip=e.ip,
                data=e.data,
            )
            for e in qs[filters.offset : filters.end]
        ],
    )
