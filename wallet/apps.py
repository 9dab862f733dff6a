from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = _("Prepaid account")

    def ready(self) -> None:
        import wallet.audit  # noqa: F401 - registers how prepaid account events read (core.audit)

        # Registers the prepaid account's notes for a change of currency (O5).
        from wallet import queries  # noqa: F401
