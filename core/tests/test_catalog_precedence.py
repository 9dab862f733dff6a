"""X1: Gestor's own translations win over every other catalog (issue 8).

Django merges the catalogs of every installed app; before LOCALE_PATHS listed
Gestor's, the admin's Italian "Log out" ("Annulla l'accesso") replaced ours, and
a msgid two of our apps translate differently (an invoice is "Anulada", a
product "Cancelado") came out in whichever app was loaded first. Such words now
carry a context, so each catalog entry is what the page shows."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["es", "fr", "de", "it"]


def _entries(language: str) -> list[tuple[str, str | None, str, str]]:
    """(catalog, context, msgid, translation) of every singular message of ours."""
    rows = []
    for po_path in sorted(ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if isinstance(message.id, str) and message.id and isinstance(message.string, str):
                app = str(po_path.relative_to(ROOT).parts[0])
                if message.string:
                    rows.append((app, message.context, message.id, message.string))
    return rows


def _runtime(language: str, context: str | None, msgid: str) -> str:
    with translation.override(language):
        return pgettext(context, msgid) if context else gettext(msgid)


@pytest.mark.parametrize(
    ("language", "context", "msgid", "expected"),
    [
        ("it", None, "Log out", "Esci"),
        ("es", "invoice status", "Cancelled", "Anulada"),
        ("es", "product status", "Cancelled", "Cancelado"),
        ("es", "invoice status filter", "All", "Todas"),
        ("es", None, "Change", "Cambiar"),
        ("fr", None, "Log out", "Se déconnecter"),
        ("fr", None, "Remove", "Supprimer"),
        ("de", None, "Save", "Speichern"),
        ("de", None, "History", "Verlauf"),
        ("it", None, "Remove", "Rimuovi"),
        ("it", None, "History", "Cronologia"),
    ],
)
def test_gestors_wording_is_what_the_pages_show(language, context, msgid, expected):
    assert _runtime(language, context, msgid) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_other_catalog_overrides_any_gestor_translation(language):
    overridden = [
        (app, context, msgid, ours, shown)
        for app, context, msgid, ours in _entries(language)
        if (shown := _runtime(language, context, msgid)) != ours
    ]
    assert overridden == [], f"{len(overridden)} overridden, e.g. {overridden[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_gestor_apps_never_translate_one_msgid_differently(language):
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for app, context, msgid, ours in _entries(language):
        seen[(context, msgid)][app] = ours
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert clashes == {}, "give the msgid a context (pgettext) or one wording"
