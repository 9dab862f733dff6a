"""O4, O5: the organization's details page."""

import pytest
from django.urls import reverse

from conftest import ROLES, client_for

URL = reverse("orgs:detail")


@pytest.mark.parametrize("role", ROLES)
def test_everyone_in_the_organization_sees_its_details(cast, role):
    response = client_for(getattr(cast, role)).get(URL)
    assert response.status_code == 200
    expected = cast.org.name if role != "outsider" else "Other Org"
    assert expected in response.content.decode()


def test_only_a_legal_representative_sees_modify(cast):
    assert reverse("orgs:edit") in client_for(cast.legal_rep).get(URL).content.decode()
    html = client_for(cast.admin).get(URL).content.decode()
    assert reverse("orgs:edit") not in html
    assert "Only a legal representative can change these details." in html


def test_anonymous_goes_to_login(cast):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_phone_is_shown_nationally_and_currency_follows_the_country(cast):
    cast.org.phone = "+41446681800"
    cast.org.country = "CH"
    cast.org.save()
    html = client_for(cast.member).get(URL).content.decode()
    assert "044 668 18 00" in html
    assert "CHF" in html
