"""The invoice pages (I1, I2, I3): who sees them, filters, details, query counts."""

import pytest
import time_machine
from django.urls import reverse

from billing.models import InvoiceStatus
from conftest import client_for
from testsupport.money import invoice_for

ALLOWED = {"legal_rep", "admin", "accountant"}


@pytest.fixture
def invoices(cast):
    with time_machine.travel("2026-03-10 10:00 +0000", tick=False):
        old = invoice_for(cast.org, "10.00")
    with time_machine.travel("2026-11-02 10:00 +0000", tick=False):
        unpaid = invoice_for(cast.org, "25.00", "5.00")
        second = invoice_for(cast.org, "40.00")
    return {"old": old, "unpaid": unpaid, "second": second}


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member"])
def test_each_role_gets_the_invoice_list_or_403(cast, role):
    response = client_for(getattr(cast, role)).get(reverse("invoices"))
    assert response.status_code == (200 if role in ALLOWED else 403)


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member"])
def test_each_role_gets_an_invoice_or_403(cast, invoices, role):
    url = reverse("invoices:detail", args=[invoices["unpaid"].pk])
    response = client_for(getattr(cast, role)).get(url)
    assert response.status_code == (200 if role in ALLOWED else 403)


def test_anonymous_is_sent_to_login(client, cast, invoices):
    for url in (reverse("invoices"), reverse("invoices:detail", args=[invoices["unpaid"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_outsider_gets_404_for_another_organizations_invoice(cast, invoices):
    url = reverse("invoices:detail", args=[invoices["unpaid"].pk])
    assert client_for(cast.outsider).get(url).status_code == 404


def test_outsider_list_shows_none_of_the_organizations_invoices(cast, invoices):
    html = client_for(cast.outsider).get(reverse("invoices")).content.decode()
    assert invoices["unpaid"].payment_reference not in html


def test_the_list_is_newest_first_and_unpaid_ones_are_payment_requests(cast, invoices):
    html = client_for(cast.accountant).get(reverse("invoices")).content.decode()
    assert "Payment request" in html
    assert html.index(invoices["unpaid"].payment_reference) < html.index(
        invoices["old"].payment_reference
    )


def test_the_list_filters_by_status(cast, invoices):
    html = client_for(cast.accountant).get(reverse("invoices"), {"status": "paid"}).content.decode()
    assert invoices["unpaid"].payment_reference not in html
    assert "No invoice matches these filters." in html


def test_the_list_filters_by_period(cast, invoices):
    response = client_for(cast.accountant).get(
        reverse("invoices"), {"issued_from": "2026-03-01", "issued_to": "2026-03-31"}
    )
    html = response.content.decode()
    assert invoices["old"].payment_reference in html
    assert invoices["unpaid"].payment_reference not in html


def test_a_reversed_period_gets_a_clear_error_and_the_whole_list(cast, invoices):
    response = client_for(cast.accountant).get(
        reverse("invoices"), {"issued_from": "2026-12-01", "issued_to": "2026-01-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The start date must come before the end date." in html
    assert invoices["old"].payment_reference in html


def test_bad_filter_values_never_fail(cast, invoices):
    response = client_for(cast.accountant).get(
        reverse("invoices"), {"status": "stolen", "issued_from": "yesterday", "page": "x"}
    )
    assert response.status_code == 200


def test_the_detail_shows_lines_totals_and_what_is_left_to_pay(cast, invoices):
    html = (
        client_for(cast.accountant)
        .get(reverse("invoices:detail", args=[invoices["unpaid"].pk]))
        .content.decode()
    )
    assert "Web hosting, line 1" in html and "Web hosting, line 2" in html
    assert "30.00" in html  # net total of 25.00 + 5.00
    assert "Still to pay" in html
    assert invoices["unpaid"].status == InvoiceStatus.UNPAID


def test_the_list_needs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for _ in range(30):
        invoice_for(cast.org, "9.90")
    client = client_for(cast.accountant)
    client.get(reverse("invoices"))  # warm the session and the caches
    with django_assert_max_num_queries(15) as captured:
        response = client.get(reverse("invoices"))
    assert response.status_code == 200
    # Issue 9: no COUNT over the organization's invoices, no OFFSET, no date cast.
    sql = " ".join(q["sql"] for q in captured.captured_queries if "billing_invoice" in q["sql"])
    assert "COUNT(" not in sql and "OFFSET" not in sql


def _references(response) -> list[str]:
    return [i.payment_reference for i in response.context["page"]]


def test_the_history_pages_by_cursor_older_then_newer(cast):
    """Issue 9: deep pages cost what the first does; the links lead back and forth."""
    made = []
    for day in range(1, 31):
        with time_machine.travel(f"2026-04-{day:02d} 10:00 +0000", tick=False):
            made.append(invoice_for(cast.org, "9.90").payment_reference)
    newest_first = made[::-1]
    client = client_for(cast.accountant)
    first = client.get(reverse("invoices"), {"status": "unpaid"})
    assert _references(first) == newest_first[:25]
    older = first.context["page"].older
    assert older and first.context["page"].newer is None
    second = client.get(reverse("invoices"), {"status": "unpaid", "after": older})
    assert _references(second) == newest_first[25:]
    html = second.content.decode()
    assert "Newer" in html and "Newest" in html and "status=unpaid&amp;before=" in html
    assert second.context["page"].older is None
    back = client.get(
        reverse("invoices"), {"status": "unpaid", "before": second.context["page"].newer}
    )
    assert _references(back) == newest_first[:25]


def test_a_mangled_cursor_shows_the_first_page(cast, invoices):
    client = client_for(cast.accountant)
    for cursor in ("x", "1_2_3", "99999999999999999999999_1", ""):
        response = client.get(reverse("invoices"), {"after": cursor, "before": cursor})
        assert response.status_code == 200
        assert len(response.context["page"]) == 3


def test_the_period_includes_both_whole_days_in_local_time(cast, settings):
    """I3: 'to 31 March' includes 23:30 in Zurich on that day, not 00:10 the day after."""
    settings.TIME_ZONE = "Europe/Zurich"
    with time_machine.travel("2026-03-31 21:30 +0000", tick=False):  # 23:30 in Zurich
        last = invoice_for(cast.org, "1.00")
    with time_machine.travel("2026-03-31 22:10 +0000", tick=False):  # 00:10 on 1 April
        after = invoice_for(cast.org, "2.00")
    with time_machine.travel("2026-02-28 23:10 +0000", tick=False):  # 00:10 on 1 March
        first = invoice_for(cast.org, "3.00")
    response = client_for(cast.accountant).get(
        reverse("invoices"), {"issued_from": "2026-03-01", "issued_to": "2026-03-31"}
    )
    shown = _references(response)
    assert shown == [last.payment_reference, first.payment_reference]
    assert after.payment_reference not in shown


def test_a_credit_note_shows_under_the_invoice_it_corrects(cast, invoices):
    from billing.services import invoice_refund, payment_from_prepaid
    from testsupport.money import prepaid_credit_confirmed

    prepaid_credit_confirmed(cast.org, "100.00")
    invoice = invoices["unpaid"]
    payment_from_prepaid(
        organization=cast.org, invoices=[invoice], idempotency_key="refund-test", acting=None
    )
    invoice.refresh_from_db()
    note = invoice_refund(invoice=invoice, reason="Ordered twice", acting=None)
    html = client_for(cast.accountant).get(reverse("invoices")).content.decode()
    assert f"Corrected by credit note {note.legal_number}" in html
    assert html.index(invoice.legal_number) < html.index(note.legal_number)
