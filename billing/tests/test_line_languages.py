"""X1, I1: an invoice line reads in its reader's language, worded as it was at
issue (docs/decisions/0003): the text is stored per language with the line, so
renaming the plan afterwards changes no issued invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from billing.models import Invoice
from billing.services import LineDraft, invoice_issue, product_line_texts
from catalog.demo import catalog_ensure
from catalog.models import Plan
from catalog.queries import vat_rate_for
from conftest import Cast, client_for
from core.money import Money
from ledger.models import AppendOnlyError
from products.models import ProductInstance


@pytest.fixture
def invoice(cast: Cast) -> Invoice:
    catalog_ensure()
    product = ProductInstance.objects.create(
        organization=cast.org,
        plan=Plan.objects.get(slug="storage-1000"),
        name="Kanzlei-Ablage",
        period_months=12,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
    )
    texts = product_line_texts(product)
    vat = vat_rate_for("ES", date(2026, 11, 29))  # no Swiss VAT: the export mention
    return invoice_issue(
        organization=cast.org,
        lines=[
            LineDraft(
                description=texts["en"],
                description_translations=texts,
                unit_price=Money(Decimal("153.00"), "EUR"),
                plan_id=product.plan_id,
                product_id=product.pk,
            )
        ],
        vat_note=vat.mentions["en"],
        vat_note_translations=vat.mentions,
    )


def _page_as(cast: Cast, invoice: Invoice, language: str) -> str:
    cast.accountant.user.language = language
    cast.accountant.user.save(update_fields=["language"])
    url = reverse("invoices:detail", args=[invoice.pk])
    return client_for(cast.accountant).get(url).content.decode()


def test_the_line_is_stored_in_every_language(invoice: Invoice) -> None:
    line = invoice.lines.get()
    assert line.description == "File storage – Storage 1 TB — Kanzlei-Ablage"
    assert line.description_translations == {
        "es": "Almacenamiento de archivos – Almacenamiento 1 TB — Kanzlei-Ablage",
        "en": "File storage – Storage 1 TB — Kanzlei-Ablage",
        "fr": "Stockage de fichiers – Stockage 1 To — Kanzlei-Ablage",
        "de": "Dateispeicher – Speicher 1 TB — Kanzlei-Ablage",
        "it": "Archiviazione file – Archiviazione 1 TB — Kanzlei-Ablage",
    }


def test_a_german_customer_reads_the_line_and_the_vat_note_in_german(
    cast: Cast, invoice: Invoice
) -> None:
    body = _page_as(cast, invoice, "de")
    assert "Dateispeicher – Speicher 1 TB — Kanzlei-Ablage" in body
    assert "Dienstleistungsexport: nicht der Schweizer MWST unterstellt." in body
    assert "Storage 1 TB" not in body


def test_a_spanish_customer_reads_the_line_in_spanish(cast: Cast, invoice: Invoice) -> None:
    body = _page_as(cast, invoice, "es")
    assert "Almacenamiento de archivos – Almacenamiento 1 TB — Kanzlei-Ablage" in body


def test_the_api_gives_the_line_in_the_language_asked_for(cast: Cast, invoice: Invoice) -> None:
    _, raw = api_token_create(user=cast.accountant.user, name="test")
    response = Client().get(
        f"/api/v1/orgs/{cast.org.pk}/invoices/{invoice.pk}",
        headers={"authorization": f"Bearer {raw}", "accept-language": "it"},
    )
    body = response.json()
    assert (
        body["lines"][0]["description"]
        == "Archiviazione file – Archiviazione 1 TB — Kanzlei-Ablage"
    )
    assert body["vat_note"] == "Esportazione di servizi: non soggetta all'IVA svizzera."


def test_renaming_the_plan_later_leaves_the_issued_line_as_it_was(
    cast: Cast, invoice: Invoice
) -> None:
    Plan.objects.filter(slug="storage-1000").update(name_de="Speicher XL")
    assert "Dateispeicher – Speicher 1 TB — Kanzlei-Ablage" in _page_as(cast, invoice, "de")


def test_the_texts_of_an_issued_line_never_change(invoice: Invoice) -> None:
    line = invoice.lines.get()
    line.description_translations = {"de": "anders"}
    with pytest.raises(AppendOnlyError):
        line.save()
    with pytest.raises(AppendOnlyError):
        Invoice.objects.filter(pk=invoice.pk).update(vat_note_translations={})


def test_a_line_issued_in_one_language_only_reads_as_written(cast: Cast) -> None:
    # Lines issued before texts were kept per language, or written by hand.
    invoice = invoice_issue(
        organization=cast.org,
        lines=[LineDraft(description="Setup by support", unit_price=Money(Decimal("5"), "EUR"))],
    )
    assert "Setup by support" in _page_as(cast, invoice, "fr")


def test_a_missing_language_falls_back_to_english_then_spanish(cast: Cast) -> None:
    line = LineDraft(
        description="(none)",
        description_translations={"es": "Solo en español", "de": "Nur Deutsch"},
        unit_price=Money(Decimal("5"), "EUR"),
    )
    invoice = invoice_issue(organization=cast.org, lines=[line])
    assert "Solo en español" in _page_as(cast, invoice, "it")
    assert "Nur Deutsch" in _page_as(cast, invoice, "de")


def test_unknown_languages_are_not_stored(cast: Cast) -> None:
    line = LineDraft(
        description="Hosting",
        description_translations={"en": "Hosting", "xx": "?", "de": "x" * 400},
        unit_price=Money(Decimal("5"), "EUR"),
    )
    stored = invoice_issue(organization=cast.org, lines=[line]).lines.get()
    assert set(stored.description_translations) == {"en", "de"}
    assert len(stored.description_translations["de"]) == 300
