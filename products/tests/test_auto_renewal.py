"""P3: auto-renewal in one click (a plain POST form, no JavaScript)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast, client_for
from products.models import ProductInstance


def url(product: ProductInstance) -> str:
    return reverse("products:auto_renewal", args=[product.pk])


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_turn_it_off_and_go_back(cast: Cast, product: ProductInstance, role: str) -> None:
    response = client_for(getattr(cast, role)).post(
        url(product), {"enabled": "0", "next": "/products/?page=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/products/?page=1"
    product.refresh_from_db()
    assert product.auto_renewal is False


def test_an_outside_next_is_ignored(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(
        url(product), {"enabled": "0", "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("products:detail", args=[product.pk])


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_with_access_get_403(cast: Cast, product: ProductInstance, role: str) -> None:
    product.members_with_access.add(getattr(cast, role))
    assert client_for(getattr(cast, role)).post(url(product), {"enabled": "0"}).status_code == 403
    product.refresh_from_db()
    assert product.auto_renewal is True


def test_the_outsider_gets_404(cast: Cast, product: ProductInstance) -> None:
    assert client_for(cast.outsider).post(url(product), {"enabled": "0"}).status_code == 404


def test_get_is_not_allowed(cast: Cast, product: ProductInstance) -> None:
    assert client_for(cast.admin).get(url(product)).status_code == 405


def test_bad_input_changes_nothing(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(url(product), {"enabled": "maybe"}, follow=True)
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.auto_renewal is True


def test_anonymous_goes_to_login(product: ProductInstance) -> None:
    assert client_for(None).post(url(product), {"enabled": "0"}).status_code == 302
