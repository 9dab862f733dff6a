"""X1, S1: offer and plan names and descriptions are data in every language.

The shop and the API show them in the reader's language; a language left empty
falls back to English, then Spanish; the back office edits every language.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from catalog.models import Offer, Plan, VatRate
from conftest import Cast, client_for
from testsupport.cast import UserFactory

SHOP = reverse("shop")
API = "/api/v1/catalog/offers"


def _shop_as(cast: Cast, language: str) -> str:
    cast.admin.user.language = language
    cast.admin.user.save(update_fields=["language"])
    return client_for(cast.admin).get(SHOP).content.decode()


def test_a_spanish_reader_sees_the_shop_in_spanish(cast: Cast) -> None:
    body = _shop_as(cast, "es")
    assert "Nombres de dominio" in body and "Registro y renovación de nombres de dominio." in body
    assert "Almacenamiento 1 TB" in body
    assert "Domain names" not in body and "Storage 1 TB" not in body


def test_a_german_reader_sees_the_shop_in_german(cast: Cast) -> None:
    body = _shop_as(cast, "de")
    assert "Domainnamen" in body and "Speicher 1 TB" in body and "Dateispeicher" in body
    assert "1 TB für das ganze Team." in body
    assert "Domain names" not in body and "Storage 1 TB" not in body


def test_the_api_answers_in_the_language_asked_for() -> None:
    offers = Client().get(API, headers={"accept-language": "it"}).json()
    storage = next(o for o in offers if o["slug"] == "storage")
    assert storage["name"] == "Archiviazione file"
    assert storage["description"] == "File condivisi e sincronizzati in tutto il team."
    assert {(p["name"], p["description"]) for p in storage["plans"]} == {
        ("Archiviazione 100 GB", "100 GB condivisi da tutto il team."),
        ("Archiviazione 1 TB", "1 TB condiviso da tutto il team."),
    }


@pytest.mark.parametrize("model", [Offer, Plan])
def test_the_seed_names_and_describes_everything_in_every_language(model: type) -> None:
    for row in model.objects.all():
        for field in ("name", "description"):
            texts = [getattr(row, f"{field}_{code}") for code in ("es", "en", "fr", "de", "it")]
            assert all(texts), (row.slug, field, texts)


def test_a_missing_translation_falls_back_to_english_then_spanish(db: None) -> None:
    offer = Offer.objects.create(
        kind="backup", slug="vault", name_en="Vault", name_es="Bóveda", description_es="Solo ES"
    )
    with translation.override("fr"):
        assert offer.name == "Vault"  # English first
        assert offer.description == "Solo ES"  # then Spanish
    with translation.override("es"):
        assert offer.name == "Bóveda"


def test_a_plan_reads_offer_and_plan_in_the_current_language(db: None) -> None:
    plan = Plan.objects.select_related("offer").get(slug="storage-1000")
    with translation.override("fr"):
        assert str(plan) == "Stockage de fichiers – Stockage 1 To"
    with translation.override("en"):
        assert str(plan) == "File storage – Storage 1 TB"


# --- back office (X4) ----------------------------------------------------------------


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory(is_staff=True, is_superuser=True)  # type: ignore[return-value]


def _rows() -> dict[str, int]:
    return {
        "offer": Offer.objects.get(slug="domain").pk,
        "plan": Plan.objects.get(slug="storage-1000").pk,
        "vatrate": VatRate.objects.get(country="").pk,
    }


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("offer", ["name", "description"]),
        ("plan", ["name", "description"]),
        ("vatrate", ["mention"]),
    ],
)
def test_the_change_form_has_a_field_per_language(
    agent: User, model: str, fields: list[str]
) -> None:
    url = reverse(f"admin:catalog_{model}_change", args=[_rows()[model]])
    body = client_for(agent).get(url).content.decode()
    for field in fields:
        for language in ("es", "en", "fr", "de", "it"):
            assert f'name="{field}_{language}"' in body
    assert 'name="name"' not in body and 'name="description"' not in body


def _offer_post(**names: str) -> dict[str, str]:
    data = {
        "kind": "backup",
        "slug": "vault",
        "order": "0",
        "is_active": "on",
        "plans-TOTAL_FORMS": "0",
        "plans-INITIAL_FORMS": "0",
    }
    return data | {f"name_{language}": text for language, text in names.items()}


def test_an_offer_is_saved_with_english_and_spanish_only(agent: User) -> None:
    response = client_for(agent).post(
        reverse("admin:catalog_offer_add"), _offer_post(en="Vault", es="Bóveda")
    )
    assert response.status_code == 302
    offer = Offer.objects.get(slug="vault")
    assert (offer.name_en, offer.name_es, offer.name_de) == ("Vault", "Bóveda", None)
    with translation.override("de"):
        assert offer.name == "Vault"


@pytest.mark.parametrize("missing", ["en", "es"])
def test_an_offer_needs_its_english_and_spanish_names(agent: User, missing: str) -> None:
    names = {"en": "Vault", "es": "Bóveda", "de": "Tresor"}
    del names[missing]
    response = client_for(agent).post(reverse("admin:catalog_offer_add"), _offer_post(**names))
    assert response.status_code == 200
    assert not Offer.objects.filter(slug="vault").exists()
