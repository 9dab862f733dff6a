"""GET /api/v1/orgs (O1): the user's organizations with their role."""

from __future__ import annotations

import pytest

from accounts.tokens import api_token_create
from orgs.models import Role
from testsupport.cast import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs"


def _get(client, user):  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(user=user, name="ci")
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize(
    ("role", "expected_role", "accounting"),
    [
        ("legal_rep", "legal_representative", False),
        ("admin", "administrator", False),
        ("accountant", "member", True),
        ("member", "member", False),
    ],
)
def test_each_role_sees_its_organization_with_its_role(
    client, cast, role, expected_role, accounting
):
    response = _get(client, cast.user(role))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": cast.org.pk,
            "name": "Acme Hosting S.L.",
            "kind": cast.org.kind,
            "country": "ES",
            "currency": "EUR",
            "role": expected_role,
            "accounting": accounting,
        }
    ]


def test_the_outsider_sees_only_their_own_organization(client, cast):
    names = [org["name"] for org in _get(client, cast.outsider.user).json()]
    assert names == ["Other Org"]


def test_a_user_in_several_organizations_sees_each_with_its_currency(client, cast):
    swiss = OrganizationFactory(name="Zürich Cloud AG", country="CH", city="Zürich")
    MembershipFactory(organization=swiss, user=cast.member.user, role=Role.ADMINISTRATOR)
    orgs = {org["name"]: org for org in _get(client, cast.member.user).json()}
    assert orgs["Zürich Cloud AG"]["currency"] == "CHF"
    assert orgs["Zürich Cloud AG"]["role"] == "administrator"
    assert orgs["Acme Hosting S.L."]["currency"] == "EUR"


def test_a_user_without_organization_gets_an_empty_list(client):
    from testsupport.cast import UserFactory

    response = _get(client, UserFactory())
    assert response.status_code == 200
    assert response.json() == []


def test_without_a_token_it_is_401_in_the_error_shape(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_list_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(user=cast.member.user)
    _token, raw = api_token_create(user=cast.member.user, name="ci")
    with django_assert_max_num_queries(4):
        response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert len(response.json()) == 6
