"""X4: support agents mark transfers received, refund invoices, import statements."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.models import InvoiceStatus, Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.services import payment_from_prepaid, payment_start
from core.money import Money
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _transfer(org, amount="80.00", key="t1"):
    payment, _ = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal(amount), "EUR"),
        idempotency_key=key,
        acting=None,
    )
    return payment


def test_an_agent_marks_a_transfer_received(agent_client):
    org = OrganizationFactory()
    payment = _transfer(org)
    response = agent_client.post(
        reverse("admin:billing_payment_changelist"),
        {"action": "mark_paid", "_selected_action": [payment.pk]},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert prepaid_balance(organization=org, currency="EUR").amount == Decimal("80.00")


def test_an_agent_refunds_a_paid_invoice(agent_client):
    org = OrganizationFactory()
    prepaid_credit_confirmed(org, "100")
    invoice = invoice_for(org, "20", vat_rate="0")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="x", acting=None)
    agent_client.post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "refund", "_selected_action": [invoice.pk]},
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    assert prepaid_balance(organization=org, currency="EUR").amount == Decimal("100.00")


def test_the_back_office_pages_open(agent_client):
    org = OrganizationFactory()
    invoice_for(org, "10")
    for name in ("billing_invoice", "billing_payment", "ledger_account", "ledger_transaction"):
        assert agent_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_import_confirms_matching_transfers_only(tmp_path):
    org = OrganizationFactory()
    payment = _transfer(org)
    other = _transfer(org, amount="10.00", key="t2")
    statement = tmp_path / "statement.csv"
    statement.write_text(
        "reference,amount,currency\n"
        f"{payment.reference},80.00,EUR\n"
        f"{other.reference},9.00,EUR\n"
        "GS-UNKNOWN,5.00,EUR\n"
    )
    out, err = StringIO(), StringIO()
    call_command("bank_transfers_import", str(statement), stdout=out, stderr=err)
    assert "1 transfer(s) confirmed, 2 line(s) left" in out.getvalue()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CONFIRMED
    assert Payment.objects.get(pk=other.pk).status == PaymentStatus.PENDING
    call_command("ledger_check", stdout=StringIO())
