"""Users of an organization: roles and permissions (O2), and the rules on
changing or removing them (O6). Removing a user with their data is a flow
(flows.member_removal); its first and last steps are here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.outbox import email_enqueue
from orgs.models import Capability, Membership, Organization, Role
from orgs.services._common import forbidden, membership_fresh, org_lock


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
    organization = org_lock(acting.organization_id)
    acting = membership_fresh(acting)
    member = membership_fresh(member)
    if member.organization_id != organization.pk:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    if role not in Role.values:
        raise BusinessError(_("Please choose a valid role."), field="role")
    role = Role(role)
    refusal = member_change_refusal(acting, member)
    if refusal:
        raise forbidden(refusal)
    if role not in roles_assignable_by(acting):
        raise forbidden(_("You cannot give a role above your own."))
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
        kind=AuditKind.MEMBER_ROLE_CHANGED
        if "role" in changes
        else AuditKind.MEMBER_PERMISSIONS_CHANGED,
        actor=acting.user,
        organization=organization,
        data={"member": member.user.email, **changes},
    )
    return member


def removal_refusal(acting: Membership, member: Membership) -> BusinessError | None:
    """Why ``acting`` cannot remove ``member`` now (the page shows it instead of the
    steps), or None. ``acting == member`` is a user leaving on their own."""
    leaving = acting.pk == member.pk
    if not leaving and not acting.can(Capability.MANAGE_MEMBERS):
        return forbidden(_("Only administrators and legal representatives can remove users."))
    if not leaving and member.is_legal_representative and not acting.is_legal_representative:
        return forbidden(_("Only a legal representative can remove a legal representative."))
    if (
        member.is_legal_representative
        and member.user.is_active
        and _other_active_legal_representatives(member.organization, member) == 0
    ):
        return BusinessError(str(LAST_LEGAL_REP_MESSAGE), code="last_legal_representative")
    return None


def removal_lock(
    *, acting: Membership, member: Membership
) -> tuple[Organization, Membership, Membership]:
    """O6, first step of removing (or leaving): lock the organization, re-read both
    memberships and refuse what the rules forbid. Returns the organization and the
    fresh ``acting`` and ``member``. Call it inside the flow's transaction."""
    organization = org_lock(acting.organization_id)
    acting = membership_fresh(acting)
    member = acting if acting.pk == member.pk else membership_fresh(member)
    if member.organization_id != organization.pk:
        raise BusinessError(_("This user is no longer a member of the organization."), code="gone")
    refusal = removal_refusal(acting, member)
    if refusal is not None:
        raise refusal
    return organization, acting, member


def membership_end(*, organization: Organization, acting: Membership, member: Membership) -> None:
    """O6, last step: the membership ends; it is recorded and the user is told by e-mail."""
    user = member.user
    leaving = acting.pk == member.pk
    member.delete()
    audit_record(
        kind=AuditKind.MEMBER_LEFT if leaving else AuditKind.MEMBER_REMOVED,
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
