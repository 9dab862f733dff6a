"""The back office's admin site: every form it shows applies the text rule of
``core.text`` (single-line inputs refuse line breaks and control characters;
text areas keep line breaks), whichever app registers the model."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig

from core.text import CleanTextFormMixin


def _clean(form: type) -> type:
    if issubclass(form, CleanTextFormMixin):
        return form
    return type(form.__name__, (CleanTextFormMixin, form), {"__module__": form.__module__})


def _with_clean_forms(admin_class: type) -> type:
    attrs: dict[str, Any] = {
        "__module__": admin_class.__module__,
        "form": _clean(admin_class.form),  # type: ignore[attr-defined]
        "inlines": [
            type(inline.__name__, (inline,), {"form": _clean(inline.form)})
            for inline in admin_class.inlines  # type: ignore[attr-defined]
        ],
    }
    if hasattr(admin_class, "add_form"):
        attrs["add_form"] = _clean(admin_class.add_form)
    return type(admin_class.__name__, (admin_class,), attrs)


class GestorAdminSite(AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        super().register(model_or_iterable, _with_clean_forms(admin_class or ModelAdmin), **options)


class GestorAdminConfig(AdminConfig):
    default_site = "core.admin_site.GestorAdminSite"
