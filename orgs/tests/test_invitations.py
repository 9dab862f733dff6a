"""O3: invitations by e-mail, bound to the invited address, expiring after 7 days."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import client_for
from core.errors import BusinessError
from core.models import AuditEvent
from orgs.access import INVITATION_SESSION_KEY, SESSION_KEY
from orgs.models import Invitation, Membership, Organization, Role
from orgs.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from orgs.services.members import MemberPermissions
from orgs.tests.helpers import outbox_to
from testsupport.cast import UserFactory

INVITE = reverse("orgs:invite")


def invite(cast, email="new@example.test", role=Role.MEMBER, accounting=False):
    return invitation_create(
        acting=cast.admin, email=email, role=role, permissions=MemberPermissions(accounting)
    )


def link_of(mail) -> str:
    return re.search(r"http://[^\s]+/invitations/[^\s]+/", mail.body_text).group(0)


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 403), ("member", 403)],
)
def test_access_to_the_invitation_form(cast, role, status):
    assert client_for(getattr(cast, role)).get(INVITE).status_code == status


def test_an_admin_invites_by_email_with_a_role_and_permissions(cast):
    response = client_for(cast.admin).post(
        INVITE, {"email": "New@Example.test", "role": "member", "accounting": "on"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.accounting) == (
        "new@example.test",
        "member",
        True,
    )
    assert invitation.expires_at - invitation.created_at >= timedelta(days=7) - timedelta(seconds=1)
    [mail] = outbox_to("new@example.test")
    assert "Acme Hosting S.L." in mail.subject
    assert "/invitations/" in mail.body_text
    assert AuditEvent.objects.filter(kind="invitation.created").exists()


def test_an_admin_cannot_invite_a_legal_representative(cast):
    response = client_for(cast.admin).post(
        INVITE, {"email": "boss@example.test", "role": "legal_representative"}
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_inviting_a_user_already_in_the_organization_is_refused(cast):
    response = client_for(cast.admin).post(INVITE, {"email": "MAX@example.test", "role": "member"})
    assert "already a user of the organization" in response.content.decode()


def test_inviting_the_same_address_twice_points_to_resending(cast):
    invite(cast)
    with pytest.raises(BusinessError) as exc:
        invite(cast)
    assert exc.value.code == "already_invited"


def test_a_new_user_signs_up_through_the_invitation_and_gets_no_organization_of_their_own(cast):
    invite(cast, accounting=True)
    link = link_of(outbox_to("new@example.test")[0])
    path = link.split("8000", 1)[1]
    client = client_for(None)
    page = client.get(path)
    assert "Log in with this address, or create an account" in page.content.decode()
    assert client.session[INVITATION_SESSION_KEY]
    response = client.post(
        reverse("account_signup") + f"?next={path}",
        {
            "email": "new@example.test",
            "name": "Nina New",
            "password1": "a sturdy pass phrase 42",
            "password2": "a sturdy pass phrase 42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new@example.test")
    assert not Membership.objects.filter(user=user).exists()  # A1: no personal organization
    assert user.emailaddress_set.get().verified  # the link proved the address
    assert response["Location"] == path
    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.organization == cast.org
    assert membership.role == Role.MEMBER and membership.accounting
    assert client.session[SESSION_KEY] == cast.org.pk
    assert Organization.objects.filter(memberships__user=user).count() == 1


def test_signing_up_with_another_address_after_an_invitation_creates_an_organization(cast):
    invite(cast)
    client = client_for(None)
    client.get(link_of(outbox_to("new@example.test")[0]).split("8000", 1)[1])
    client.post(
        reverse("account_signup"),
        {
            "email": "someone-else@example.test",
            "name": "Sam Else",
            "password1": "a sturdy pass phrase 42",
            "password2": "a sturdy pass phrase 42",
        },
    )
    user = User.objects.get(email="someone-else@example.test")
    assert Membership.objects.filter(user=user, role=Role.LEGAL_REPRESENTATIVE).exists()
    assert not user.emailaddress_set.get().verified


def test_an_existing_user_accepts_and_switches_to_the_organization(cast):
    existing = UserFactory(email="new@example.test")
    _invitation, key = invite(cast, role=Role.ADMINISTRATOR)
    client = client_for(existing)
    path = reverse("orgs:invitation", args=[key])
    assert "Accept the invitation" in client.get(path).content.decode()
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=existing).role == Role.ADMINISTRATOR
    assert client.session[SESSION_KEY] == cast.org.pk
    assert AuditEvent.objects.filter(kind="invitation.accepted", actor=existing).exists()


def test_a_user_signed_in_with_another_address_is_told_clearly(cast):
    _invitation, key = invite(cast)
    client = client_for(cast.outsider)
    html = client.get(reverse("orgs:invitation", args=[key])).content.decode()
    assert "This invitation was sent to new@example.test, but you are logged in as" in html
    client.post(reverse("orgs:invitation", args=[key]))
    assert not Membership.objects.filter(user=cast.outsider.user, organization=cast.org).exists()
    with pytest.raises(BusinessError):
        invitation_accept(user=cast.outsider.user, key=key)


def test_an_expired_invitation_cannot_be_accepted(cast):
    existing = UserFactory(email="new@example.test")
    _invitation, key = invite(cast)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        html = client_for(existing).get(reverse("orgs:invitation", args=[key])).content.decode()
        assert "This invitation has expired" in html
        with pytest.raises(BusinessError):
            invitation_accept(user=existing, key=key)
        # An expired invitation makes way for a new one.
        invite(cast)
    assert not Membership.objects.filter(user=existing).exists()


def test_a_revoked_invitation_cannot_be_accepted(cast):
    existing = UserFactory(email="new@example.test")
    invitation, key = invite(cast)
    response = client_for(cast.legal_rep).post(
        reverse("orgs:invitation_revoke", args=[invitation.pk])
    )
    assert response.status_code == 302
    html = client_for(existing).get(reverse("orgs:invitation", args=[key])).content.decode()
    assert "This invitation was withdrawn" in html
    with pytest.raises(BusinessError):
        invitation_accept(user=existing, key=key)
    assert AuditEvent.objects.filter(kind="invitation.revoked").exists()


def test_an_invitation_cannot_create_a_second_membership(cast):
    _invitation, key = invite(cast, email="late@example.test")
    user = UserFactory(email="late@example.test")
    Membership.objects.create(organization=cast.org, user=user, role=Role.MEMBER)
    html = client_for(user).get(reverse("orgs:invitation", args=[key])).content.decode()
    assert "You are already a user of this organization." in html
    with pytest.raises(BusinessError):
        invitation_accept(user=user, key=key)
    assert Membership.objects.filter(user=user).count() == 1


def test_an_unknown_link_is_404_with_an_explanation(cast):
    response = client_for(None).get(reverse("orgs:invitation", args=["nope"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_resending_makes_a_new_link_and_is_rate_limited(cast):
    invitation, old_key = invite(cast)
    with pytest.raises(BusinessError) as exc:
        invitation_resend(acting=cast.admin, invitation=invitation)
    assert exc.value.code == "rate_limited"
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        _invitation, new_key = invitation_resend(acting=cast.admin, invitation=invitation)
    assert new_key != old_key
    assert len(outbox_to("new@example.test")) == 2
    existing = UserFactory(email="new@example.test")
    with pytest.raises(BusinessError):
        invitation_accept(user=existing, key=old_key)
    invitation_accept(user=existing, key=new_key)


def test_resending_through_the_page_shows_the_limit(cast):
    invitation, _key = invite(cast)
    client = client_for(cast.admin)
    response = client.post(reverse("orgs:invitation_resend", args=[invitation.pk]), follow=True)
    assert "Please wait 10 minutes" in response.content.decode()


def test_an_outsider_cannot_touch_another_organizations_invitation(cast):
    invitation, _key = invite(cast)
    client = client_for(cast.outsider)
    assert client.post(reverse("orgs:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("orgs:invitation_resend", args=[invitation.pk])).status_code == 404


def test_an_admin_cannot_withdraw_a_legal_representatives_invitation(cast):
    invitation, _key = invitation_create(
        acting=cast.legal_rep,
        email="boss@example.test",
        role=Role.LEGAL_REPRESENTATIVE,
        permissions=MemberPermissions(),
    )
    with pytest.raises(BusinessError):
        invitation_revoke(acting=cast.admin, invitation=invitation)
