"""I7, X2: payment requests, final invoices and credit notes are e-mailed to the
organization's legal representatives and accounting address, in each recipient's
language, through the outbox, with the document's PDF attached (made at delivery)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.emails import CREDIT_NOTE_PDF, INVOICE_PDF
from billing.models import PaymentMethod, PaymentPurpose
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    invoice_refund,
    payment_from_prepaid,
    payment_start,
    webhook_receive,
)
from core.models import OutboxEmail
from core.money import Money
from orgs.models import Role
from testsupport.cast import MembershipFactory, UserFactory
from testsupport.money import invoice_for, prepaid_credit_confirmed

TEMPLATES = {
    "request": "billing/email/payment_request_issued",
    "final": "billing/email/invoice_final",
    "credit": "billing/email/credit_note_issued",
}


def mails(kind: str) -> list[OutboxEmail]:
    return list(
        OutboxEmail.objects.filter(template=TEMPLATES[kind])
        .prefetch_related("attachments")
        .order_by("id")
    )


@pytest.fixture
def org(cast):
    cast.org.accounting_email = "books@example.test"
    cast.org.invoice_language = "it"
    cast.org.save()
    cast.legal_rep.user.language = "de"
    cast.legal_rep.user.save()
    return cast.org


def test_a_payment_request_goes_to_legal_reps_and_the_accounting_address(cast, org):
    second = MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email="rosa@example.test", language="es"),
    )
    invoice = invoice_for(org, "100.00")
    sent = mails("request")
    assert {m.to for m in sent} == {"lea@example.test", "rosa@example.test", "books@example.test"}
    # Not the administrator, the member with Accounting nor a plain member.
    assert not OutboxEmail.objects.filter(
        to__in=[cast.admin.user.email, cast.accountant.user.email, cast.member.user.email]
    ).exists()
    by_to = {m.to: m for m in sent}
    assert by_to["lea@example.test"].language == "de"
    assert "Zahlungsaufforderung" in by_to["lea@example.test"].subject
    assert by_to[second.user.email].language == "es"
    assert "Solicitud de pago" in by_to[second.user.email].subject
    # The accounting address: in the organization's invoice language.
    assert by_to["books@example.test"].language == "it"
    for mail in sent:
        assert invoice.payment_reference in mail.subject
        [attachment] = mail.attachments.all()
        assert attachment.filename == f"payment-request-{invoice.payment_reference}.pdf"
        assert attachment.mimetype == "application/pdf"
        assert (attachment.renderer, attachment.reference) == (INVOICE_PDF, str(invoice.pk))
    assert not mails("final")


def test_an_inactive_legal_rep_gets_nothing_and_the_accounting_address_is_not_doubled(cast, org):
    MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email="gone@example.test", is_active=False),
    )
    org.accounting_email = "lea@example.test"
    org.save()
    invoice_for(org, "10.00")
    assert [m.to for m in mails("request")] == ["lea@example.test"]


def test_paid_from_the_prepaid_account_the_final_invoice_is_sent_once(cast, org):
    prepaid_credit_confirmed(org, "500.00")
    invoice = invoice_for(org, "100.00")
    for _ in range(2):
        payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="p", acting=None)
    invoice.refresh_from_db()
    sent = mails("final")
    assert sorted(m.to for m in sent) == ["books@example.test", "lea@example.test"]
    for mail in sent:
        assert invoice.legal_number in mail.subject
        [attachment] = mail.attachments.all()
        assert attachment.filename == f"invoice-{invoice.legal_number}.pdf"
        assert (attachment.renderer, attachment.reference) == (INVOICE_PDF, str(invoice.pk))
    assert "Rechnung" in next(m for m in sent if m.to == "lea@example.test").subject


def test_webhook_replays_send_the_final_invoice_once(cast, org):
    invoice = invoice_for(org, "100.00")
    total = f"{invoice.total:f}"
    payment, _started = payment_start(
        organization=org,
        method=PaymentMethod.CARD,
        purpose=PaymentPurpose.INVOICES,
        amount=Money(Decimal(total), invoice.currency),
        invoices=[invoice],
        idempotency_key="card-1",
        acting=None,
        details={"card_number": "4242424242424242"},
    )
    body = simulated_event_body(
        reference=payment.reference,
        kind="payment.succeeded",
        amount=total,
        currency=invoice.currency,
    )
    for _ in range(3):
        webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    invoice.refresh_from_db()
    assert invoice.legal_number
    assert len(mails("final")) == 2  # the legal representative and the accounting address
    assert len(mails("request")) == 2  # once, when it was issued


def test_a_free_invoice_is_final_at_once_without_a_payment_request(cast, org):
    invoice = invoice_for(org, "0.00")
    assert invoice.legal_number
    assert not mails("request")
    assert len(mails("final")) == 2


def test_a_credit_note_is_sent_with_its_own_pdf(cast, org):
    prepaid_credit_confirmed(org, "500.00")
    invoice = invoice_for(org, "100.00")
    payment_from_prepaid(organization=org, invoices=[invoice], idempotency_key="p", acting=None)
    note = invoice_refund(invoice=invoice, reason="Service not delivered", acting=None)
    sent = mails("credit")
    assert sorted(m.to for m in sent) == ["books@example.test", "lea@example.test"]
    for mail in sent:
        assert note.legal_number in mail.subject
        assert "Service not delivered" in mail.body_text
        [attachment] = mail.attachments.all()
        assert attachment.filename == f"credit-note-{note.legal_number}.pdf"
        assert attachment.mimetype == "application/pdf"
        assert (attachment.renderer, attachment.reference) == (CREDIT_NOTE_PDF, str(note.pk))
    assert "Gutschrift" in next(m for m in sent if m.to == "lea@example.test").subject
