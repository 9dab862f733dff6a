"""API endpoints that run a flow spanning several domains. They are added to the
router of the domain whose paths they share (ninja serves one path per router),
from here, the layer above the flows."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query
from ninja.responses import Status

from accounts.models import api_user
from accounts.reauth import reauth_api_check
from flows.member_removal import MemberDataDecisions, member_leave, member_remove
from orgs.access import member_in, membership_of
from orgs.api import ERRORS, DataDecisionsIn, ReauthIn, router
from orgs.services.members import removal_refusal


@router.delete(
    "/orgs/{org_id}/members/{member_id}",
    response={204: None, **ERRORS},
    summary="Remove a user (or leave, for one's own membership)",
    # The id it had when it was defined in orgs.api: the schema stays the same.
    operation_id="orgs_api_members_delete",
)
def members_delete(
    request: HttpRequest,
    org_id: int,
    member_id: int,
    data: Query[DataDecisionsIn],
    reauth: ReauthIn | None = None,
) -> Status[None]:
    """O6: the last active legal representative stays; the removed user is told by
    e-mail. Files the user owns in the organization's file storage go to
    ``transfer_files_to`` (a user id of this list), are deleted with
    ``delete_files=true``, and otherwise go to the remover. Removing a user is a
    sensitive action (A7): the body carries the account password, and a
    two-factor code when two-factor is on."""
    membership = membership_of(api_user(request), org_id)
    member = membership if member_id == membership.pk else member_in(membership, member_id)
    refusal = removal_refusal(membership, member)
    if refusal is not None:
        raise refusal
    reauth = reauth or ReauthIn(password="", code=None)
    reauth_api_check(request, user=membership.user, password=reauth.password, code=reauth.code)
    decisions = None
    if data.delete_files:
        decisions = MemberDataDecisions(transfer_files_to=None)
    elif data.transfer_files_to is not None:
        decisions = MemberDataDecisions(transfer_files_to=data.transfer_files_to)
    if member.pk == membership.pk:
        member_leave(member=membership, data_decisions=decisions)
    else:
        member_remove(acting=membership, member=member, data_decisions=decisions)
    return Status(204, None)
