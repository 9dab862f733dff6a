"""O6: removing a user from an organization, or a user leaving it, with their data.

The flow spans two domains: ``orgs`` (the membership and the rule that the last
active legal representative stays) and ``products`` (the files the member owns in
the organization's file storage). Lock order: the organization row first, then
the member's files (docs/decisions/0004-layers-and-lock-order.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from orgs.models import Membership, Role
from orgs.services.members import membership_end, removal_lock
from products.queries import member_files_count
from products.services import member_files_settle


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
    return member_files_count(member)


def _apply_data_decisions(
    member: Membership, decisions: MemberDataDecisions | None, acting: Membership
) -> None:
    """O6: the member's files go to the chosen user, or are deleted when asked.
    Without a decision nothing is lost: they go to the remover (or, when the
    member leaves on their own, to a legal representative). Access to mailboxes
    and products ends with the membership."""
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
    organization, acting, member = removal_lock(acting=acting, member=member)
    _apply_data_decisions(member, data_decisions, acting)
    membership_end(organization=organization, acting=acting, member=member)


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
