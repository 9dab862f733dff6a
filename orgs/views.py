from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User, request_user
from core.errors import BusinessError
from core.forms import form_error_add
from core.images import logo_clean
from core.models import AuditEvent
from core.pagination import keyset_page, offset_page
from orgs.access import INVITATION_SESSION_KEY, member_in, membership_switch, org_view
from orgs.audit_log import audit_describe, audit_events, audit_kind_label
from orgs.currency_change import currency_change_notes_by_currency
from orgs.forms import (
    AuditFilterForm,
    BillingAddressForm,
    InvitationForm,
    MemberFilterForm,
    MemberForm,
    OrganizationCreateForm,
    OrganizationForm,
    SwitchForm,
    TwoFactorPolicyForm,
)
from orgs.models import (
    BillingAddress,
    Capability,
    Invitation,
    Membership,
    Role,
    currency_for_country,
)
from orgs.services.addresses import (
    AddressDetails,
    billing_address_add,
    billing_address_remove,
    billing_address_set_default,
    billing_address_update,
)
from orgs.services.invitations import (
    invitation_accept,
    invitation_accept_open,
    invitation_by_key,
    invitation_create,
    invitation_refusal,
    invitation_resend,
    invitation_revoke,
)
from orgs.services.members import (
    MemberPermissions,
    member_change_refusal,
    member_update,
    removal_refusal,
    roles_assignable_by,
)
from orgs.services.organizations import org_create, org_two_factor_require, org_update

MEMBERS_PER_PAGE = 25
AUDIT_PER_PAGE = 50


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """O1: make another of the user's organizations current (404 for any other)."""
    form = SwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = membership_switch(request, form.cleaned_data["organization"])
    messages.info(
        request, _("You are now working in %(name)s.") % {"name": membership.organization.name}
    )
    target = form.cleaned_data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """O1: create another organization and switch to it."""
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = org_create(
                user=request_user(request),
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"] or "",
            )
        except BusinessError as exc:
            form_error_add(form, exc)
        else:
            membership_switch(request, organization.pk)
            messages.success(
                request, _("The organization %(name)s was created.") % {"name": organization.name}
            )
            return redirect("dashboard")
    return render(request, "orgs/create.html", {"form": form})


# --- Organization details (O4, O5) ---------------------------------------------


@org_view(Capability.VIEW_ORG)
def detail(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O4: the organization's details; everyone in it may read them."""
    organization = membership.organization
    return render(
        request,
        "orgs/detail.html",
        {
            "organization": organization,
            "billing_addresses": list(organization.billing_addresses.all()),
        },
    )


def _initial(membership: Membership) -> dict[str, str]:
    org = membership.organization
    return {
        "name": org.name,
        "kind": org.kind,
        "street": org.street,
        "postcode": org.postcode,
        "city": org.city,
        "country": str(org.country or ""),
        "phone": org.phone.as_national if org.phone else "",
        "tax_id": org.tax_id,
        "accounting_email": org.accounting_email,
    }


@org_view(Capability.EDIT_ORG)
def edit(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O4: legal representatives change the details; a summary e-mail goes to each of them."""
    organization = membership.organization
    has_logo = bool(organization.logo)
    form = OrganizationForm(
        request.POST or None,
        request.FILES or None,
        initial=_initial(membership),
        has_logo=has_logo,
    )
    country = str(organization.country or "")
    if request.method == "POST":
        country = (request.POST.get("country") or "").upper()
    preview = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and not preview and form.is_valid():
        upload = form.cleaned_data.get("logo")
        try:
            changes = org_update(
                acting=membership,
                details=form.details(),
                logo=logo_clean(upload, size=upload.size) if upload is not None else None,
                remove_logo=bool(form.cleaned_data.get("remove_logo")),
            )
        except BusinessError as exc:
            form_error_add(form, exc)
        else:
            if changes:
                messages.success(
                    request,
                    _("The details were saved. The legal representatives get a summary by e-mail."),
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("orgs:detail")
    return render(
        request,
        "orgs/edit.html",
        {
            "organization": organization,
            "form": form,
            "preview": preview,
            "currency_now": organization.currency.value,
            "currency_next": currency_for_country(country).value,
            # O5: what becomes of the balance, said before saving (shown for the
            # chosen country by the server, switched by currency.js on change).
            "currency_notes": currency_change_notes_by_currency(organization),
        },
    )


# --- Billing addresses (O5) ----------------------------------------------------


def _address_details(form: BillingAddressForm) -> AddressDetails:
    data = form.cleaned_data
    return AddressDetails(
        name=data["name"],
        street=data["street"],
        postcode=data["postcode"],
        city=data["city"],
        country=data["country"],
    )


def _address_of(membership: Membership, address_id: int) -> BillingAddress:
    return get_object_or_404(
        BillingAddress, pk=address_id, organization_id=membership.organization_id
    )


@org_view(Capability.EDIT_ORG)
def address_form(
    request: HttpRequest, membership: Membership, address_id: int | None = None
) -> HttpResponse:
    """O5: add an extra billing address, or edit one."""
    address = _address_of(membership, address_id) if address_id is not None else None
    initial = {}
    if address is not None:
        initial = {
            "name": address.name,
            "street": address.street,
            "postcode": address.postcode,
            "city": address.city,
            "country": str(address.country),
        }
    form = BillingAddressForm(request.POST or None, initial=initial)
    if address is not None:
        del form.fields["is_default"]  # chosen on the details page
    if request.method == "POST" and form.is_valid():
        try:
            if address is None:
                billing_address_add(
                    acting=membership,
                    details=_address_details(form),
                    is_default=form.cleaned_data["is_default"],
                )
                done = _("The billing address was added.")
            else:
                billing_address_update(
                    acting=membership, address=address, details=_address_details(form)
                )
                done = _("The billing address was saved.")
        except BusinessError as exc:
            form_error_add(form, exc)
        else:
            messages.success(request, done)
            return redirect("orgs:detail")
    return render(request, "orgs/address_form.html", {"form": form, "address": address})


@org_view(Capability.EDIT_ORG)
def address_remove(request: HttpRequest, membership: Membership, address_id: int) -> HttpResponse:
    address = _address_of(membership, address_id)
    if request.method == "POST":
        billing_address_remove(acting=membership, address=address)
        messages.success(request, _("The billing address was removed."))
        return redirect("orgs:detail")
    return render(request, "orgs/address_remove.html", {"address": address})


@org_view(Capability.EDIT_ORG)
@require_POST
def address_default(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O5: choose the address printed on new invoices (empty: the postal address)."""
    raw = request.POST.get("address", "")
    address = _address_of(membership, int(raw)) if raw.isdigit() else None
    if raw and address is None:
        raise Http404
    billing_address_set_default(acting=membership, address=address)
    messages.success(request, _("New invoices will use the chosen address."))
    return redirect("orgs:detail")


# --- Users (O2) ---------------------------------------------------------------------


@org_view(Capability.MANAGE_MEMBERS)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O2: the organization's users (filter by role, search) and pending invitations."""
    filters = MemberFilterForm(request.GET or None)
    queryset = Membership.objects.filter(organization=membership.organization).select_related(
        "user"
    )
    if filters.is_valid():
        if filters.cleaned_data["role"]:
            queryset = queryset.filter(role=filters.cleaned_data["role"])
        if q := filters.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(user__name__icontains=q) | Q(user__email__icontains=q))
    queryset = queryset.order_by("user__name", "user__email", "user__id")
    page = offset_page(queryset, request.GET.get("page"), MEMBERS_PER_PAGE)
    for m in page:
        m.change_refusal = member_change_refusal(membership, m)  # type: ignore[attr-defined]
        # O6: the ⋮ menu offers removal (or leaving) only where the service's rules allow it.
        m.removal_refusal = removal_refusal(membership, m)  # type: ignore[attr-defined]
    invitations = list(
        Invitation.objects.filter(
            organization=membership.organization,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
        ).select_related("invited_by")[:100]
    )
    query = urlencode(
        {k: v for k, v in (filters.cleaned_data if filters.is_valid() else {}).items() if v}
    )
    return render(
        request,
        "orgs/members.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "invitations": invitations,
            "now": timezone.now(),
        },
    )


@org_view(Capability.MANAGE_MEMBERS)
def member_edit(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    """O2: change a user's role and permissions."""
    member = member_in(membership, member_id)
    refusal = member_change_refusal(membership, member)
    form = MemberForm(
        request.POST or None,
        initial={"role": member.role, "accounting": member.accounting},
        roles=roles_assignable_by(membership),
    )
    if request.method == "POST":
        if refusal:
            raise PermissionDenied
        if form.is_valid():
            try:
                member_update(
                    acting=membership,
                    member=member,
                    role=form.cleaned_data["role"],
                    permissions=MemberPermissions(accounting=form.cleaned_data["accounting"]),
                )
            except BusinessError as exc:
                form_error_add(form, exc)
            else:
                messages.success(
                    request,
                    _("The role and permissions of %(name)s were saved.")
                    % {"name": member.user.display_name},
                )
                return redirect("orgs:members")
    return render(
        request, "orgs/member_edit.html", {"member": member, "form": form, "refusal": refusal}
    )


# --- Security (A7) -------------------------------------------------------------------


@org_view(Capability.EDIT_ORG)
def organization_security(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A7: a legal representative decides whether legal representatives and
    administrators of the organization must use two-factor authentication."""
    organization = membership.organization
    form = TwoFactorPolicyForm(
        request.POST or None, initial={"require_two_factor": organization.require_two_factor}
    )
    if request.method == "POST" and form.is_valid():
        org_two_factor_require(
            organization=organization,
            required=form.cleaned_data["require_two_factor"],
            acting=request_user(request),
        )
        messages.success(request, _("The security settings were saved."))
        return redirect("organization_security")
    return render(
        request,
        "accounts/organization_security.html",
        {"form": form, "organization": organization},
    )


# --- Invitations (O3) -----------------------------------------------------------


@org_view(Capability.MANAGE_MEMBERS)
def invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O3: invite someone by e-mail with a role and permissions."""
    form = InvitationForm(
        request.POST or None,
        initial={"role": Role.MEMBER},
        roles=roles_assignable_by(membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _key = invitation_create(
                acting=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                permissions=MemberPermissions(accounting=form.cleaned_data["accounting"]),
            )
        except BusinessError as exc:
            form_error_add(form, exc)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. It is valid for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("orgs:members")
    return render(request, "orgs/invite.html", {"form": form})


def _invitation_of(membership: Membership, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation, pk=invitation_id, organization_id=membership.organization_id
    )


def _invitation_action(
    request: HttpRequest,
    membership: Membership,
    invitation_id: int,
    action: Callable[..., object],
    done: str,
) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, organization_id=membership.organization_id
    )
    try:
        action(acting=membership, invitation=invitation)
    except BusinessError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("orgs:members")


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_resend_view(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    """O3: send again with a new link (rate-limited)."""
    return _invitation_action(
        request,
        membership,
        invitation_id,
        invitation_resend,
        _("The invitation was sent again to %(email)s."),
    )


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_revoke_view(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    """O3: withdraw; the link stops working."""
    return _invitation_action(
        request,
        membership,
        invitation_id,
        invitation_revoke,
        _("The invitation to %(email)s was withdrawn."),
    )


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    """After accepting an invitation: work in the organization just joined."""
    request.session.pop(INVITATION_SESSION_KEY, None)
    membership_switch(request, membership.organization_id)
    messages.success(
        request,
        _("Welcome to %(name)s. You are now working in this organization.")
        % {"name": membership.organization.name},
    )
    return redirect("dashboard")


def invitation(request: HttpRequest, key: str) -> HttpResponse:
    """O3: the link of an invitation e-mail. Visitors sign in or sign up with the
    invited address; a signed-in user with that address accepts."""
    found = invitation_by_key(key)
    user = request_user(request) if request.user.is_authenticated else None
    refusal = invitation_refusal(found, user)
    if found is not None and refusal is None and user is None:
        # A1: a sign-up from here joins this organization instead of creating one.
        request.session[INVITATION_SESSION_KEY] = key
    if request.method == "POST" and user is not None and refusal is None:
        try:
            membership = invitation_accept(user=user, key=key)
        except BusinessError as exc:
            refusal = str(exc.message)
        else:
            return _joined(request, membership)
    next_query = urlencode({"next": request.path})
    return render(
        request,
        "orgs/invitation.html",
        {
            "invitation": found,
            "refusal": refusal,
            "next_query": next_query,
            "role_label": Role(found.role).label if found else "",
        },
        status=404 if found is None else 200,
    )


@login_required
@require_POST
def invitation_join(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """O3: accept from the dashboard an invitation sent to one's own login address."""
    try:
        membership = invitation_accept_open(user=request_user(request), invitation_id=invitation_id)
    except BusinessError as exc:
        messages.error(request, str(exc.message))
        return redirect("dashboard")
    return _joined(request, membership)


# --- Audit log (O8) ---------------------------------------------------------------


@org_view(Capability.VIEW_AUDIT)
@require_safe
def audit(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O8: who changed what in the organization, when and from where. Read-only."""
    events = AuditEvent.objects.filter(organization_id=membership.organization_id)
    filters = AuditFilterForm(request.GET or None)
    query = ""
    if filters.is_valid():
        data = filters.cleaned_data
        if who := data["actor"].strip():
            events = events.filter(
                actor__in=User.objects.filter(Q(name__icontains=who) | Q(email__icontains=who))
            )
        events = audit_events(events, kind=data["kind"], since=data["since"], until=data["until"])
        query = urlencode({k: v for k, v in data.items() if v})
    else:
        events = audit_events(events)
    # Issue 9: by cursor (created_at, id): no COUNT and no OFFSET over every event.
    page = keyset_page(
        events,
        keys=("created_at", "id"),
        kinds=("datetime", "int"),
        size=AUDIT_PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = [
        {
            "event": event,
            "label": audit_kind_label(event.kind),
            "description": audit_describe(event),
        }
        for event in page
    ]
    return render(
        request,
        "orgs/audit.html",
        {"page": page, "rows": rows, "filters": filters, "query": query},
    )
