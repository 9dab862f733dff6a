from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast, client_for
from products.models import ProductInstance


def url(product: ProductInstance) -> str:
    return reverse("products:rename", args=[product.pk])


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_rename_the_product(cast: Cast, product: ProductInstance, role: str) -> None:
    client = client_for(getattr(cast, role))
    assert client.get(url(product)).status_code == 200
    response = client.post(url(product), {"name": "Shop site"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Shop site"


def test_a_too_long_name_shows_an_error(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(url(product), {"name": "x" * 200})
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "acme.example"


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_get_403(cast: Cast, product: ProductInstance, role: str) -> None:
    product.members_with_access.add(getattr(cast, role))
    assert client_for(getattr(cast, role)).post(url(product), {"name": "x"}).status_code == 403


def test_the_outsider_gets_404(cast: Cast, product: ProductInstance) -> None:
    assert client_for(cast.outsider).get(url(product)).status_code == 404


def test_anonymous_goes_to_login(product: ProductInstance) -> None:
    assert client_for(None).get(url(product)).status_code == 302
