"""Extract translatable strings per app (needs GNU gettext) and compile catalogs.

    python scripts/messages.py            # extract, then compile
    python scripts/messages.py --compile  # compile only (no gettext needed: uses babel)

Each app keeps its own catalogs in <app>/locale, so work on separate apps never
touches the same .po file. Compiled .mo files are committed, so a fresh clone
runs translated without gettext.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["es", "en", "fr", "de", "it"]


def apps() -> list[Path]:
    return sorted(p.parent for p in ROOT.glob("*/apps.py") if p.parent.name != ".venv")


def extract(app: Path) -> None:
    (app / "locale").mkdir(exist_ok=True)
    args = [
        sys.executable,
        str(ROOT / "manage.py"),
        "makemessages",
        "--no-obsolete",
        "--no-location",
    ]
    for lang in LANGUAGES:
        args += ["-l", lang]
    for domain, extensions in (("django", "html,txt,py"), ("djangojs", "js")):
        if domain == "djangojs" and not any(app.rglob("*.js")):
            continue
        subprocess.run(
            [*args, "-d", domain, "-e", extensions],
            cwd=app,
            check=True,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )


def compile_all() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compile", action="store_true", help="compile only")
    options = parser.parse_args()
    if not options.compile:
        for app in apps():
            extract(app)
    print(f"compiled {compile_all()} catalogs")


if __name__ == "__main__":
    main()
