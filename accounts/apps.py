from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        import accounts.audit  # noqa: F401 - registers how account events read (core.audit)
        from accounts import receivers

        receivers.connect()
