"""I7, X2: the organization is e-mailed its billing documents, with the PDF attached.

Three e-mails, each sent from exactly one place in ``billing.services``, in the
transaction that makes the change (so never twice for the same document: a
replayed webhook, a second confirmation or a second sweep finds nothing left to
do and sends nothing, see ``billing.signals``):

- a payment request (an unpaid invoice with a total above zero) is issued:
  ``invoice_issue``. An invoice issued while an order payment is settled, or in a
  flow's ``invoices_numbered_last`` block, is held until the end of it: paid in
  full there, it only gets the final-invoice e-mail;
- an invoice becomes final (paid and numbered, a free one at once): a receiver of
  ``billing.signals.invoices_paid`` (connected in ``BillingConfig.ready``), sent
  once for all the invoices made final together, after the numbers are taken; it
  reads and inserts but locks no shared row (docs/decisions/0004);
- a credit note is issued: ``invoice_refund``.

Recipients: each active legal representative of the organization, in their own
language, and the organization's accounting address when one is set (and is not
already one of them), in the organization's invoice language when it has one,
else in the language of the first legal representative (the oldest membership).

The PDF is made at delivery, not here (``core.outbox.AttachmentLater``). Making
an invoice's PDF takes milliseconds to tens of milliseconds (fonts, the QR-bill),
once per recipient; in the transaction that would multiply the cost of issuing
invoices in bulk and, for a final invoice, hold the year's number series (locked
from the moment a number is taken to COMMIT, shared by every organization) while
PDFs are drawn. The e-mail's text is rendered and stored here (a few small
templates); the file is rendered by the worker that delivers the e-mail, from the
document's id, then kept with the e-mail so that a retry sends the same file. As
a consequence the PDF shows the document as it is at delivery, seconds after the
change: a payment request paid before its e-mail went out is attached as the paid
invoice (which the final-invoice e-mail then also brings).

Measured (SQLite, a 2-core machine busy with a test run): issuing and paying an
invoice from the prepaid account took 45 ms without these e-mails and 82 ms with
them for two recipients (two payment-request and two final-invoice e-mails: the
subject and text rendered, the e-mail and its attachment reference stored), about
9 ms per e-mail, no PDF drawn. Rendering the text once per language instead of
once per recipient would save part of it; not done yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from billing.models import CreditNote, Invoice
from billing.signals import invoices_paid
from core.money import Money
from core.outbox import AttachmentLater, email_enqueue
from orgs.models import Membership, Organization, Role

PDF = "application/pdf"
INVOICE_PDF = "billing.invoice_pdf"
CREDIT_NOTE_PDF = "billing.credit_note_pdf"


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def recipients(organization: Organization) -> list[Recipient]:
    """The legal representatives (active users, each in their language), then the
    accounting address if set and not one of theirs."""
    reps = list(
        Membership.objects.filter(
            organization=organization,
            role=Role.LEGAL_REPRESENTATIVE,
            user__is_active=True,
        )
        .order_by("id")
        .values_list("user__email", "user__language")
    )
    result = [Recipient(email, language) for email, language in reps]
    accounting = organization.accounting_email
    if accounting and accounting.lower() not in {email.lower() for email, _ in reps}:
        language = getattr(organization, "invoice_language", "") or (reps[0][1] if reps else "")
        result.append(Recipient(accounting, language or ""))
    return result


def _safe(stem: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem) + ".pdf"


def invoice_filename(invoice: Invoice) -> str:
    """``invoice-2026-000001.pdf`` for a final invoice, ``payment-request-PR….pdf`` else."""
    if invoice.is_final:
        return _safe(f"invoice-{invoice.legal_number}")
    return _safe(f"payment-request-{invoice.payment_reference}")


def credit_note_filename(note: CreditNote) -> str:
    return _safe(f"credit-note-{note.legal_number}")


def _send(
    people: list[Recipient], *, template: str, context: dict[str, Any], attachment: AttachmentLater
) -> None:
    for person in people:
        email_enqueue(
            to=person.email,
            template=f"billing/email/{template}",
            language=person.language or None,
            context=context,
            attachments=[attachment],
        )


def _invoice_context(invoice: Invoice, organization: Organization) -> dict[str, Any]:
    return {
        "organization": organization,
        "invoice": invoice,
        "number": str(invoice),
        "amount": invoice.total_money,
        "url": reverse("invoices:detail", args=[invoice.pk]),
    }


def payment_request_emails(invoice: Invoice) -> None:
    """A payment request was issued (an unpaid invoice of more than zero)."""
    organization = invoice.organization
    _send(
        recipients(organization),
        template="payment_request_issued",
        context=_invoice_context(invoice, organization),
        attachment=AttachmentLater(invoice_filename(invoice), PDF, INVOICE_PDF, str(invoice.pk)),
    )


def invoice_final_emails(invoices: Iterable[Invoice]) -> None:
    """Invoices became final (paid, numbered): the recipients are read once per
    organization, whatever the number of invoices."""
    by_org: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_org[invoice.organization_id].append(invoice)
    for group in by_org.values():
        organization = group[0].organization
        people = recipients(organization)
        for invoice in group:
            _send(
                people,
                template="invoice_final",
                context=_invoice_context(invoice, organization),
                attachment=AttachmentLater(
                    invoice_filename(invoice), PDF, INVOICE_PDF, str(invoice.pk)
                ),
            )


def credit_note_emails(note: CreditNote) -> None:
    """A credit note was issued for a refunded invoice."""
    invoice = note.invoice
    organization = invoice.organization
    _send(
        recipients(organization),
        template="credit_note_issued",
        context={
            "organization": organization,
            "number": note.legal_number,
            "invoice_number": str(invoice),
            "amount": Money(note.total, note.currency),
            "reason": note.reason,
            "url": reverse("invoices:detail", args=[invoice.pk]),
        },
        attachment=AttachmentLater(credit_note_filename(note), PDF, CREDIT_NOTE_PDF, str(note.pk)),
    )


def on_invoices_paid(sender: object, invoices: list[Invoice], **kwargs: object) -> None:
    """Receiver of ``billing.signals.invoices_paid``: the final-invoice e-mails."""
    invoice_final_emails(invoices)


def emails_connect() -> None:
    """Called once from ``BillingConfig.ready``: the final invoice is e-mailed when it
    becomes final (I7); the PDFs are registered by ``billing.documents.renderers_register``."""
    invoices_paid.connect(on_invoices_paid, dispatch_uid="billing.emails.invoice_final")
