from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Flows")

    def ready(self) -> None:
        import flows.audit  # noqa: F401 - registers how order events read (core.audit)
        from flows.checkout import checkout_connect

        checkout_connect()  # billing's order settler and signals (billing never imports flows)
