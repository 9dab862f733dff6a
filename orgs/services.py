"""Writes to organizations and memberships: the one path for each action.

Every service here locks the organization row before it reads the memberships
it decides on (``_org_lock``), so rules that span several rows, above all "the
last legal representative stays" (O6), hold when two requests race.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import normalize_email
from core.audit import audit_record
from core.errors import BusinessError
from core.outbox import email_enqueue
from orgs.logos import Logo
from orgs.models import (
    INVITATION_VALIDITY,
    BillingAddress,
    Capability,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    currency_for_country,
)

if TYPE_CHECKING:
    from accounts.models import User

# O3: an invitation can be sent again at most this often, and this many times in all.
INVITATION_RESEND_INTERVAL = timedelta(minutes=10)
INVITATION_MAX_SENDS = 5


def _forbidden(message: str) -> BusinessError:
    return BusinessError(message, code="forbidden")


def _org_lock(organization_id: int) -> Organization:
    """Lock the organization row: every membership decision is made under it."""
    return Organization.objects.select_for_update().get(pk=organization_id)


def _fresh(membership: Membership) -> Membership:
    """The membership as it is now (after the lock), or BusinessError if it is gone."""
    current = (
        Membership.objects.select_related("user", "organization").filter(pk=membership.pk).first()
    )
    if current is None:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    return current


def _require(acting: Membership, capability: Capability) -> None:
    if not acting.can(capability):
        raise _forbidden(_("You do not have the right to do this."))


def _locked_for(acting: Membership, capability: Capability) -> tuple[Organization, Membership]:
    """Lock the organization, then re-read and check the acting membership."""
    organization = _org_lock(acting.organization_id)
    acting = _fresh(acting)
    _require(acting, capability)
    return organization, acting


# --- Organization ------------------------------------------------------------


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


@dataclass(frozen=True)
class OrgDetails:
    """O4: the details a legal representative may change (already validated by the caller's
    form or schema; the service re-checks what a rule depends on)."""

    name: str
    kind: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""  # E.164, or empty
    tax_id: str = ""


# Field → label for the summary e-mail and the audit log (translated when rendered).
ORG_FIELD_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Type"),
    "street": gettext_lazy("Street and number"),
    "postcode": gettext_lazy("Postcode"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "phone": gettext_lazy("Contact phone"),
    "tax_id": gettext_lazy("VAT or company number"),
    "logo": gettext_lazy("Logo"),
}


@transaction.atomic
def org_update(
    *,
    acting: Membership,
    details: OrgDetails,
    logo: Logo | None = None,
    remove_logo: bool = False,
) -> dict[str, list[str]]:
    """O4: change the organization's details (legal representatives only).

    Returns the changes as ``{field: [old, new]}``. When something changed, every
    legal representative gets a summary e-mail (old → new) and an audit event is
    written; when nothing changed, nothing is sent or recorded.
    """
    organization, acting = _locked_for(acting, Capability.EDIT_ORG)
    name = details.name.strip()
    if not name:
        raise BusinessError(_("Please give the organization a name."), field="name")
    if details.kind not in OrganizationKind.values:
        raise BusinessError(_("Please choose a valid type of organization."), field="kind")
    new: dict[str, str] = {
        "name": name[:150],
        "kind": details.kind,
        "street": details.street.strip(),
        "postcode": details.postcode.strip(),
        "city": details.city.strip(),
        "country": details.country.upper(),
        "phone": details.phone,
        "tax_id": details.tax_id.strip(),
    }
    changes: dict[str, list[str]] = {}
    for name_, value in new.items():
        old = str(getattr(organization, name_) or "")
        if old != value:
            changes[name_] = [old, value]
            setattr(organization, name_, value)
    old_logo = str(organization.logo.name or "") if organization.logo else ""
    if logo is not None:
        token = secrets.token_hex(6)
        organization.logo.save(
            f"org-{organization.pk}-{token}.{logo.extension}", ContentFile(logo.content), save=False
        )
        changes["logo"] = ["✓" if old_logo else "", "✓"]
    elif remove_logo and old_logo:
        organization.logo = ""  # type: ignore[assignment]
        changes["logo"] = ["✓", ""]
    if not changes:
        return {}
    organization.save()
    if "logo" in changes and old_logo:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    audit_record(kind="org.updated", actor=acting.user, organization=organization, data=changes)
    _notify_legal_representatives_of_changes(organization, acting, changes)
    return changes


def _display(field_name: str, value: str) -> str:
    """A stored value as people read it, in the active language."""
    if not value:
        return "—"
    if field_name == "kind":
        return str(OrganizationKind(value).label) if value in OrganizationKind.values else value
    if field_name == "country":
        from django_countries import countries

        return str(countries.name(value)) or value
    if field_name == "phone":
        import phonenumbers

        try:
            return phonenumbers.format_number(
                phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
        except phonenumbers.NumberParseException:
            return value
    if field_name == "logo":
        return _("a new logo") if value == "✓" else value
    return value


def org_change_lines(changes: dict[str, list[str]]) -> list[dict[str, str]]:
    """The changes as translated lines ``{label, old, new}`` for e-mails and the audit log."""
    return [
        {
            "label": str(ORG_FIELD_LABELS.get(key, key)),
            "old": _display(key, old) if key != "logo" else (_("a logo") if old else "—"),
            "new": _display(key, new) if key != "logo" else (_("a new logo") if new else "—"),
        }
        for key, (old, new) in changes.items()
    ]


def _notify_legal_representatives_of_changes(
    organization: Organization, acting: Membership, changes: dict[str, list[str]]
) -> None:
    currency_before = currency_for_country(changes["country"][0]) if "country" in changes else None
    for rep in Membership.objects.filter(
        organization=organization, role=Role.LEGAL_REPRESENTATIVE, user__is_active=True
    ).select_related("user"):
        with override(rep.user.language):
            lines = org_change_lines(changes)
        email_enqueue(
            to=rep.user.email,
            template="orgs/email/org_updated",
            language=rep.user.language,
            context={
                "organization_name": organization.name,
                "actor_name": acting.user.display_name,
                "actor_email": acting.user.email,
                "lines": lines,
                "currency_changed": currency_before is not None
                and currency_before != organization.currency,
                "currency": organization.currency.value,
                "url": reverse("orgs:detail"),
            },
        )


# --- Billing addresses (O5) ----------------------------------------------------


@dataclass(frozen=True)
class AddressDetails:
    name: str
    street: str
    postcode: str
    city: str
    country: str


def _address_values(details: AddressDetails) -> dict[str, str]:
    values = {
        "name": details.name.strip()[:150],
        "street": details.street.strip()[:200],
        "postcode": details.postcode.strip()[:20],
        "city": details.city.strip()[:100],
        "country": details.country.strip().upper(),
    }
    for key, value in values.items():
        if not value:
            raise BusinessError(_("This field is required."), field=key)
    from django_countries import countries

    if values["country"] not in dict(countries):
        raise BusinessError(_("Please choose a country from the list."), field="country")
    return values


@transaction.atomic
def billing_address_add(
    *, acting: Membership, details: AddressDetails, is_default: bool = False
) -> BillingAddress:
    """O5: add an extra billing address (legal representatives)."""
    organization, acting = _locked_for(acting, Capability.EDIT_ORG)
    values = _address_values(details)
    if is_default:
        BillingAddress.objects.filter(organization=organization).update(is_default=False)
    address = BillingAddress.objects.create(
        organization=organization, is_default=is_default, **values
    )
    audit_record(
        kind="billing_address.added",
        actor=acting.user,
        organization=organization,
        data={"address": str(address), "default": is_default},
    )
    return address


@transaction.atomic
def billing_address_update(
    *, acting: Membership, address: BillingAddress, details: AddressDetails
) -> BillingAddress:
    organization, acting = _locked_for(acting, Capability.EDIT_ORG)
    address = BillingAddress.objects.get(pk=address.pk, organization=organization)
    before = str(address)
    for key, value in _address_values(details).items():
        setattr(address, key, value)
    if str(address) != before:
        address.save()
        audit_record(
            kind="billing_address.changed",
            actor=acting.user,
            organization=organization,
            data={"old": before, "new": str(address)},
        )
    return address


@transaction.atomic
def billing_address_remove(*, acting: Membership, address: BillingAddress) -> None:
    organization, acting = _locked_for(acting, Capability.EDIT_ORG)
    address = BillingAddress.objects.get(pk=address.pk, organization=organization)
    text = str(address)
    address.delete()
    audit_record(
        kind="billing_address.removed",
        actor=acting.user,
        organization=organization,
        data={"address": text},
    )


@transaction.atomic
def billing_address_set_default(*, acting: Membership, address: BillingAddress | None) -> None:
    """O5: choose the address printed on new invoices; ``None`` means the postal address."""
    organization, acting = _locked_for(acting, Capability.EDIT_ORG)
    if address is not None:
        address = BillingAddress.objects.get(pk=address.pk, organization=organization)
        if address.is_default:
            return
    elif not BillingAddress.objects.filter(organization=organization, is_default=True).exists():
        return
    BillingAddress.objects.filter(organization=organization).update(is_default=False)
    if address is not None:
        BillingAddress.objects.filter(pk=address.pk).update(is_default=True)
    audit_record(
        kind="billing_address.default_set",
        actor=acting.user,
        organization=organization,
        data={"address": str(address) if address else ""},
    )


# --- Roles and permissions (O2) ------------------------------------------------


@dataclass(frozen=True)
class MemberPermissions:
    """O2: what a member (role "User") may do besides seeing the organization.

    ``accounting``: invoices, payments, prepaid account, exports. Access per
    product is granted on the product itself (catalog), not here.
    """

    accounting: bool = False


def roles_assignable_by(acting: Membership) -> list[Role]:
    """O2: nobody raises someone above their own role; only legal representatives
    make legal representatives."""
    if not acting.can(Capability.MANAGE_MEMBERS):
        return []
    return [r for r in Role if r.rank <= acting.role_enum.rank]


def member_change_refusal(acting: Membership, member: Membership) -> str | None:
    """Why ``acting`` may not change ``member``'s role or permissions, or None."""
    if not acting.can(Capability.MANAGE_MEMBERS):
        return _("Only administrators and legal representatives manage users.")
    if acting.pk == member.pk:
        return _("Nobody can change their own role. Ask another administrator.")
    if member.is_legal_representative and not acting.is_legal_representative:
        return _("Only a legal representative can change a legal representative.")
    if member.role_enum.rank > acting.role_enum.rank:
        return _("You cannot change a user whose role is above yours.")
    return None


def _other_active_legal_representatives(organization: Organization, member: Membership) -> int:
    return (
        Membership.objects.filter(
            organization=organization, role=Role.LEGAL_REPRESENTATIVE, user__is_active=True
        )
        .exclude(pk=member.pk)
        .count()
    )


LAST_LEGAL_REP_MESSAGE = gettext_lazy(
    "An organization always needs at least one active legal representative. "
    "Make another user legal representative first."
)


@transaction.atomic
def member_update(
    *,
    acting: Membership,
    member: Membership,
    role: Role | str,
    permissions: MemberPermissions,
) -> Membership:
    """O2: change a user's role and permissions.

    Administrators and legal representatives manage users; only a legal
    representative makes or unmakes a legal representative; nobody raises
    someone above their own role or changes their own role; the last active
    legal representative keeps the role.
    """
    organization = _org_lock(acting.organization_id)
    acting = _fresh(acting)
    member = _fresh(member)
    if member.organization_id != organization.pk:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    if role not in Role.values:
        raise BusinessError(_("Please choose a valid role."), field="role")
    role = Role(role)
    refusal = member_change_refusal(acting, member)
    if refusal:
        raise _forbidden(refusal)
    if role not in roles_assignable_by(acting):
        raise _forbidden(_("You cannot give a role above your own."))
    if (
        member.is_legal_representative
        and role != Role.LEGAL_REPRESENTATIVE
        and member.user.is_active
        and _other_active_legal_representatives(organization, member) == 0
    ):
        raise BusinessError(str(LAST_LEGAL_REP_MESSAGE), code="last_legal_representative")
    accounting = permissions.accounting if role == Role.MEMBER else False
    changes: dict[str, list[Any]] = {}
    if member.role != role:
        changes["role"] = [member.role, role.value]
    if member.accounting != accounting:
        changes["accounting"] = [member.accounting, accounting]
    if not changes:
        return member
    member.role = role
    member.accounting = accounting
    member.save(update_fields=["role", "accounting"])
    audit_record(
        kind="member.role_changed" if "role" in changes else "member.permissions_changed",
        actor=acting.user,
        organization=organization,
        data={"member": member.user.email, **changes},
    )
    return member


# --- Removing and leaving (O6) ---------------------------------------------------


@dataclass(frozen=True)
class MemberDataDecisions:
    """O6: what becomes of the member's data in the organization.

    Files the member owns in the organization's file storage go to another
    user (``transfer_files_to``, a membership id) or, when it is None, are
    deleted. ``extra`` carries the decisions later steps add (mailboxes,
    calendars) without changing the services' signatures. No decision at all
    (``None`` for the services) loses nothing: the files go to the remover.
    """

    transfer_files_to: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def member_owned_files(member: Membership) -> int:
    """O6: how many files the member owns in the organization's file storage."""
    files = getattr(member, "stored_files", None)  # products.StoredFile, when installed
    return files.count() if files is not None else 0


def removal_refusal(acting: Membership, member: Membership) -> BusinessError | None:
    """Why ``acting`` cannot remove ``member`` now (the page shows it instead of the
    steps), or None. ``acting == member`` is a user leaving on their own."""
    leaving = acting.pk == member.pk
    if not leaving and not acting.can(Capability.MANAGE_MEMBERS):
        return _forbidden(_("Only administrators and legal representatives can remove users."))
    if not leaving and member.is_legal_representative and not acting.is_legal_representative:
        return _forbidden(_("Only a legal representative can remove a legal representative."))
    if (
        member.is_legal_representative
        and member.user.is_active
        and _other_active_legal_representatives(member.organization, member) == 0
    ):
        return BusinessError(str(LAST_LEGAL_REP_MESSAGE), code="last_legal_representative")
    return None


def _apply_data_decisions(
    member: Membership, decisions: MemberDataDecisions | None, acting: Membership
) -> None:
    """O6: the member's files go to the chosen user, or are deleted when asked.
    Without a decision nothing is lost: they go to the remover (or, when the
    member leaves on their own, to a legal representative). Access to mailboxes
    and products ends with the membership."""
    from products.services import member_files_settle

    if decisions is not None:
        target_id = decisions.transfer_files_to
    elif acting.pk != member.pk:
        target_id = acting.pk
    else:
        target_id = (
            Membership.objects.filter(
                organization_id=member.organization_id, role=Role.LEGAL_REPRESENTATIVE
            )
            .exclude(pk=member.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    member_files_settle(member=member, transfer_to_id=target_id, acting=acting)


def _remove(
    *, acting: Membership, member: Membership, data_decisions: MemberDataDecisions | None
) -> None:
    organization = _org_lock(acting.organization_id)
    acting = _fresh(acting)
    member = acting if acting.pk == member.pk else _fresh(member)
    if member.organization_id != organization.pk:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    refusal = removal_refusal(acting, member)
    if refusal is not None:
        raise refusal
    _apply_data_decisions(member, data_decisions, acting)
    user = member.user
    member.delete()
    leaving = acting.pk == member.pk
    audit_record(
        kind="member.left" if leaving else "member.removed",
        actor=acting.user,
        organization=organization,
        data={
            "member": user.email,
            "name": user.display_name,
        },
    )
    email_enqueue(
        to=user.email,
        template="orgs/email/member_left" if leaving else "orgs/email/member_removed",
        language=user.language,
        context={
            "organization_name": organization.name,
            "actor_name": acting.user.display_name,
            "user_name": user.display_name,
        },
    )


@transaction.atomic
def member_remove(
    *,
    acting: Membership,
    member: Membership,
    data_decisions: MemberDataDecisions | None = None,
) -> None:
    """O6: remove a user from the organization; the last active legal
    representative stays. The removed user is told by e-mail."""
    _remove(acting=acting, member=member, data_decisions=data_decisions)


@transaction.atomic
def member_leave(*, member: Membership, data_decisions: MemberDataDecisions | None = None) -> None:
    """O6: a user leaves an organization on their own, under the same rule."""
    _remove(acting=member, member=member, data_decisions=data_decisions)


# --- Invitations (O3) ------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invitation_by_key(key: str) -> Invitation | None:
    if not key or len(key) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(key_hash=_key_hash(key))
        .first()
    )


def _invitation_send(invitation: Invitation, key: str, acting: Membership) -> None:
    from accounts.models import User

    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = existing.language if existing else acting.user.language
    email_enqueue(
        to=invitation.email,
        template="orgs/email/invitation",
        language=language,
        context={
            "organization_name": invitation.organization.name,
            "inviter_name": acting.user.display_name,
            "role": invitation.role,
            "accounting": invitation.accounting,
            "url": reverse("orgs:invitation", args=[key]),
            "expires_at": invitation.expires_at,
            "has_account": existing is not None,
            "email": invitation.email,
        },
    )


@transaction.atomic
def invitation_create(
    *,
    acting: Membership,
    email: str,
    role: Role | str,
    permissions: MemberPermissions,
) -> tuple[Invitation, str]:
    """O3: invite an address with a role and permissions; returns the invitation and
    the key of its link (only its hash is stored)."""
    organization, acting = _locked_for(acting, Capability.MANAGE_MEMBERS)
    email = normalize_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise BusinessError(_("Please enter a valid e-mail address."), field="email")
    if role not in Role.values:
        raise BusinessError(_("Please choose a valid role."), field="role")
    role = Role(role)
    if role not in roles_assignable_by(acting):
        raise _forbidden(_("You cannot give a role above your own."))
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise BusinessError(
            _("This person is already a user of the organization."),
            field="email",
            code="already_member",
        )
    now = timezone.now()
    open_invitation = Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        revoked_at__isnull=True,
        accepted_at__isnull=True,
    ).first()
    if open_invitation is not None:
        if open_invitation.expires_at > now:
            raise BusinessError(
                _("This address has already been invited. You can send the invitation again."),
                field="email",
                code="already_invited",
            )
        # An expired invitation makes way for the new one.
        open_invitation.revoked_at = now
        open_invitation.save(update_fields=["revoked_at"])
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        accounting=permissions.accounting if role == Role.MEMBER else False,
        invited_by=acting.user,
        key_hash=_key_hash(key),
        sent_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    audit_record(
        kind="invitation.created",
        actor=acting.user,
        organization=organization,
        data={"email": email, "role": role.value, "accounting": invitation.accounting},
    )
    _invitation_send(invitation, key, acting)
    return invitation, key


def _open_invitation(organization: Organization, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_related("organization").get(
        pk=invitation.pk, organization=organization
    )
    if invitation.accepted_at is not None:
        raise BusinessError(_("This invitation has already been accepted."), code="accepted")
    if invitation.revoked_at is not None:
        raise BusinessError(_("This invitation was withdrawn."), code="revoked")
    return invitation


@transaction.atomic
def invitation_resend(*, acting: Membership, invitation: Invitation) -> tuple[Invitation, str]:
    """O3: send the invitation again with a new link, valid 7 days from now.
    Rate-limited: once every 10 minutes, 5 times in all."""
    organization, acting = _locked_for(acting, Capability.MANAGE_MEMBERS)
    invitation = _open_invitation(organization, invitation)
    if Role(invitation.role) not in roles_assignable_by(acting):
        raise _forbidden(_("You cannot give a role above your own."))
    now = timezone.now()
    if invitation.send_count >= INVITATION_MAX_SENDS:
        raise BusinessError(
            _("This invitation has been sent too many times. Withdraw it and invite again."),
            code="rate_limited",
        )
    if now - invitation.sent_at < INVITATION_RESEND_INTERVAL:
        raise BusinessError(
            _(
                "The invitation was sent a moment ago. Please wait 10 minutes before sending it again."
            ),
            code="rate_limited",
        )
    key = secrets.token_urlsafe(32)
    invitation.key_hash = _key_hash(key)
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALIDITY
    invitation.send_count += 1
    invitation.save(update_fields=["key_hash", "sent_at", "expires_at", "send_count"])
    audit_record(
        kind="invitation.resent",
        actor=acting.user,
        organization=organization,
        data={"email": invitation.email},
    )
    _invitation_send(invitation, key, acting)
    return invitation, key


@transaction.atomic
def invitation_revoke(*, acting: Membership, invitation: Invitation) -> Invitation:
    """O3: withdraw an invitation; its link stops working."""
    organization, acting = _locked_for(acting, Capability.MANAGE_MEMBERS)
    invitation = _open_invitation(organization, invitation)
    if Role(invitation.role) not in roles_assignable_by(acting):
        raise _forbidden(_("Only a legal representative can withdraw this invitation."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        kind="invitation.revoked",
        actor=acting.user,
        organization=organization,
        data={"email": invitation.email},
    )
    return invitation


def invitation_is_for(key: str, email: str) -> bool:
    """A1, O3: whether ``key`` is an open invitation for ``email`` (sign-up through it)."""
    invitation = invitation_by_key(key)
    return (
        invitation is not None
        and invitation.is_open
        and normalize_email(invitation.email) == normalize_email(email)
    )


def invitation_refusal(invitation: Invitation | None, user: User | None) -> str | None:
    """Why this invitation cannot be accepted (by ``user``), or None."""
    if invitation is None:
        return _("This invitation link is not valid. Ask for a new invitation.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        return _(
            "This invitation was withdrawn. Ask for a new invitation if you still need access."
        )
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask for a new invitation.")
    if user is not None and user.is_authenticated:
        if normalize_email(user.email) != normalize_email(invitation.email):
            return _(
                "This invitation was sent to %(invited)s, but you are logged in as %(current)s. "
                "Log out, then log in or sign up with %(invited)s to accept it."
            ) % {"invited": invitation.email, "current": user.email}
        if Membership.objects.filter(
            organization_id=invitation.organization_id, user=user
        ).exists():
            return _("You are already a user of this organization.")
    return None


@transaction.atomic
def invitation_accept(*, user: User, key: str) -> Membership:
    """O3: join the organization with the invited role and permissions. Bound to the
    invited address; never creates a second membership."""
    return _invitation_accept(user=user, invitation=invitation_by_key(key))


def invitations_open_for(user: User) -> list[Invitation]:
    """O3: open invitations sent to the user's login address (shown on the dashboard)."""
    return list(
        Invitation.objects.filter(
            email__iexact=normalize_email(user.email),
            revoked_at__isnull=True,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(organization__memberships__user=user)
        .select_related("organization", "invited_by")
        .order_by("-sent_at")
    )


@transaction.atomic
def invitation_accept_open(*, user: User, invitation_id: int) -> Membership:
    """O3: accept, from the dashboard, an invitation sent to the user's own login
    address. The verified login address stands for the link's key."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, email__iexact=normalize_email(user.email))
        .first()
    )
    return _invitation_accept(user=user, invitation=invitation)


def _invitation_accept(*, user: User, invitation: Invitation | None) -> Membership:
    if invitation is not None:
        _org_lock(invitation.organization_id)
        invitation = Invitation.objects.select_related("organization").get(pk=invitation.pk)
    refusal = invitation_refusal(invitation, user)
    if refusal or invitation is None:
        raise BusinessError(refusal or "", code="invalid_invitation")
    membership = Membership.objects.create(
        organization=invitation.organization,
        user=user,
        role=invitation.role,
        accounting=invitation.accounting,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        kind="invitation.accepted",
        actor=user,
        organization=invitation.organization,
        data={"email": invitation.email, "role": invitation.role},
    )
    return membership
