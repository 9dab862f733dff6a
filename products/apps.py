from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        import products.audit  # noqa: F401 - registers how product events read (core.audit)
