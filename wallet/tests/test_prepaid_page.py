"""P1: the prepaid account page, its access and its history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.models import Payment, PaymentStatus
from billing.services import payment_from_prepaid
from conftest import client_for
from testsupport.money import invoice_for, prepaid_credit_confirmed

ALLOWED = {"legal_rep", "admin", "accountant"}


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("prepaid"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member"])
def test_each_role_gets_the_page_or_403(cast, role):
    response = client_for(getattr(cast, role)).get(reverse("prepaid"))
    assert response.status_code == (200 if role in ALLOWED else 403)


def test_outsider_never_sees_the_organizations_balance(cast):
    prepaid_credit_confirmed(cast.org, "321.00")
    html = client_for(cast.outsider).get(reverse("prepaid")).content.decode()
    assert "321" not in html


def test_it_shows_the_balance_limits_and_history_with_running_balance(cast):
    prepaid_credit_confirmed(cast.org, "100")
    invoice = invoice_for(cast.org, "25", vat_rate="0")
    payment_from_prepaid(
        organization=cast.org, invoices=[invoice], idempotency_key="x", acting=None
    )
    client = client_for(cast.accountant)
    html = client.get(reverse("prepaid")).content.decode()
    # es-ES formatting for the cast's Spanish organization (EUR), English UI.
    assert "€75.00" in html  # balance and running balance
    assert "-€25.00" in html or "−€25.00" in html
    assert "€10.00" in html and "€5,000.00" in html  # the configured limits


def test_the_history_is_paginated_with_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for _ in range(30):
        prepaid_credit_confirmed(cast.org, "10")
    client = client_for(cast.accountant)
    client.get(reverse("prepaid"))  # warm the session
    with django_assert_max_num_queries(16) as captured:
        response = client.get(reverse("prepaid"))
    assert len(response.context["page"].object_list) == 25
    # Issue 9: by cursor, without counting or skipping the account's entries.
    sql = " ".join(q["sql"] for q in captured.captured_queries if "ledger_entry" in q["sql"])
    assert "COUNT(" not in sql and "OFFSET" not in sql
    # Issue 9: the prepaid accounts are read once, for the balances and the history.
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "ledger_account"' in q["sql"]]
    assert len(reads) == 1, reads
    second = client.get(reverse("prepaid"), {"after": response.context["page"].older})
    assert len(second.context["page"].object_list) == 5
    assert "Newer" in second.content.decode()
    first_ids = {e.pk for e in response.context["page"]}
    assert first_ids.isdisjoint(e.pk for e in second.context["page"])


def test_a_card_credit_shows_its_reference_in_the_history(cast, django_capture_on_commit_callbacks):
    """P1: a card credit is found by the provider's payment id, like a transfer by its own."""
    client = client_for(cast.accountant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("prepaid:credit"),
            {
                "amount": "30",
                "method": "card",
                "card_number": "4242 4242 4242 4242",
                "idempotency_key": "card-ref-1",
            },
        )
    payment = Payment.objects.get(status=PaymentStatus.CONFIRMED)
    assert payment.method == "card"
    html = client.get(reverse("prepaid")).content.decode()
    assert f"Reference {payment.reference}" in html


def test_a_pending_credit_names_its_method_in_lower_case_mid_sentence(cast):
    """X1: "por transferencia bancaria", not "por Transferencia bancaria"."""
    cast.accountant.user.language = "es"
    cast.accountant.user.save(update_fields=["language"])
    client = client_for(cast.accountant)
    client.post(
        reverse("prepaid:credit"),
        {"amount": "30", "method": "bank_transfer", "idempotency_key": "bank-mid-1"},
    )
    html = client.get(reverse("prepaid")).content.decode()
    assert "por transferencia bancaria: a la espera del pago" in html
