"""X1: every catalog is complete, and the committed .mo files match their .po files.

CI extracts the strings again before running this test (`.ci/run`), so a new
string without its translations fails here."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("*/locale/*/LC_MESSAGES/django.po") if p.parts[-3] != "en")


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_there_are_catalogs_for_every_language():
    languages = {p.parts[-3] for p in CATALOGS}
    assert languages == {"es", "fr", "de", "it"}


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(po_path):
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parts[-3])
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(_strings(m)))]
    assert missing == [], f"untranslated or fuzzy in {po_path.relative_to(ROOT)}: {missing[:10]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalog_is_up_to_date(po_path):
    with po_path.open("rb") as handle:
        source = read_po(handle, locale=po_path.parts[-3])
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = read_mo(handle)
    expected = {_key(m.id): _key(m.string) for m in source if m.id and not m.fuzzy}
    actual = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert actual == expected, "run: python scripts/messages.py --compile"
