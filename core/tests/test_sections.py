"""Access to the panel's sections for each role of the cast (O1, O2, I2)."""

import pytest
from django.urls import reverse

from conftest import client_for

# section → roles that may open it
SECTIONS = {
    "products": {"legal_rep", "admin", "accountant", "member"},
    "shop": {"legal_rep", "admin"},
    "payments": {"legal_rep", "admin", "accountant"},
    "invoices": {"legal_rep", "admin", "accountant"},
    "prepaid": {"legal_rep", "admin", "accountant"},
    "orgs:members": {"legal_rep", "admin"},
    "orgs:detail": {"legal_rep", "admin", "accountant", "member"},
}
ROLES = ["legal_rep", "admin", "accountant", "member"]


@pytest.mark.parametrize("section", SECTIONS)
def test_anonymous_is_sent_to_login(client, section):
    response = client.get(reverse(section))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_section_or_403(cast, section, role):
    response = client_for(getattr(cast, role)).get(reverse(section))
    expected = 200 if role in SECTIONS[section] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("section", SECTIONS)
def test_outsider_sees_only_their_own_organization(cast, section):
    response = client_for(cast.outsider).get(reverse(section))
    assert cast.org.name not in response.content.decode()


@pytest.mark.parametrize("section", SECTIONS)
def test_user_without_organization_is_sent_to_the_empty_state(db, section):
    from testsupport.cast import UserFactory

    response = client_for(UserFactory()).get(reverse(section))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_user_without_organization_is_offered_to_create_one(db):
    from testsupport.cast import UserFactory

    response = client_for(UserFactory()).get(reverse("dashboard"))
    assert response.status_code == 200
    assert reverse("orgs:create") in response.content.decode()


def test_menu_shows_only_sections_the_member_may_open(cast):
    html = client_for(cast.member).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("products")}"' in html
    assert f'href="{reverse("invoices")}"' not in html
    assert f'href="{reverse("orgs:members")}"' not in html
