"""O2: changing roles and permissions."""

import pytest
from django.urls import reverse

from conftest import client_for
from core.errors import BusinessError
from core.models import AuditEvent
from orgs.models import Membership, Role
from orgs.services.members import MemberPermissions, member_update
from testsupport.cast import MembershipFactory


def url(member):
    return reverse("orgs:member_edit", args=[member.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 403), ("member", 403), ("outsider", 404)],
)
def test_access_to_a_members_page(cast, role, status):
    assert client_for(getattr(cast, role)).get(url(cast.member)).status_code == status


def test_an_admin_gives_a_member_accounting(cast):
    response = client_for(cast.admin).post(url(cast.member), {"role": "member", "accounting": "on"})
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.accounting
    event = AuditEvent.objects.get(kind="member.permissions_changed")
    assert event.data["member"] == "max@example.test"


def test_an_admin_makes_a_member_administrator(cast):
    client_for(cast.admin).post(url(cast.member), {"role": "administrator"})
    cast.member.refresh_from_db()
    assert cast.member.role == Role.ADMINISTRATOR
    assert AuditEvent.objects.filter(kind="member.role_changed").exists()


def test_an_admin_cannot_make_a_legal_representative(cast):
    response = client_for(cast.admin).post(url(cast.member), {"role": "legal_representative"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.role == Role.MEMBER


def test_an_admin_cannot_change_a_legal_representative(cast):
    client = client_for(cast.admin)
    html = client.get(url(cast.legal_rep)).content.decode()
    assert "Only a legal representative can change a legal representative." in html
    assert client.post(url(cast.legal_rep), {"role": "member"}).status_code == 403
    cast.legal_rep.refresh_from_db()
    assert cast.legal_rep.role == Role.LEGAL_REPRESENTATIVE


def test_a_legal_representative_makes_and_unmakes_a_legal_representative(cast):
    client = client_for(cast.legal_rep)
    client.post(url(cast.admin), {"role": "legal_representative"})
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.LEGAL_REPRESENTATIVE
    client.post(url(cast.admin), {"role": "member"})
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.MEMBER


def test_nobody_changes_their_own_role(cast):
    client = client_for(cast.admin)
    assert "Nobody can change their own role" in client.get(url(cast.admin)).content.decode()
    assert client.post(url(cast.admin), {"role": "member"}).status_code == 403


def test_a_role_above_ones_own_is_refused_by_the_service(cast):
    with pytest.raises(BusinessError) as exc:
        member_update(
            acting=cast.admin,
            member=cast.member,
            role=Role.LEGAL_REPRESENTATIVE,
            permissions=MemberPermissions(),
        )
    assert exc.value.code == "forbidden"


def test_the_last_legal_representative_keeps_the_role_even_with_a_stale_check(cast):
    # Two legal representatives demote each other: the second change finds that
    # its author is no longer a legal representative.
    other = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    stale_other = Membership.objects.get(pk=other.pk)
    member_update(
        acting=cast.legal_rep, member=other, role=Role.MEMBER, permissions=MemberPermissions()
    )
    with pytest.raises(BusinessError):
        member_update(
            acting=stale_other,
            member=cast.legal_rep,
            role=Role.MEMBER,
            permissions=MemberPermissions(),
        )
    cast.legal_rep.refresh_from_db()
    assert cast.legal_rep.role == Role.LEGAL_REPRESENTATIVE


def test_an_inactive_legal_representative_can_be_demoted(cast):
    # Only active users count: an inactive one never holds the organization.
    other = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    other.user.is_active = False
    other.user.save()
    member_update(
        acting=cast.legal_rep, member=other, role=Role.MEMBER, permissions=MemberPermissions()
    )
    other.refresh_from_db()
    assert other.role == Role.MEMBER


def test_accounting_is_dropped_for_administrators(cast):
    member_update(
        acting=cast.legal_rep,
        member=cast.accountant,
        role=Role.ADMINISTRATOR,
        permissions=MemberPermissions(accounting=True),
    )
    cast.accountant.refresh_from_db()
    assert not cast.accountant.accounting
