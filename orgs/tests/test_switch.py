"""O1: the current organization, the switcher, and creating organizations."""

from django.urls import reverse

from conftest import client_for
from orgs.access import SESSION_KEY
from orgs.models import Membership, Organization, Role
from testsupport.cast import MembershipFactory


def test_switching_to_an_organization_of_mine_makes_it_current(cast):
    second = MembershipFactory(user=cast.member.user, role=Role.ADMINISTRATOR)
    client = client_for(cast.member)
    response = client.post(
        reverse("orgs:switch"), {"organization": second.organization_id, "next": "/users/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/users/"
    assert client.session[SESSION_KEY] == second.organization_id
    assert second.organization.name in client.get(reverse("dashboard")).content.decode()


def test_switching_to_an_organization_i_am_not_in_is_404(cast):
    client = client_for(cast.outsider)
    response = client.post(reverse("orgs:switch"), {"organization": cast.org.pk})
    assert response.status_code == 404
    assert client.session[SESSION_KEY] == cast.outsider.organization_id


def test_switching_refuses_an_offsite_next(cast):
    response = client_for(cast.member).post(
        reverse("orgs:switch"), {"organization": cast.org.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_switch_is_post_only(cast):
    assert client_for(cast.member).get(reverse("orgs:switch")).status_code == 405


def test_removed_member_falls_back_to_another_organization(cast):
    second = MembershipFactory(user=cast.member.user)
    client = client_for(cast.member)
    Membership.objects.filter(pk=cast.member.pk).delete()
    html = client.get(reverse("dashboard")).content.decode()
    assert second.organization.name in html
    assert client.session[SESSION_KEY] == second.organization_id


def test_creating_an_organization_makes_me_its_legal_representative_and_switches(cast):
    client = client_for(cast.member)
    response = client.post(
        reverse("orgs:create"), {"name": "Nueva S.A.", "kind": "company", "country": "CH"}
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="Nueva S.A.")
    assert org.currency == "CHF"
    assert Membership.objects.get(organization=org).role == Role.LEGAL_REPRESENTATIVE
    assert client.session[SESSION_KEY] == org.pk


def test_creating_an_organization_without_a_name_shows_an_error(cast):
    response = client_for(cast.member).post(
        reverse("orgs:create"), {"name": "  ", "kind": "company"}
    )
    assert response.status_code == 200
    assert Organization.objects.filter(name="").count() == 0


def test_anonymous_cannot_create_an_organization(client, db):
    response = client.get(reverse("orgs:create"))
    assert response.status_code == 302
