from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = _("Prepaid account")

    def ready(self) -> None:
        import wallet.audit  # noqa: F401 - registers how prepaid account events read (core.audit)
        from orgs.currency_change import currency_change_notes_register
        from wallet.queries import prepaid_currency_change_notes

        # O5: the organization's edit form says what becomes of the balance.
        currency_change_notes_register(prepaid_currency_change_notes)
