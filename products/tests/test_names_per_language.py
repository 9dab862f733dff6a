"""X1, S5: a product's offer and plan read in the reader's language, on the
products list and page, the dashboard and the API (catalog data per language)."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from catalog.models import Plan
from conftest import Cast, client_for
from products.models import ProductInstance
from products.tests.conftest import product_create


def _storage(cast: Cast) -> ProductInstance:
    # No name of its own: the plan's name is the product's name.
    return product_create(cast, plan=Plan.objects.get(slug="storage-1000"), name="")


def _reader(cast: Cast, language: str) -> Client:
    cast.admin.user.language = language
    cast.admin.user.save(update_fields=["language"])
    return client_for(cast.admin)


def test_the_products_list_is_in_german_for_a_german_reader(cast: Cast) -> None:
    _storage(cast)
    body = _reader(cast, "de").get(reverse("products")).content.decode()
    assert "Speicher 1 TB" in body and "Storage 1 TB" not in body


def test_the_product_page_is_in_spanish_for_a_spanish_reader(cast: Cast) -> None:
    product = _storage(cast)
    url = reverse("products:detail", args=[product.pk])
    body = _reader(cast, "es").get(url).content.decode()
    assert "Almacenamiento 1 TB" in body and "Storage 1 TB" not in body


def test_the_dashboard_names_the_offer_in_the_readers_language(cast: Cast) -> None:
    _storage(cast)
    with time_machine.travel("2026-12-01 10:00Z", tick=False):
        body = _reader(cast, "it").get(reverse("dashboard")).content.decode()
    assert "Archiviazione file" in body and "File storage" not in body


def _api_item(cast: Cast, **headers: str) -> dict[str, str]:
    _, raw = api_token_create(user=cast.admin.user, name="test")
    response = Client().get(
        f"/api/v1/orgs/{cast.org.pk}/products",
        headers={"authorization": f"Bearer {raw}", **headers},
    )
    item: dict[str, str] = response.json()["items"][0]
    return item


def test_the_api_names_offer_and_plan_in_the_language_asked_for(cast: Cast) -> None:
    _storage(cast)
    cast.admin.user.language = "de"
    cast.admin.user.save(update_fields=["language"])
    item = _api_item(cast, **{"accept-language": "it"})
    assert (item["offer"], item["plan"], item["name"]) == (
        "Archiviazione file",
        "Archiviazione 1 TB",
        "Archiviazione 1 TB",
    )


def test_without_a_language_asked_the_api_uses_the_token_owners(cast: Cast) -> None:
    _storage(cast)
    cast.admin.user.language = "fr"
    cast.admin.user.save(update_fields=["language"])
    item = _api_item(cast)
    assert (item["offer"], item["plan"]) == ("Stockage de fichiers", "Stockage 1 To")
