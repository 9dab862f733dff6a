from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        import orgs.audit_log  # noqa: F401 - registers how organization events read (core.audit)
