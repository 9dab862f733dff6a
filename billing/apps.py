from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # How invoice and payment events read (core.audit); the check of the seller's
        # QR-bill details (billing.E001); the invoice e-mails: their PDFs made when
        # they are sent, and the final invoice e-mailed once, when it becomes final (I7).
        import billing.audit
        import billing.documents
        import billing.emails
        import billing.qr_bill

        billing.documents.renderers_register()
        billing.emails.emails_connect()
