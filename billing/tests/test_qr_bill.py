"""I4: the Swiss QR-bill of an unpaid CHF payment request and of a bank transfer:
its payload (amount, currency, IBAN, structured reference), its pages, and the
statement import that matches its reference."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from stdnum import iso11649

from accounts.tokens import api_token_create
from billing.models import InvoiceStatus, Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.qr_bill import (
    qr_bill,
    qr_bill_svg,
    reference_of_structured,
    seller_qr_bill_check,
    structured_reference,
    transfer_details_for_invoice,
    transfer_details_for_payment,
)
from billing.services import invoice_cancel, invoice_outstanding, payment_start
from conftest import client_for
from core.money import Money
from testsupport.cast import OrganizationFactory
from testsupport.money import invoice_for

IBAN = "CH9300762011623852957"  # settings.SELLER["iban"], compact


def _swiss(org):
    org.street, org.postcode, org.city, org.country = "Bahnhofstrasse 1", "8001", "Zürich", "CH"
    org.save()
    return org


def _payload(bill) -> dict[str, str]:
    """The QR code's text split into the fields of the Swiss payment standard (SPC 0200)."""
    values = bill.qr_data().split("\r\n")
    names = ["type", "version", "coding", "iban"]
    names += [
        f"creditor_{n}" for n in ("kind", "name", "street", "num", "pcode", "city", "country")
    ]
    names += [f"ultimate_{n}" for n in range(7)]
    names += ["amount", "currency"]
    names += [f"debtor_{n}" for n in ("kind", "name", "street", "num", "pcode", "city", "country")]
    names += ["reference_type", "reference", "message", "trailer"]
    return dict(zip(names, values, strict=True))


def _transfer(org, amount="80.00", key="t1"):
    payment, _started = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal(amount), org.currency.value),
        idempotency_key=key,
        acting=None,
    )
    return payment


def _import(tmp_path, *rows: str) -> tuple[str, str]:
    statement = tmp_path / "statement.csv"
    statement.write_text("reference,amount,currency\n" + "".join(f"{row}\n" for row in rows))
    out, err = StringIO(), StringIO()
    call_command("bank_transfers_import", str(statement), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- the structured reference --------------------------------------------------------------


def test_the_structured_reference_is_an_iso_11649_creditor_reference_of_ours():
    reference = structured_reference("PR-3F2A9C01BE")
    assert reference.startswith("RF") and reference.endswith("PR3F2A9C01BE")
    assert iso11649.is_valid(reference)
    assert structured_reference("PR-3F2A9C01BE") == reference  # deterministic


def test_the_structured_reference_gives_back_ours_however_it_is_typed():
    written = iso11649.format(structured_reference("GS-0A1B2C3D")).lower()  # "rf.. gs0a 1b2c 3d"
    assert reference_of_structured(written) == "GS-0A1B2C3D"


def test_a_mistyped_structured_reference_gives_nothing():
    reference = structured_reference("GS-0A1B2C3D")
    assert reference_of_structured(reference[:-1] + "E") is None
    assert reference_of_structured("GS-0A1B2C3D") is None
    assert reference_of_structured("") is None


# --- the QR-bill's payload ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_qr_bill_of_a_swiss_payment_request_carries_amount_currency_iban_and_reference():
    org = _swiss(OrganizationFactory(name="Bergbahn AG"))
    invoice = invoice_for(org, "100.00")  # 8.1 % VAT: 108.10 CHF
    details = transfer_details_for_invoice(invoice, outstanding=invoice.total)
    payload = _payload(qr_bill(details, language="de"))
    assert (payload["type"], payload["version"], payload["trailer"]) == ("SPC", "0200", "EPD")
    assert (payload["amount"], payload["currency"], payload["iban"]) == ("108.10", "CHF", IBAN)
    assert payload["reference_type"] == "SCOR"
    assert payload["reference"] == structured_reference(invoice.payment_reference)
    assert reference_of_structured(payload["reference"]) == invoice.payment_reference
    assert (payload["creditor_kind"], payload["creditor_name"]) == ("S", "Gestor Hosting SA")
    assert (payload["creditor_pcode"], payload["creditor_city"]) == ("1204", "Genève")
    assert payload["creditor_country"] == "CH"
    assert (payload["debtor_kind"], payload["debtor_name"]) == ("S", "Bergbahn AG")
    assert (payload["debtor_pcode"], payload["debtor_city"], payload["debtor_country"]) == (
        "8001",
        "Zürich",
        "CH",
    )


@pytest.mark.django_db
def test_the_svg_draws_the_payload_and_escapes_the_buyers_name():
    org = _swiss(OrganizationFactory(name="<script>alert(1)</script> & Co"))
    invoice = invoice_for(org, "10.00")
    details = transfer_details_for_invoice(invoice, outstanding=invoice.total)
    svg = qr_bill_svg(details, language="fr") or ""
    bill = qr_bill(details, language="fr")
    # The QR code drawn is the one of the payload above.
    assert bill.qr_image().path.get("d") in svg
    assert "Récépissé" in svg and "Section paiement" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg


@pytest.mark.django_db
def test_a_partly_paid_request_asks_for_what_is_still_due():
    org = _swiss(OrganizationFactory())
    invoice = invoice_for(org, "100.00")
    details = transfer_details_for_invoice(invoice, outstanding=Decimal("58.10"))
    assert _payload(qr_bill(details, language="en"))["amount"] == "58.10"


@pytest.mark.django_db
def test_a_spanish_reader_gets_the_qr_bill_in_english():
    org = _swiss(OrganizationFactory())
    details = transfer_details_for_invoice(invoice_for(org, "10.00"), outstanding=Decimal("10.81"))
    assert "Receipt" in (qr_bill_svg(details, language="es") or "")
    assert "Empfangsschein" in (qr_bill_svg(details, language="de-ch") or "")


@pytest.mark.django_db
def test_a_euro_request_has_no_qr_bill_but_the_iban_and_the_reference():
    invoice = invoice_for(OrganizationFactory(country="ES"), "10.00")
    details = transfer_details_for_invoice(invoice, outstanding=invoice.total)
    assert qr_bill(details, language="en") is None and qr_bill_svg(details, language="en") is None
    assert details.structured_reference.startswith("RF")


@pytest.mark.django_db
def test_a_bank_transfer_payment_gets_the_organization_as_debtor():
    org = _swiss(OrganizationFactory(name="Seilbahn GmbH"))
    payment = _transfer(org, amount="50.00")
    payload = _payload(qr_bill(transfer_details_for_payment(payment), language="it"))
    assert (payload["amount"], payload["currency"]) == ("50.00", "CHF")
    assert payload["reference"] == structured_reference(payment.reference)
    assert payload["debtor_name"] == "Seilbahn GmbH"


@pytest.mark.django_db
def test_an_organization_without_an_address_leaves_the_debtor_blank():
    org = _swiss(OrganizationFactory())
    org.postcode = org.city = ""
    org.save()
    payload = _payload(qr_bill(transfer_details_for_payment(_transfer(org)), language="en"))
    assert payload["debtor_kind"] == "" and payload["amount"] == "80.00"


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def swiss_request(cast):
    _swiss(cast.org)
    return invoice_for(cast.org, "100.00")


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant"])
def test_the_unpaid_request_shows_the_qr_bill_and_the_transfer_details(cast, swiss_request, role):
    client = client_for(getattr(cast, role))
    page = client.get(reverse("invoices:detail", args=[swiss_request.pk])).content.decode()
    url = reverse("invoices:qr_bill", args=[swiss_request.pk])
    assert f'src="{url}"' in page
    assert iso11649.format(structured_reference(swiss_request.payment_reference)) in page
    assert "CH93 0076 2011 6238 5295 7" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"108.10" in response.content


def test_the_qr_bill_speaks_the_readers_language(cast, swiss_request):
    cast.accountant.user.language = "de"
    cast.accountant.user.save()
    svg = client_for(cast.accountant).get(reverse("invoices:qr_bill", args=[swiss_request.pk]))
    assert b"Zahlteil" in svg.content


def test_a_member_without_accounting_gets_403(cast, swiss_request):
    url = reverse("invoices:qr_bill", args=[swiss_request.pk])
    assert client_for(cast.member).get(url).status_code == 403


def test_an_outsider_gets_404(cast, swiss_request):
    url = reverse("invoices:qr_bill", args=[swiss_request.pk])
    assert client_for(cast.outsider).get(url).status_code == 404


def test_anonymous_goes_to_login(cast, swiss_request, client):
    assert client.get(reverse("invoices:qr_bill", args=[swiss_request.pk])).status_code == 302


def test_a_cancelled_request_has_no_qr_bill(cast, swiss_request):
    invoice_cancel(invoice=swiss_request, acting=None)
    url = reverse("invoices:qr_bill", args=[swiss_request.pk])
    assert client_for(cast.admin).get(url).status_code == 404


def test_a_euro_request_shows_iban_and_reference_without_a_qr_bill(cast):
    invoice = invoice_for(cast.org, "10.00")  # the cast's organization is in Spain: EUR
    page = client_for(cast.admin).get(reverse("invoices:detail", args=[invoice.pk])).content
    assert iso11649.format(structured_reference(invoice.payment_reference)).encode() in page
    assert b"qr-bill.svg" not in page
    url = reverse("invoices:qr_bill", args=[invoice.pk])
    assert client_for(cast.admin).get(url).status_code == 404


def test_the_transfer_qr_bill_is_for_accounting_and_the_payer(cast):
    _swiss(cast.org)
    payment, _started = payment_start(
        organization=cast.org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal("40.00"), "CHF"),
        idempotency_key="qr-payer",
        acting=cast.member.user,
    )
    url = reverse("billing:payment_qr_bill", args=[payment.reference])
    assert client_for(cast.member).get(url).status_code == 200  # started it
    assert client_for(cast.accountant).get(url).status_code == 200
    assert client_for(cast.outsider).get(url).status_code == 404
    payment.created_by = cast.admin.user
    payment.save(update_fields=["created_by"])
    assert client_for(cast.member).get(url).status_code == 403


def test_the_credit_page_shows_the_qr_bill_of_a_swiss_transfer(cast):
    _swiss(cast.org)
    payment = _transfer(cast.org, amount="40.00")
    page = client_for(cast.accountant).get(
        reverse("prepaid:credit_status", args=[payment.reference])
    )
    html = page.content.decode()
    assert reverse("billing:payment_qr_bill", args=[payment.reference]) in html
    assert payment.reference in html and "IBAN" in html


# --- the statement import ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_pays_a_request_by_its_structured_reference_once(tmp_path):
    org = _swiss(OrganizationFactory())
    invoice = invoice_for(org, "100.00")
    spaced = iso11649.format(structured_reference(invoice.payment_reference))
    out, _err = _import(tmp_path, f"{spaced},108.10,CHF")
    assert "1 transfer(s) confirmed, 0 line(s) left" in out
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    payment = Payment.objects.get(invoices=invoice)
    assert (payment.method, payment.status) == (
        PaymentMethod.BANK_TRANSFER,
        PaymentStatus.CONFIRMED,
    )
    # The same statement again pays nothing twice.
    out, err = _import(tmp_path, f"{spaced},108.10,CHF")
    assert "0 transfer(s) confirmed, 1 line(s) left" in out and "already imported" in err
    assert Payment.objects.filter(invoices=invoice).count() == 1


@pytest.mark.django_db
def test_the_import_pays_part_of_a_request_and_refuses_more_than_is_due(tmp_path):
    org = _swiss(OrganizationFactory())
    invoice = invoice_for(org, "100.00")
    reference = structured_reference(invoice.payment_reference)
    out, err = _import(tmp_path, f"{reference},200.00,CHF", f"{reference},50.00,EUR")
    assert "0 transfer(s) confirmed, 2 line(s) left" in out
    assert err.count("no pending transfer matches") == 2
    out, _err = _import(tmp_path, f"{reference},50.00,CHF")
    assert "1 transfer(s) confirmed" in out
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice_outstanding(invoice).amount == Decimal("58.10")


@pytest.mark.django_db
def test_the_import_confirms_a_pending_transfer_by_its_structured_or_own_reference(tmp_path):
    org = _swiss(OrganizationFactory())
    by_rf = _transfer(org, amount="80.00", key="rf")
    by_own = _transfer(org, amount="20.00", key="own")
    rf = structured_reference(by_rf.reference)
    mistyped = rf[:-1] + ("1" if rf[-1] == "0" else "0")
    out, _err = _import(
        tmp_path,
        f"{mistyped},80.00,CHF",
        f"{rf},80.00,CHF",
        f"{by_own.reference},20.00,CHF",
    )
    assert "2 transfer(s) confirmed, 1 line(s) left" in out
    assert Payment.objects.get(pk=by_rf.pk).status == PaymentStatus.CONFIRMED
    assert Payment.objects.get(pk=by_own.pk).status == PaymentStatus.CONFIRMED


@pytest.mark.django_db
def test_the_import_reads_a_request_by_its_own_reference_too(tmp_path):
    org = _swiss(OrganizationFactory())
    invoice = invoice_for(org, "10.00")
    out, _err = _import(tmp_path, f"{invoice.payment_reference},10.81,CHF", "RF,abc,CHF")
    assert "1 transfer(s) confirmed, 1 line(s) left" in out
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


# --- the API ----------------------------------------------------------------------------------


def _api_get(membership, path: str, language: str = "en"):
    _, raw = api_token_create(user=membership.user, name="qr")
    return Client().get(
        f"/api/v1/orgs/{membership.organization_id}{path}",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": language},
    )


def test_the_api_gives_the_transfer_details_and_the_qr_bill(cast, swiss_request):
    detail = _api_get(cast.accountant, f"/invoices/{swiss_request.pk}").json()
    assert detail["bank_transfer"] == {
        "amount": "108.10",
        "currency": "CHF",
        "beneficiary": "Gestor Hosting SA",
        "iban": "CH93 0076 2011 6238 5295 7",
        "reference": iso11649.format(structured_reference(swiss_request.payment_reference)),
        "qr_bill": True,
    }
    svg = _api_get(cast.accountant, f"/invoices/{swiss_request.pk}/qr-bill.svg", "fr")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert "Section paiement" in svg.content.decode()
    assert _api_get(cast.member, f"/invoices/{swiss_request.pk}/qr-bill.svg").status_code == 403


def test_the_api_has_no_qr_bill_for_euros_nor_transfer_details_once_paid(cast):
    invoice = invoice_for(cast.org, "10.00")  # Spain: EUR
    detail = _api_get(cast.admin, f"/invoices/{invoice.pk}").json()
    assert detail["bank_transfer"]["qr_bill"] is False
    assert _api_get(cast.admin, f"/invoices/{invoice.pk}/qr-bill.svg").status_code == 404
    invoice_cancel(invoice=invoice, acting=None)
    assert _api_get(cast.admin, f"/invoices/{invoice.pk}").json()["bank_transfer"] is None


@pytest.mark.django_db
def test_the_bank_transfer_instructions_give_the_structured_reference():
    org = _swiss(OrganizationFactory())
    payment, started = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal("30.00"), "CHF"),
        idempotency_key="instructions",
        acting=None,
    )
    assert started is not None
    assert started.instructions["structured_reference"] == iso11649.format(
        structured_reference(payment.reference)
    )


def test_a_seller_iban_outside_switzerland_fails_the_system_check(settings):
    assert seller_qr_bill_check() == []
    settings.SELLER = {**settings.SELLER, "iban": "DE89 3704 0044 0532 0130 00"}
    assert [error.id for error in seller_qr_bill_check()] == ["billing.E001"]
