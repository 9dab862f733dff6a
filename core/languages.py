"""Text in each of the panel's languages (X1), for facts written once and read
later in the reader's language: an invoice line keeps its wording in all five
languages from the moment it is issued (docs/decisions/0003)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.utils import translation


def texts_per_language(render: Callable[[], object]) -> dict[str, str]:
    """``{"es": …, "en": …, …}``: what ``render`` gives with each language active.

    ``render`` reads translated data (a plan's name) or translated strings
    (``gettext_lazy``) the way a page would.
    """
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())
    return texts


def text_in_language(texts: Mapping[str, str], default: str, language: str | None = None) -> str:
    """The text for ``language`` (the active one by default), else the fallback
    languages of catalog data (English, then Spanish), else ``default``."""
    code = (language or translation.get_language() or "").split("-")[0]
    for candidate in (code, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        text = texts.get(candidate)
        if text:
            return text
    return default
