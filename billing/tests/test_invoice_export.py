"""CSV export of the invoice history (I5): streamed, formats, formula injection,
e-mailed through the outbox (attached or a signed link), access per role."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.export import (
    csv_chunks,
    csv_format,
    export_send,
    export_token,
    neutralise,
)
from billing.models import Invoice
from billing.services import payment_from_prepaid
from conftest import client_for
from core.models import OutboxEmail
from testsupport.money import invoice_for, prepaid_credit_confirmed

ALLOWED = {"legal_rep", "admin", "accountant"}


@pytest.fixture
def invoices(cast):
    with time_machine.travel("2026-03-10 10:00 +0000", tick=False):
        old = invoice_for(cast.org, "10.00")
    with time_machine.travel("2026-11-02 10:00 +0000", tick=False):
        unpaid = invoice_for(cast.org, "25.00", "5.00")
        paid = invoice_for(cast.org, "1234.50")
    prepaid_credit_confirmed(cast.org, "5000.00")
    payment_from_prepaid(
        organization=cast.org, invoices=[paid], idempotency_key="export-test", acting=None
    )
    paid.refresh_from_db()
    return {"old": old, "unpaid": unpaid, "paid": paid}


def _rows(response, separator=",") -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=separator))


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member"])
def test_each_role_gets_the_export_or_403(cast, invoices, role):
    response = client_for(getattr(cast, role)).get(reverse("invoices:export"))
    assert response.status_code == (200 if role in ALLOWED else 403)


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member"])
def test_each_role_may_ask_for_the_export_by_email_or_403(cast, role):
    response = client_for(getattr(cast, role)).post(reverse("invoices:export_email"))
    assert response.status_code == (302 if role in ALLOWED else 403)


def test_anonymous_is_sent_to_login(client, cast):
    token = export_token(membership=cast.accountant, options={})
    for url in (
        reverse("invoices:export"),
        reverse("invoices:export_email"),
        reverse("invoices:export_link", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_an_outsider_exports_none_of_the_organizations_invoices(cast, invoices):
    response = client_for(cast.outsider).get(reverse("invoices:export"))
    rows = _rows(response)
    assert len(rows) == 1  # the header only: the outsider's own organization has none


def test_the_export_streams_the_columns_newest_first(cast, invoices):
    response = client_for(cast.accountant).get(reverse("invoices:export"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    rows = _rows(response)
    assert rows[0] == [
        "Invoice number",
        "Payment reference",
        "Issued",
        "Paid on",
        "Status",
        "Currency",
        "Net",
        "VAT",
        "Total",
        "Paid amount",
        "Method",
    ]
    paid = invoices["paid"]
    by_reference = {row[1]: row for row in rows[1:]}
    assert [row[1] for row in rows[1:]][-1] == invoices["old"].payment_reference
    row = by_reference[paid.payment_reference]
    assert row[0] == paid.legal_number and row[0]
    assert row[2] == "2026-11-02" and row[3]
    assert row[4:9] == ["Paid", "EUR", "1234.50", f"{paid.vat_total:.2f}", f"{paid.total:.2f}"]
    assert row[9] == f"{paid.total:.2f}" and row[10] == "Prepaid account"
    unpaid = by_reference[invoices["unpaid"].payment_reference]
    assert unpaid[0] == "" and unpaid[3] == "" and unpaid[4] == "Unpaid"
    assert unpaid[9] == "0.00" and unpaid[10] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "unpaid"}, {"unpaid", "old"}),
        ({"status": "paid"}, {"paid"}),
        ({"status": "refunded"}, set()),
        ({"status": "cancelled"}, set()),
        ({"status": ""}, {"unpaid", "old", "paid"}),
        ({"issued_from": "2026-03-01", "issued_to": "2026-03-31"}, {"old"}),
        ({"issued_from": "2026-11-01"}, {"unpaid", "paid"}),
        ({"issued_to": "2026-10-31"}, {"old"}),
    ],
)
def test_the_export_is_the_filtered_set(cast, invoices, query, expected):
    rows = _rows(client_for(cast.accountant).get(reverse("invoices:export"), query))
    references = {row[1] for row in rows[1:]}
    assert references == {invoices[name].payment_reference for name in expected}


def test_an_end_before_the_start_goes_back_to_the_list_with_the_error(cast, invoices):
    client = client_for(cast.accountant)
    query = {"issued_from": "2026-12-01", "issued_to": "2026-01-01"}
    response = client.get(reverse("invoices:export"), query)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "The start date must come before the end date." in page.content.decode()


@pytest.mark.parametrize(
    ("language", "separator", "amount"),
    [
        ("en", ",", "1234.50"),
        ("es", ";", "1234,50"),
        ("fr", ";", "1234,50"),
        ("de", ";", "1234,50"),
        ("it", ";", "1234,50"),
    ],
)
def test_separator_and_decimal_mark_follow_the_language(
    cast, invoices, language, separator, amount
):
    cast.accountant.user.language = language
    cast.accountant.user.save(update_fields=["language"])
    response = client_for(cast.accountant).get(reverse("invoices:export"), {"status": "paid"})
    rows = _rows(response, separator)
    assert len(rows[0]) == 11
    assert rows[1][6] == amount


@pytest.mark.parametrize(
    ("chosen", "separator", "amount"), [("comma", ",", "1234.50"), ("semicolon", ";", "1234,50")]
)
def test_a_chosen_format_wins_over_the_language(cast, invoices, chosen, separator, amount):
    cast.accountant.user.language = "de" if chosen == "comma" else "en"
    cast.accountant.user.save(update_fields=["language"])
    response = client_for(cast.accountant).get(
        reverse("invoices:export"), {"status": "paid", "format": chosen}
    )
    assert _rows(response, separator)[1][6] == amount


def test_the_bom_is_written_only_when_asked(cast, invoices):
    client = client_for(cast.accountant)
    with_bom = b"".join(client.get(reverse("invoices:export"), {"bom": "on"}).streaming_content)
    without = b"".join(client.get(reverse("invoices:export")).streaming_content)
    assert with_bom.startswith(b"\xef\xbb\xbf") and not without.startswith(b"\xef\xbb\xbf")
    assert with_bom[3:] == without


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(start):
    assert (
        neutralise(f'{start}HYPERLINK("http://x.test")') == f'\'{start}HYPERLINK("http://x.test")'
    )
    assert neutralise(f"a{start}b") == f"a{start}b"


@pytest.mark.django_db
def test_a_formula_in_an_invoice_leaves_the_export_as_text(cast, invoices):
    Invoice.objects.filter(pk=invoices["old"].pk).update(legal_number="=cmd|' /C calc'!A0")
    rows = _rows(client_for(cast.accountant).get(reverse("invoices:export")))
    numbers = {row[0] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in numbers
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


def test_the_page_offers_download_and_email_with_the_filters(cast, invoices):
    html = client_for(cast.accountant).get(reverse("invoices"), {"status": "paid"}).content.decode()
    assert reverse("invoices:export") in html and reverse("invoices:export_email") in html
    assert 'name="status" value="paid"' in html


@pytest.mark.django_db(transaction=True)
def test_the_emailed_export_is_delivered_through_the_outbox_attached(cast, invoices):
    client = client_for(cast.accountant)
    response = client.post(reverse("invoices:export_email"), {"status": "paid", "bom": "on"})
    assert response.status_code == 302 and "status=paid" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "The export is on its way to" in page
    email = OutboxEmail.objects.get(
        to=cast.accountant.user.email, template="billing/email/invoice_export"
    )
    (attachment,) = email.attachments.all()
    assert attachment.filename.endswith(".csv") and attachment.mimetype == "text/csv"
    body = bytes(attachment.content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert invoices["paid"].payment_reference.encode() in body
    assert invoices["unpaid"].payment_reference.encode() not in body
    sent = [m for m in mail.outbox if m.to == [cast.accountant.user.email]]
    assert len(sent) == 1 and len(sent[0].attachments) == 1


@pytest.mark.django_db
def test_a_large_export_is_sent_as_a_signed_link_that_works_for_seven_days(
    cast, invoices, settings
):
    settings.INVOICE_EXPORT_ATTACHMENT_MAX_BYTES = 100
    assert (
        export_send(membership_id=cast.accountant.pk, options={"status": "paid"}, language="en")
        == "link"
    )
    email = OutboxEmail.objects.get(template="billing/email/invoice_export")
    assert not email.attachments.exists()
    link = next(w for w in email.body_text.split() if "/invoices/export/" in w)
    path = link.removeprefix(settings.SITE_URL)
    response = client_for(cast.accountant).get(path)
    assert response.status_code == 200
    rows = _rows(response)
    assert [row[1] for row in rows[1:]] == [invoices["paid"].payment_reference]
    # Another user of the organization, another organization, or a changed token: 404.
    assert client_for(cast.admin).get(path).status_code == 404
    assert client_for(cast.outsider).get(path).status_code == 404
    assert client_for(cast.accountant).get(path[:-20] + "x" * 8 + path[-12:]).status_code == 404
    # A member who lost accounting: 403.
    assert client_for(cast.member).get(path).status_code == 403
    # Six days later it still works; eight days later it has expired.
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        assert client_for(cast.accountant).get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert client_for(cast.accountant).get(path).status_code == 404


@pytest.mark.django_db
def test_the_emailed_export_checks_access_again(cast, invoices):
    cast.member.refresh_from_db()
    assert export_send(membership_id=cast.member.pk, options={}, language="en") == "refused"
    assert not OutboxEmail.objects.filter(template="billing/email/invoice_export").exists()


@pytest.mark.django_db
def test_the_emailed_export_is_in_the_requests_language(cast, invoices):
    export_send(membership_id=cast.accountant.pk, options={}, language="es")
    email = OutboxEmail.objects.get(template="billing/email/invoice_export")
    assert email.language == "es"
    content = bytes(email.attachments.get().content).decode()
    assert content.splitlines()[0].count(";") == 10


@pytest.mark.django_db
def test_two_hundred_thousand_rows_stream_in_flat_memory(cast, ledger_may_break):
    """I5: 200,000 invoices exported in batches: peak Python memory stays far below
    what the file (about 12 MB) or its rows as objects would need. (The rows are
    bare invoices without lines, made cheaply; the ledger's checks do not apply.)"""
    total = 200_000
    # Bare invoices made in one statement, one a minute as if issued one by one.
    if connection.vendor == "sqlite":
        numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        issued = "datetime('2020-01-01', '+' || i || ' minutes')"
        source = "FROM n"
    else:
        numbers = ""
        issued = "timestamptz '2020-01-01 00:00+00' + i * interval '1 minute'"
        source = "FROM generate_series(1, %s) AS i"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{numbers} INSERT INTO billing_invoice (organization_id, currency, status,"
            " payment_reference, series, legal_number, buyer_name, buyer_street,"
            " buyer_postcode, buyer_city, buyer_country, seller_name, seller_address,"
            " seller_vat_number, vat_note, vat_note_translations, net_total, vat_total, total,"
            f" issued_at) SELECT %s, 'EUR', 'unpaid', 'RX' || i, '', '', 'Buyer', '', '', '',"
            f" '', 'Seller', '', '', '', '{{}}', 10.00, 0.81, 10.81, {issued} {source}",
            [total, cast.org.pk] if numbers else [cast.org.pk, total],
        )
    invoices = Invoice.objects.filter(organization=cast.org)
    fmt = csv_format(language="en")
    rows = size = 0
    tracemalloc.start()
    try:
        for chunk in csv_chunks(invoices, fmt):
            rows += chunk.count("\r\n")
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == total + 1
    assert size > 10_000_000
    assert peak < 8_000_000, f"peak {peak:,} bytes"
