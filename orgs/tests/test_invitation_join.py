"""O3: an invitation sent to one's login address can be accepted from the dashboard,
e.g. after signing up through it and verifying the address."""

import pytest
import time_machine
from django.urls import reverse

from conftest import client_for
from orgs.access import SESSION_KEY
from orgs.models import Membership, Role
from orgs.services.invitations import invitation_create, invitation_revoke
from orgs.services.members import MemberPermissions
from testsupport.cast import UserFactory


@pytest.fixture
def invitee(db):
    return UserFactory(email="nadia@example.test")


@pytest.fixture
def invitation(cast, invitee):
    invitation, _key = invitation_create(
        acting=cast.admin,
        email="Nadia@Example.test",
        role=Role.ADMINISTRATOR,
        permissions=MemberPermissions(False),
    )
    return invitation


def test_the_dashboard_offers_the_invitation_to_the_invited_address(cast, invitee, invitation):
    html = client_for(invitee).get(reverse("dashboard")).content.decode()
    assert "Invitations for you" in html
    assert cast.org.name in html


def test_the_dashboard_leaves_out_an_invitation_to_an_organization_already_joined(
    cast, invitee, invitation
):
    """O3: once the invitee belongs to the organization (e.g. added another way),
    the open invitation is no longer offered."""
    Membership.objects.create(user=invitee, organization=cast.org, role=Role.MEMBER)
    html = client_for(invitee).get(reverse("dashboard")).content.decode()
    assert "Invitations for you" not in html


def test_others_do_not_see_it(cast, invitation):
    html = client_for(cast.outsider).get(reverse("dashboard")).content.decode()
    assert "Invitations for you" not in html


def test_joining_creates_the_membership_and_switches_to_it(cast, invitee, invitation):
    client = client_for(invitee)
    response = client.post(reverse("orgs:invitation_join", args=[invitation.pk]))
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitee, organization=cast.org)
    assert membership.role == Role.ADMINISTRATOR
    assert client.session[SESSION_KEY] == cast.org.pk


def test_someone_else_cannot_join_with_anothers_invitation(cast, invitation):
    client = client_for(cast.outsider)
    client.post(reverse("orgs:invitation_join", args=[invitation.pk]))
    assert not Membership.objects.filter(user=cast.outsider.user, organization=cast.org).exists()


def test_a_withdrawn_invitation_cannot_be_joined(cast, invitee, invitation):
    invitation_revoke(acting=cast.admin, invitation=invitation)
    client_for(invitee).post(reverse("orgs:invitation_join", args=[invitation.pk]))
    assert not Membership.objects.filter(user=invitee, organization=cast.org).exists()


def test_an_expired_invitation_is_neither_offered_nor_joinable(cast, invitee, invitation):
    with time_machine.travel(invitation.expires_at, tick=False):
        client = client_for(invitee)
        assert "Invitations for you" not in client.get(reverse("dashboard")).content.decode()
        client.post(reverse("orgs:invitation_join", args=[invitation.pk]))
    assert not Membership.objects.filter(user=invitee, organization=cast.org).exists()


def test_joining_twice_makes_one_membership(cast, invitee, invitation):
    client = client_for(invitee)
    client.post(reverse("orgs:invitation_join", args=[invitation.pk]))
    client.post(reverse("orgs:invitation_join", args=[invitation.pk]))
    assert Membership.objects.filter(user=invitee, organization=cast.org).count() == 1


def test_join_is_post_only_and_needs_login(client, invitation):
    url = reverse("orgs:invitation_join", args=[invitation.pk])
    assert client.post(url).status_code == 302
    assert client.post(url)["Location"].startswith(reverse("account_login"))
