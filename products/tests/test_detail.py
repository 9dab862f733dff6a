"""S5 product detail: Manage for legal representatives and administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast, client_for
from products.models import Mailbox, ProductInstance, StoredFile


def url(product: ProductInstance) -> str:
    return reverse("products:detail", args=[product.pk])


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_get_the_manage_section(cast: Cast, product: ProductInstance, role: str) -> None:
    response = client_for(getattr(cast, role)).get(url(product))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("products:cancel", args=[product.pk]) in body
    assert reverse("products:rename", args=[product.pk]) in body


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_with_access_read_it_without_manage(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    product.members_with_access.add(getattr(cast, role))
    response = client_for(getattr(cast, role)).get(url(product))
    assert response.status_code == 200
    assert reverse("products:cancel", args=[product.pk]) not in response.content.decode()


@pytest.mark.parametrize("role", ["accountant", "member", "outsider"])
def test_without_access_the_product_is_not_found(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    assert client_for(getattr(cast, role)).get(url(product)).status_code == 404


def test_anonymous_goes_to_login(product: ProductInstance) -> None:
    assert client_for(None).get(url(product)).status_code == 302


def test_it_lists_mailboxes_with_the_password_change_for_managers(
    cast: Cast, mailbox: Mailbox
) -> None:
    assert mailbox.product is not None
    mailbox.members_with_access.add(cast.member)
    mailbox.product.members_with_access.add(cast.member)
    link = reverse("products:mailbox_password", args=[mailbox.product.pk, mailbox.pk])
    admin_body = client_for(cast.admin).get(url(mailbox.product)).content.decode()
    assert "info@acme.test" in admin_body and link in admin_body
    member_body = client_for(cast.member).get(url(mailbox.product)).content.decode()
    assert "info@acme.test" in member_body and link not in member_body


def test_it_shows_the_space_used_per_user(cast: Cast, product: ProductInstance) -> None:
    StoredFile.objects.create(product=product, owner=cast.member, name="a.pdf", size_bytes=2048)
    StoredFile.objects.create(product=product, owner=cast.member, name="b.pdf", size_bytes=2048)
    body = client_for(cast.admin).get(url(product)).content.decode()
    assert "Max Member" in body and "4.0\xa0KB" in body


def test_it_shows_the_billing_address_of_the_product(cast: Cast, product: ProductInstance) -> None:
    from orgs.models import BillingAddress

    body = client_for(cast.admin).get(url(product)).content.decode()
    assert "address for invoices" in body
    product.billing_address = BillingAddress.objects.create(
        organization=cast.org,
        name="Acme Billing",
        street="Gran Vía 1",
        postcode="28013",
        city="Madrid",
        country="ES",
    )
    product.save()
    assert "Acme Billing" in client_for(cast.admin).get(url(product)).content.decode()


def test_the_menu_keeps_products_lit(cast: Cast, product: ProductInstance) -> None:
    body = client_for(cast.admin).get(url(product)).content.decode()
    assert 'aria-current="page" href="/products/"' in body
