"""S5: cancel at the term end, or now without refund, the difference explained."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast, client_for
from products.models import ProductInstance, ProductStatus


def url(product: ProductInstance) -> str:
    return reverse("products:cancel", args=[product.pk])


def test_the_page_explains_both_options(cast: Cast, product: ProductInstance) -> None:
    body = client_for(cast.admin).get(url(product)).content.decode()
    assert "At the end of the term" in body and "Now, without refund" in body
    assert "not refunded" in body and "31/12/2026" in body  # day first (issue 8)


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_cancel_at_term_end(cast: Cast, product: ProductInstance, role: str) -> None:
    response = client_for(getattr(cast, role)).post(
        url(product), {"when": "term_end", "confirm": "on"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE and product.cancel_at_term_end


def test_cancel_now_ends_it(cast: Cast, product: ProductInstance) -> None:
    client_for(cast.admin).post(url(product), {"when": "now", "confirm": "on"})
    product.refresh_from_db()
    assert product.status == ProductStatus.CANCELLED


def test_without_confirmation_nothing_happens(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(url(product), {"when": "now"})
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_an_unknown_choice_is_refused(cast: Cast, product: ProductInstance) -> None:
    response = client_for(cast.admin).post(url(product), {"when": "yesterday", "confirm": "on"})
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_an_ended_product_has_no_cancel_page(cast: Cast, product: ProductInstance) -> None:
    product.status = ProductStatus.EXPIRED
    product.save()
    assert client_for(cast.admin).get(url(product)).status_code == 404


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_get_403(cast: Cast, product: ProductInstance, role: str) -> None:
    product.members_with_access.add(getattr(cast, role))
    response = client_for(getattr(cast, role)).post(url(product), {"when": "now", "confirm": "on"})
    assert response.status_code == 403


def test_the_outsider_gets_404(cast: Cast, product: ProductInstance) -> None:
    assert client_for(cast.outsider).get(url(product)).status_code == 404


def test_anonymous_goes_to_login(product: ProductInstance) -> None:
    assert client_for(None).get(url(product)).status_code == 302
