"""I1, I4, X1: invoices, payment requests and credit notes as PDF, read back
with a PDF text extractor; the QR-bill read back from the drawn code."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from billing.documents import (
    credit_note_pdf,
    invoice_pdf,
    payment_request_due_date,
    pdf_filename,
    pdf_text,
    qr_matrix,
)
from billing.qr_bill import qr_bill, structured_reference, transfer_details_for_invoice
from billing.services import LineDraft, invoice_issue, invoice_refund, payment_from_prepaid
from core.money import Money
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

IBAN = "CH9300762011623852957"  # settings.SELLER["iban"], compact


def _swiss(org, language="de"):
    org.street, org.postcode, org.city, org.country = "Bahnhofstrasse 1", "8001", "Zürich", "CH"
    org.invoice_language = language
    org.save()
    return org


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return "\n".join(_pages(pdf))


def _drawn_matrix(pdf: bytes, page: int = -1) -> list[bytes]:
    """The QR code as the PDF draws it: the runs of dark modules ("x y w 1 re")."""
    content = PdfReader(io.BytesIO(pdf)).pages[page].get_contents()
    assert content is not None
    runs = re.findall(rb"^(\d+) (\d+) (\d+) 1 re$", content.get_data(), re.MULTILINE)
    size = max(int(y) for _x, y, _w in runs) + 1
    rows = [bytearray(size) for _ in range(size)]
    for x, y, w in runs:
        row = rows[size - 1 - int(y)]
        row[int(x) : int(x) + int(w)] = b"\x01" * int(w)
    return [bytes(row) for row in rows]


def _decode(matrix: list[bytes]) -> bytes:
    """Decode a module matrix with a QR reader (4-module quiet zone, 4 px a module)."""
    size = len(matrix)
    image = Image.new("L", (size + 8, size + 8), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                image.putpixel((c + 4, r + 4), 0)
    image = image.resize(((size + 8) * 4, (size + 8) * 4), Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0].bytes


def _fields(payload: str) -> dict[str, str]:
    values = payload.split("\r\n")
    names = ["type", "version", "coding", "iban"]
    names += [f"creditor_{n}" for n in range(7)] + [f"ultimate_{n}" for n in range(7)]
    names += ["amount", "currency"] + [f"debtor_{n}" for n in range(7)]
    names += ["reference_type", "reference", "message", "trailer"]
    return dict(zip(names, values, strict=True))


# --- payment requests (unpaid) ----------------------------------------------------------


@pytest.mark.django_db
def test_an_unpaid_invoice_is_a_payment_request_in_german_with_due_date_and_totals():
    org = _swiss(OrganizationFactory(), "de")
    invoice = invoice_for(org, "120.00", "35.50")
    text = _text(invoice_pdf(invoice))
    assert f"Zahlungsaufforderung {invoice.payment_reference}" in text
    assert "keine Rechnung" in text
    due = payment_request_due_date(invoice)
    assert due == timezone.localdate(invoice.issued_at) + timedelta(days=30)
    assert f"{due.day}. " in text and str(due.year) in text
    assert "CHF 155.50" in text  # net
    assert "CHF 12.60" in text  # VAT 8.1 %
    assert "CHF 168.10" in text  # total
    assert "8,1 %" in text
    assert "Zahlteil" in text and "Empfangsschein" in text  # the QR-bill, in German
    assert "Invoice" not in text and "Payment request" not in text


@pytest.mark.django_db
def test_the_payment_request_speaks_spanish_when_the_organization_reads_spanish():
    org = _swiss(OrganizationFactory(), "es")
    invoice = invoice_for(org, "100.00")
    text = _text(invoice_pdf(invoice))
    assert f"Solicitud de pago {invoice.payment_reference}" in text
    assert "no es una factura" in text
    assert "Sección de pago" in text and "Resguardo" in text
    assert "Fecha de vencimiento" in text


@pytest.mark.django_db
def test_the_language_can_be_given_and_line_texts_follow_it():
    org = _swiss(OrganizationFactory(), "de")
    invoice = invoice_issue(
        organization=org,
        lines=[
            LineDraft(
                description="Web hosting",
                description_translations={"de": "Webhosting Basis", "fr": "Hébergement web"},
                unit_price=Money(Decimal("10.00"), "CHF"),
                vat_rate=Decimal("8.1"),
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
            )
        ],
    )
    assert "Webhosting Basis" in _text(invoice_pdf(invoice))
    french = _text(invoice_pdf(invoice, language="fr"))
    assert "Hébergement web" in french and "Demande de paiement" in french
    assert "Section paiement" in french
    assert "1 janvier 2026" in french and "31 décembre 2026" in french


@pytest.mark.django_db
def test_the_qr_bill_drawn_in_the_pdf_decodes_to_the_payload_with_amount_iban_and_reference():
    org = _swiss(OrganizationFactory(), "it")
    invoice = invoice_for(org, "99.95")
    pdf = invoice_pdf(invoice)
    payload = _decode(_drawn_matrix(pdf)).decode("utf-8")
    fields = _fields(payload)
    assert fields["type"] == "SPC" and fields["coding"] == "1"
    assert fields["iban"] == IBAN
    assert fields["amount"] == f"{invoice.total:.2f}"
    assert fields["currency"] == "CHF"
    assert fields["reference_type"] == "SCOR"
    assert fields["reference"] == structured_reference(invoice.payment_reference)
    assert fields["debtor_1"] == org.name and fields["debtor_6"] == "CH"
    # The same payload the page's QR-bill (billing.qr_bill) carries.
    details = transfer_details_for_invoice(invoice, outstanding=invoice.total)
    assert payload == qr_bill(details, language="it").qr_data()
    assert "Sezione pagamento" in _text(pdf)


@pytest.mark.django_db
def test_the_qr_matrix_carries_the_payload_as_utf8_bytes():
    payload = "SPC\r\n0200\r\n1\r\nGenève Zürich"
    assert _decode(qr_matrix(payload)) == payload.encode("utf-8")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.django_db
def test_the_qr_bill_decodes_from_the_rendered_page(tmp_path):
    org = _swiss(OrganizationFactory(), "de")
    invoice = invoice_for(org, "42.00")
    (tmp_path / "bill.pdf").write_bytes(invoice_pdf(invoice))
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None
    subprocess.run(
        [pdftoppm, "-r", "200", "-png", str(tmp_path / "bill.pdf"), str(tmp_path / "page")],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page-1.png"))
    assert len(found) == 1
    assert _fields(found[0].bytes.decode("utf-8"))["amount"] == "45.40"


@pytest.mark.django_db
def test_a_euro_payment_request_has_iban_and_reference_but_no_qr_bill():
    org = OrganizationFactory(invoice_language="es")  # Madrid: EUR (O5)
    invoice = invoice_for(org, "50.00", vat_rate="21")
    pdf = invoice_pdf(invoice)
    text = _text(pdf)
    assert "CH93 0076 2011 6238 5295 7" in text
    assert structured_reference(invoice.payment_reference)[:4] in text.replace(" ", "")
    assert "Sección de pago" not in text
    assert b" 1 re\n" not in PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert "60,50" in text  # 50 + 21 %


@pytest.mark.django_db
def test_the_reverse_charge_mention_is_printed_in_the_invoice_language():
    org = OrganizationFactory(invoice_language="de", country="DE", city="Berlin", postcode="10115")
    invoice = invoice_issue(
        organization=org,
        lines=[LineDraft(description="Hosting", unit_price=Money(Decimal("10"), "EUR"))],
        vat_note="Reverse charge: the customer accounts for the VAT.",
        vat_note_translations={
            "en": "Reverse charge: the customer accounts for the VAT.",
            "de": "Steuerschuldnerschaft des Leistungsempfängers.",
        },
    )
    text = _text(invoice_pdf(invoice))
    assert "Steuerschuldnerschaft des Leistungsempfängers." in text
    assert "0 %" in text


@pytest.mark.django_db
def test_a_discount_is_shown_with_its_reason():
    org = _swiss(OrganizationFactory(), "en")
    invoice = invoice_issue(
        organization=org,
        lines=[
            LineDraft(
                description="Domain example.ch",
                unit_price=Money(Decimal("20.00"), "CHF"),
                vat_rate=Decimal("8.1"),
                discount=Money(Decimal("5.00"), "CHF"),
                discount_reason="Loyalty discount",
            ),
            LineDraft(description="Backup", unit_price=Money(Decimal("3"), "CHF")),
        ],
    )
    text = _text(invoice_pdf(invoice))
    assert "Discount CHF 5.00: Loyalty discount" in text
    # VAT summary: one row per rate.
    assert "8.1 %" in text and "0 %" in text


# --- final invoices and credit notes ----------------------------------------------------


@pytest.mark.django_db
def test_a_paid_invoice_is_the_final_invoice_with_number_and_paid_date_and_method():
    org = _swiss(OrganizationFactory(), "es")
    invoice = invoice_for(org, "80.00")
    prepaid_credit_confirmed(org, "200")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="k", acting=None)
    invoice.refresh_from_db()
    pdf = invoice_pdf(invoice)
    text = _text(pdf)
    assert f"Factura {invoice.legal_number}" in text
    assert "Pagada el" in text and "desde la cuenta prepagada" in text
    assert "Solicitud de pago" not in text and "Sección de pago" not in text
    assert "Total\n86,48 CHF" in text
    assert pdf_filename(invoice) == f"invoice-{invoice.legal_number}.pdf"


@pytest.mark.django_db
def test_a_credit_note_has_its_own_number_and_names_the_invoice_it_corrects():
    org = _swiss(OrganizationFactory(), "de")
    invoice = invoice_for(org, "80.00")
    prepaid_credit_confirmed(org, "200")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="k", acting=None)
    invoice.refresh_from_db()
    credit = invoice_refund(invoice=invoice, reason="Doppelte Bestellung", acting=None)
    text = _text(credit_note_pdf(credit))
    assert f"Gutschrift {credit.legal_number}" in text
    assert invoice.legal_number in text
    assert "Doppelte Bestellung" in text
    assert "Gutgeschrieben\nCHF 86.48" in text
    invoice.refresh_from_db()
    assert credit.legal_number in _text(invoice_pdf(invoice))
    assert pdf_filename(credit) == f"credit-note-{credit.legal_number}.pdf"


# --- odd text, many lines ---------------------------------------------------------------


def test_text_outside_the_fonts_encoding_is_replaced_never_an_error():
    assert pdf_text("Zürich € «ñ» œ") == "Zürich € «ñ» œ"
    assert pdf_text("a\x00b\x07c") == "abc"
    assert pdf_text("Hosting 🚀 Москва") == "Hosting ? ??????"
    assert pdf_text("1\u202f234,50") == "1 234,50"


@pytest.mark.django_db
def test_odd_names_and_texts_make_a_pdf():
    org = _swiss(OrganizationFactory(name="Ünïcødé 🚀 GmbH " + "x" * 120), "fr")
    invoice = invoice_issue(
        organization=org,
        lines=[
            LineDraft(
                description="Emoji 🎉 Кириллица " + "verylongword" * 40,
                unit_price=Money(Decimal("1.00"), "CHF"),
            )
        ],
    )
    pdf = invoice_pdf(invoice)
    text = _text(pdf)
    assert "Emoji ? ?????????" in text
    assert "Ünïcødé ? GmbH" in text


@pytest.mark.django_db
def test_two_hundred_lines_run_over_several_pages_with_the_totals_on_the_last():
    org = _swiss(OrganizationFactory(), "en")
    invoice = invoice_for(org, *["12.00"] * 200)
    pages = _pages(invoice_pdf(invoice))
    assert len(pages) >= 4
    assert all(f"page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "Web hosting, line 200" in pages[-1] or "Web hosting, line 200" in pages[-2]
    assert sum(page.count("Web hosting, line") for page in pages) == 200
    for page in pages[:-1]:
        assert "Total excluding VAT" not in page and "Payment part" not in page
    assert "Total excluding VAT" in pages[-1] and "CHF 2’400.00" in pages[-1]
    assert "Payment part" in pages[-1]


@pytest.mark.django_db
def test_the_outbox_renders_the_invoice_pdf_attached_to_an_email():
    from core.outbox import _RENDERERS

    org = _swiss(OrganizationFactory(), "de")
    invoice = invoice_for(org, "10.00")
    assert "Zahlungsaufforderung" in _text(_RENDERERS["billing.invoice_pdf"](str(invoice.pk)))
