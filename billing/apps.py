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
        from billing.emails import on_invoices_paid
        from billing.signals import invoices_paid

        # I7: the final invoice is e-mailed once, when it becomes final.
        invoices_paid.connect(on_invoices_paid, dispatch_uid="billing.emails.invoice_final")
