"""Invitations to join an organization (O3)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, normalize_email
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.outbox import email_enqueue
from orgs.models import (
    INVITATION_VALIDITY,
    Capability,
    Invitation,
    Membership,
    Organization,
    Role,
)
from orgs.services._common import forbidden, locked_for, org_lock
from orgs.services.members import MemberPermissions, roles_assignable_by


def invitation_email_clean(raw: str) -> str:
    """O3: one plain e-mail address (no display name, no list, no line break), the
    same check for the page and the API; returned normalised."""
    email = normalize_email(raw)
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if not email or len(email) > 254:
        raise BusinessError(
            _("Enter one e-mail address, like name@example.com, without a name or a list."),
            field="email",
        )
    return email


# O3: an invitation can be sent again at most this often, and this many times in all.
INVITATION_RESEND_INTERVAL = timedelta(minutes=10)
INVITATION_MAX_SENDS = 5


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
    organization, acting = locked_for(acting, Capability.MANAGE_MEMBERS)
    email = invitation_email_clean(email)
    if role not in Role.values:
        raise BusinessError(_("Please choose a valid role."), field="role")
    role = Role(role)
    if role not in roles_assignable_by(acting):
        raise forbidden(_("You cannot give a role above your own."))
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
        kind=AuditKind.INVITATION_CREATED,
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
    organization, acting = locked_for(acting, Capability.MANAGE_MEMBERS)
    invitation = _open_invitation(organization, invitation)
    if Role(invitation.role) not in roles_assignable_by(acting):
        raise forbidden(_("You cannot give a role above your own."))
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
        kind=AuditKind.INVITATION_RESENT,
        actor=acting.user,
        organization=organization,
        data={"email": invitation.email},
    )
    _invitation_send(invitation, key, acting)
    return invitation, key


@transaction.atomic
def invitation_revoke(*, acting: Membership, invitation: Invitation) -> Invitation:
    """O3: withdraw an invitation; its link stops working."""
    organization, acting = locked_for(acting, Capability.MANAGE_MEMBERS)
    invitation = _open_invitation(organization, invitation)
    if Role(invitation.role) not in roles_assignable_by(acting):
        raise forbidden(_("Only a legal representative can withdraw this invitation."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        kind=AuditKind.INVITATION_REVOKED,
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


def invitations_open_for(
    user: User, *, member_of: Collection[int] | None = None
) -> list[Invitation]:
    """O3: open invitations sent to the user's login address (shown on the dashboard),
    except to organizations the user already belongs to.

    ``member_of``: the ids of those organizations when the caller has them (the
    request's memberships): the query then needs no join to the memberships (issue 9)."""
    invitations = Invitation.objects.filter(
        email__iexact=normalize_email(user.email),
        revoked_at__isnull=True,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if member_of is None:
        invitations = invitations.exclude(organization__memberships__user=user)
    found = invitations.select_related("organization", "invited_by").order_by("-sent_at")
    if member_of is None:
        return list(found)
    return [invitation for invitation in found if invitation.organization_id not in member_of]


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
        org_lock(invitation.organization_id)
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
        kind=AuditKind.INVITATION_ACCEPTED,
        actor=user,
        organization=invitation.organization,
        data={"email": invitation.email, "role": invitation.role},
    )
    return membership
