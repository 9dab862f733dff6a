"""The one door to organization data (STYLE.md, "Access goes through one door").

Every view that shows or changes an organization's data gets the current
membership from here and asks for a capability:

- no membership in the requested organization → 404 (the object's existence is
  not revealed);
- a membership without the capability → 403.

The current organization is kept in the session and re-checked against the
memberships on every request, so a removed member loses access at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError
from orgs.models import Capability, Membership, Role

SESSION_KEY = "gestor_org_id"
_LAST_SEEN_RESOLUTION = timedelta(minutes=5)
_UNSET = object()

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)  # streamed downloads too


_ONLY_LEGAL_REPRESENTATIVES = _(
    "Only the organization's legal representatives can do this. If you should be one, "
    "ask a legal representative to give you that role."
)
_ADMINISTRATORS = _(
    "Only the organization's legal representatives and administrators can do this. "
    "Either of them can make you an administrator."
)
# What the 403 page says, true for each capability (O2, O4): who can do it,
# and who can give the right. Nobody can *give* a capability of legal
# representatives except by making the user one.
_REFUSALS: dict[Capability, Promise] = {
    Capability.EDIT_ORG: _ONLY_LEGAL_REPRESENTATIVES,
    Capability.MANAGE_LEGAL_REPRESENTATIVES: _ONLY_LEGAL_REPRESENTATIVES,
    Capability.DELETE_ORG: _ONLY_LEGAL_REPRESENTATIVES,
    Capability.MANAGE_MEMBERS: _ADMINISTRATORS,
    Capability.MANAGE_PRODUCTS: _ADMINISTRATORS,
    Capability.VIEW_AUDIT: _ADMINISTRATORS,
    Capability.ACCOUNTING: _(
        "This page needs the Accounting permission. A legal representative or an "
        "administrator of the organization can give it to you."
    ),
}


class CapabilityMissing(PermissionDenied):
    """403 for a membership without ``capability``; its text (shown by the 403
    page) says who may do it and who can give the right."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability
        super().__init__(capability.value)

    def __str__(self) -> str:
        refusal = _REFUSALS.get(self.capability)
        return str(refusal) if refusal is not None else ""


# The key of the invitation link a visitor opened, kept in the session for the
# sign-up that may follow (A1, O3).
INVITATION_SESSION_KEY = "gestor_invitation_key"


class NoOrganization(Exception):
    """The user belongs to no organization: pages show the empty state (O1)."""


def memberships_of(user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


def memberships_of_request(request: HttpRequest) -> list[Membership]:
    """The signed-in user's memberships, read once per request (issue 9): the
    two-factor rule, the current organization and the switcher share one query."""
    cached = getattr(request, "_gestor_memberships", None)
    if cached is None:
        cached = memberships_of(request.user) if request.user.is_authenticated else []
        request._gestor_memberships = cached  # type: ignore[attr-defined]
    return cached


def _most_recent(membership: Membership) -> tuple[bool, float]:
    """Sort key: the latest seen first, never seen last (ties keep the name order)."""
    seen = membership.last_seen_at
    return (seen is None, -seen.timestamp() if seen else 0.0)


def membership_current(request: HttpRequest) -> Membership | None:
    """The membership of the organization chosen in this session, re-checked (O1)."""
    cached = getattr(request, "_gestor_membership", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    membership = None
    if request.user.is_authenticated:
        mine = memberships_of_request(request)  # sorted by organization name, then id
        org_id = request.session.get(SESSION_KEY)
        if org_id is not None:
            membership = next((m for m in mine if m.organization_id == org_id), None)
        if membership is None:
            # Chosen organization gone (or a new session): fall back to the one the
            # user worked in most recently, so a login lands where they left off.
            membership = min(mine, key=_most_recent, default=None)
            if membership is not None:
                request.session[SESSION_KEY] = membership.organization_id
            else:
                request.session.pop(SESSION_KEY, None)
        if membership is not None:
            _touch(membership)
    request._gestor_membership = membership  # type: ignore[attr-defined]
    return membership


def _touch(membership: Membership) -> None:
    now = timezone.now()
    if membership.last_seen_at is None or now - membership.last_seen_at > _LAST_SEEN_RESOLUTION:
        Membership.objects.filter(pk=membership.pk).update(last_seen_at=now)
        membership.last_seen_at = now


def membership_switch(request: HttpRequest, organization_id: int) -> Membership:
    """Make ``organization_id`` current; 404 when the user is not a member of it."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=request.user, organization_id=organization_id)
        .first()
    )
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.organization_id
    request._gestor_membership = membership  # type: ignore[attr-defined]
    return membership


def require(request: HttpRequest, capability: Capability | None = None) -> Membership:
    """The current membership, checked for ``capability`` (403 when missing)."""
    membership = membership_current(request)
    if membership is None:
        raise NoOrganization
    if capability is not None and not membership.can(capability):
        raise CapabilityMissing(capability)
    return membership


def org_view(
    capability: Capability | None = Capability.VIEW_ORG,
) -> Callable[
    [Callable[Concatenate[HttpRequest, Membership, P], R]], Callable[..., HttpResponseBase]
]:
    """Decorate a view taking ``(request, membership, ...)``.

    Anonymous → login page; no organization → the empty state; missing
    capability → 403.
    """

    def decorator(
        view: Callable[Concatenate[HttpRequest, Membership, P], R],
    ) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            try:
                membership = require(request, capability)
            except NoOrganization:
                return redirect("dashboard")
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def two_factor_missing(user: Any, memberships: list[Membership] | None = None) -> bool:
    """A7: the user is a legal representative or administrator of an organization
    that requires two-factor authentication, and has not enabled it. Pages send
    such a user to enrolment; the API refuses every organization's data.

    ``memberships``: the user's, when already read (``memberships_of_request``)."""
    roles = (Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR)
    if memberships is None:
        required = Membership.objects.filter(
            user_id=user.pk, organization__require_two_factor=True, role__in=roles
        ).exists()
    else:
        required = any(m.organization.require_two_factor and m.role in roles for m in memberships)
    if not required:
        return False
    return not is_mfa_enabled(user, [Authenticator.Type.TOTP])


def membership_of(
    user: Any, organization_id: int, capability: Capability | None = None
) -> Membership:
    """For the API, where the organization is in the path: 404 when the user is
    not a member of it, 403 when two-factor authentication is required of them and
    not set up (A7, as on the pages), 403 when the membership lacks ``capability``."""
    membership = (
        Membership.objects.select_related("organization")
        .filter(user_id=user.pk, organization_id=organization_id)
        .first()
    )
    if membership is None:
        raise Http404
    if two_factor_missing(user):
        raise BusinessError(
            _(
                "Your organization requires two-factor authentication for legal "
                "representatives and administrators. Set it up on your profile page in "
                "the browser; until then the API refuses organizations' data."
            ),
            code="forbidden",
        )
    if capability is not None and not membership.can(capability):
        raise CapabilityMissing(capability)
    return membership


def member_in(membership: Membership, member_id: int) -> Membership:
    """A user of ``membership``'s organization (404 for anyone else's)."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        pk=member_id,
        organization_id=membership.organization_id,
    )
