"""Creating another organization (O1): the creator becomes its legal
representative and it becomes the current organization."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import ROLES, client_for
from orgs.access import SESSION_KEY
from orgs.models import Membership, Organization, Role
from testsupport.cast import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("orgs:create")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_create_an_organization(cast, role):
    client = client_for(getattr(cast, role))
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": f"New {role}", "kind": "company", "country": "CH"})
    assert response.status_code == 302
    created = Organization.objects.get(name=f"New {role}")
    membership = Membership.objects.get(organization=created)
    assert membership.user == cast.user(role)
    assert membership.role == Role.LEGAL_REPRESENTATIVE
    assert created.currency.value == "CHF"
    assert client.session[SESSION_KEY] == created.pk


def test_a_user_without_organization_sees_the_empty_state_offering_to_create_one(db):
    page = client_for(UserFactory()).get(reverse("dashboard")).content.decode()
    assert "You do not belong to any organization yet" in page
    assert f'href="{URL}"' in page


def test_a_blank_name_is_a_form_error(cast):
    response = client_for(cast.member).post(URL, {"name": "   ", "kind": "company"})
    assert response.status_code == 200
    assert not Organization.objects.filter(name="").exists()


def test_an_unknown_type_is_a_form_error_not_a_500(cast):
    response = client_for(cast.member).post(URL, {"name": "X", "kind": "empire"})
    assert response.status_code == 200
    assert not Organization.objects.filter(name="X").exists()
