"""S5 products list: who sees what, the columns, pagination and query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import ROLES, Cast, client_for
from products.models import ProductInstance
from products.tests.conftest import product_create

URL = reverse("products")


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_see_every_product(cast: Cast, product: ProductInstance, role: str) -> None:
    response = client_for(getattr(cast, role)).get(URL)
    assert response.status_code == 200
    assert "acme.example" in response.content.decode()
    assert 'data-testid="auto-renewal-' in response.content.decode()


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_see_only_products_shared_with_them(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    shared = product_create(cast, name="shared.example")
    shared.members_with_access.add(getattr(cast, role))
    body = client_for(getattr(cast, role)).get(URL).content.decode()
    assert "shared.example" in body
    assert "acme.example" not in body
    assert 'data-testid="auto-renewal-' not in body  # no toggle: read-only


def test_the_outsider_sees_none_of_the_organization_products(
    cast: Cast, product: ProductInstance
) -> None:
    response = client_for(cast.outsider).get(URL)
    assert response.status_code == 200
    assert "acme.example" not in response.content.decode()


def test_anonymous_goes_to_login(db: None) -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_shows_offer_term_end_frequency_and_status(cast: Cast, product: ProductInstance) -> None:
    body = client_for(cast.admin).get(URL).content.decode()
    for text in ("Web hosting", "Business 50 GB", "Yearly", "Active", "31/12/2026"):
        assert text in body, text


def test_it_is_paginated_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries
) -> None:
    for i in range(30):
        product_create(cast, name=f"site{i:02}.example")
    client = client_for(cast.admin)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(12) as captured:
        response = client.get(URL)
    assert response.content.decode().count('data-testid="auto-renewal-') == 25
    # Issue 9: the products are not counted to show 25 of them.
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert "site29.example" in client.get(URL + "?page=2").content.decode()


def test_an_empty_organization_gets_the_empty_state(cast: Cast) -> None:
    for role in ROLES:
        assert client_for(getattr(cast, role)).get(URL).status_code == 200


def test_it_speaks_the_user_language(cast: Cast, product: ProductInstance) -> None:
    cast.admin.user.language = "es"
    cast.admin.user.save()
    body = client_for(cast.admin).get(URL).content.decode()
    assert "Renovación automática" in body and "Alojamiento web" in body
