"""I2, I4: the invoice's PDF in its page, its download, the credit note's PDF, and
the API's PDFs; access as for the invoice page."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.tokens import api_token_create
from billing.services import invoice_refund, payment_from_prepaid
from conftest import client_for
from testsupport.money import invoice_for, prepaid_credit_confirmed


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def invoice(cast):
    cast.org.invoice_language = "es"
    cast.org.save()
    return invoice_for(cast.org, "100.00")


@pytest.fixture
def refunded(cast):
    invoice = invoice_for(cast.org, "40.00")
    prepaid_credit_confirmed(cast.org, "100")
    payment_from_prepaid(
        organization=cast.org, invoices=[invoice], idempotency_key="r", acting=None
    )
    invoice.refresh_from_db()
    credit = invoice_refund(invoice=invoice, reason="Duplicate", acting=None)
    return invoice, credit


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant"])
def test_the_invoice_page_frames_the_pdf_which_opens_inline_for_accounting_roles(
    cast, invoice, role
):
    client = client_for(getattr(cast, role))
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    pdf_url = reverse("invoices:pdf", args=[invoice.pk])
    html = page.content.decode()
    assert f'<iframe class="pdf-frame" src="{pdf_url}"' in html
    assert f'href="{pdf_url}?download=1"' in html
    # The page itself may frame its own documents (default-src 'self' covers frames).
    assert "default-src 'self'" in page["Content-Security-Policy"]
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    filename = f"payment-request-{invoice.payment_reference}.pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Solicitud de pago" in _text(response.content)


def test_download_gives_the_pdf_as_an_attachment_named_after_its_number(cast, refunded):
    invoice, _credit = refunded
    response = client_for(cast.legal_rep).get(
        reverse("invoices:pdf", args=[invoice.pk]) + "?download=1"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="invoice-{invoice.legal_number}.pdf"'
    )


def test_other_pages_still_refuse_to_be_framed(cast, invoice):
    page = client_for(cast.legal_rep).get(reverse("invoices:detail", args=[invoice.pk]))
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_the_credit_note_is_linked_from_its_invoice_and_has_its_pdf(cast, refunded):
    invoice, credit = refunded
    client = client_for(cast.accountant)
    url = reverse("invoices:credit_note_pdf", args=[invoice.pk])
    assert url in client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    response = client.get(url + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="credit-note-{credit.legal_number}.pdf"'
    )
    assert credit.legal_number in _text(response.content)


def test_an_invoice_without_credit_note_has_no_credit_note_pdf(cast, invoice):
    url = reverse("invoices:credit_note_pdf", args=[invoice.pk])
    assert client_for(cast.legal_rep).get(url).status_code == 404


@pytest.mark.parametrize("name", ["invoices:pdf", "invoices:credit_note_pdf"])
def test_pdf_access_member_without_accounting_403_outsider_404_anonymous_login(
    cast, refunded, name
):
    invoice, _credit = refunded
    url = reverse(name, args=[invoice.pk])
    assert client_for(cast.member).get(url).status_code == 403
    assert client_for(cast.outsider).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def _api(membership, path):
    _, raw = api_token_create(user=membership.user, name="pdf")
    return Client().get(
        f"/api/v1/orgs/{membership.organization_id}{path}",
        headers={"Authorization": f"Bearer {raw}"},
    )


def test_the_api_gives_the_invoice_and_credit_note_pdfs(cast, refunded):
    invoice, credit = refunded
    response = _api(cast.accountant, f"/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert invoice.legal_number in _text(response.content)
    response = _api(cast.accountant, f"/invoices/{invoice.pk}/credit-note/pdf")
    assert response.status_code == 200
    assert credit.legal_number in _text(response.content)
    assert _api(cast.member, f"/invoices/{invoice.pk}/pdf").status_code == 403
    assert _api(cast.outsider, f"/invoices/{invoice.pk}/pdf").status_code == 404


def test_the_openapi_schema_documents_the_pdfs_as_application_pdf(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/orgs/{org_id}/invoices/{invoice_id}/pdf",
        "/api/v1/orgs/{org_id}/invoices/{invoice_id}/credit-note/pdf",
    ):
        assert "application/pdf" in schema["paths"][path]["get"]["responses"]["200"]["content"]
