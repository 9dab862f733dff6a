"""Issue 10: a product's domain shows in Unicode on the products page, its detail,
the API and the back office (where a search in either form finds it)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import Plan
from conftest import Cast, client_for
from products.models import ProductInstance
from products.services import product_create
from products.tests.test_api import api
from testsupport.cast import UserFactory


@pytest.fixture
def hosting(cast: Cast) -> ProductInstance:
    return product_create(
        organization=cast.org,
        plan=Plan.objects.get(slug="web-business"),
        period_months=12,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
        requirement_value="Bücher.ch",
        name="Our shop",
    )


def test_the_list_shows_the_domain_under_the_product_name(
    cast: Cast, hosting: ProductInstance
) -> None:
    body = client_for(cast.admin).get(reverse("products")).content.decode()
    assert "Our shop" in body
    assert body.count(">bücher.ch</span>") == 1
    assert "xn--" not in body


def test_a_product_named_by_its_domain_shows_it_once(cast: Cast) -> None:
    product_create(
        organization=cast.org,
        plan=Plan.objects.get(slug="domain-ch"),
        period_months=12,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
        requirement_value="bücher.ch",
    )
    body = client_for(cast.admin).get(reverse("products")).content.decode()
    assert body.count(">bücher.ch</span>") == 1


def test_the_detail_shows_the_domain_in_both_forms(cast: Cast, hosting: ProductInstance) -> None:
    body = client_for(cast.admin).get(reverse("products:detail", args=[hosting.pk])).content
    text = body.decode()
    assert "bücher.ch" in text
    assert "(xn--bcher-kva.ch)" in text


def test_the_detail_of_a_product_without_a_domain_has_no_domain_row(
    cast: Cast, product: ProductInstance
) -> None:
    body = client_for(cast.admin).get(reverse("products:detail", args=[product.pk])).content
    assert "Domain name" not in body.decode()


def test_the_api_gives_the_domain_in_both_forms(cast: Cast, hosting: ProductInstance) -> None:
    call = api(cast.admin)
    item = call("get", "/products").json()["items"][0]
    assert item["domain"] == "bücher.ch"
    assert item["domain_ascii"] == "xn--bcher-kva.ch"
    detail = call("get", f"/products/{hosting.pk}").json()
    assert (detail["domain"], detail["domain_ascii"]) == ("bücher.ch", "xn--bcher-kva.ch")


def test_the_api_gives_empty_domains_for_a_product_without_one(
    cast: Cast, product: ProductInstance
) -> None:
    item = api(cast.admin)("get", "/products").json()["items"][0]
    assert (item["domain"], item["domain_ascii"]) == ("", "")


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory(is_staff=True, is_superuser=True)  # type: ignore[return-value]


@pytest.mark.parametrize("term", ["bücher", "BÜCHER.CH", "xn--bcher", "kva.ch"])
def test_support_agents_find_a_product_by_its_domain(
    agent: User, cast: Cast, hosting: ProductInstance, product: ProductInstance, term: str
) -> None:
    response = client_for(agent).get(
        reverse("admin:products_productinstance_changelist"), {"q": term}
    )
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert found == [hosting]


def test_the_back_office_shows_the_domain_in_unicode(agent: User, hosting: ProductInstance) -> None:
    body = client_for(agent).get(reverse("admin:products_productinstance_changelist")).content
    assert "bücher.ch" in body.decode()
