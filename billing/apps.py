from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # How invoice and payment events read (core.audit); the check of the seller's
        # QR-bill details (billing.E001).
        import billing.audit
        import billing.qr_bill  # noqa: F401
        from billing.documents import credit_note_pdf, invoice_pdf
        from billing.emails import CREDIT_NOTE_PDF, INVOICE_PDF, on_invoices_paid
        from billing.models import CreditNote, Invoice
        from billing.signals import invoices_paid
        from core.outbox import attachment_renderer_register

        # I7: the PDFs attached to invoice e-mails are made when the e-mail is sent.
        attachment_renderer_register(
            INVOICE_PDF, lambda pk: invoice_pdf(Invoice.objects.get(pk=int(pk)))
        )
        attachment_renderer_register(
            CREDIT_NOTE_PDF, lambda pk: credit_note_pdf(CreditNote.objects.get(pk=int(pk)))
        )

        # I7: the final invoice is e-mailed once, when it becomes final.
        invoices_paid.connect(on_invoices_paid, dispatch_uid="billing.emails.invoice_final")
