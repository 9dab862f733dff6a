"""O2: per-product access for plain users."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast, client_for
from products.models import ProductInstance


def url(product: ProductInstance) -> str:
    return reverse("products:access", args=[product.pk])


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_give_access_to_a_plain_user(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    client = client_for(getattr(cast, role))
    body = client.get(url(product)).content.decode()
    assert "Max Member (max@example.test)" in body
    assert "Adam Admin (adam@example.test)" not in body
    assert client.post(url(product), {"members": [cast.member.pk]}).status_code == 302
    assert list(product.members_with_access.all()) == [cast.member]
    assert (
        client_for(cast.member).get(reverse("products:detail", args=[product.pk])).status_code
        == 200
    )


def test_a_user_of_another_organization_is_refused(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(url(product), {"members": [cast.outsider.pk]})
    assert response.status_code == 200
    assert not product.members_with_access.exists()


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_get_403(cast: Cast, product: ProductInstance, role: str) -> None:
    product.members_with_access.add(getattr(cast, role))
    assert client_for(getattr(cast, role)).get(url(product)).status_code == 403


def test_the_outsider_gets_404(cast: Cast, product: ProductInstance) -> None:
    assert client_for(cast.outsider).get(url(product)).status_code == 404


def test_anonymous_goes_to_login(product: ProductInstance) -> None:
    assert client_for(None).get(url(product)).status_code == 302
