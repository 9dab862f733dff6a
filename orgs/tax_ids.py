"""O4: VAT and company numbers, checked with python-stdnum for the organization's country."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

from core.errors import BusinessError

# Per country, the stdnum modules of numbers that identify an organization, tried
# after the country's VAT number ("vat").
_COMPANY_NUMBERS: dict[str, tuple[str, ...]] = {
    "ES": ("nif", "cif"),
    "CH": ("uid",),
    "LI": ("peid",),
    "DE": ("handelsregisternummer", "stnr"),
    "FR": ("siren", "siret"),
    "IT": ("iva", "codicefiscale"),
    "AT": ("businessid", "uid"),
    "BE": ("bce", "vat"),
    "PT": ("nif",),
    "NL": ("btw", "kvk"),
    "GB": ("vat", "utr"),
}


def _modules(country: str) -> list[Any]:
    cc = country.lower()
    names = ("vat", *_COMPANY_NUMBERS.get(country.upper(), ()))
    modules: list[Any] = []
    for name in names:
        try:
            module = get_cc_module(cc, name)
        except (ImportError, ValueError):
            module = None
        if module is not None and module not in modules:
            modules.append(module)
    return modules


def tax_id_clean(value: str, *, country: str) -> str:
    """The number in its compact form, or BusinessError when it is not valid for ``country``."""
    value = value.strip()
    if not value:
        return ""
    if len(value) > 40 or not re.fullmatch(r"[A-Za-z0-9 .\-/]+", value):
        raise BusinessError(
            _("This VAT or company number contains characters it cannot have."), field="tax_id"
        )
    if not country:
        raise BusinessError(
            _("Please choose the country first: the number is checked for it."), field="tax_id"
        )
    modules = _modules(country)
    if not modules:
        # stdnum knows no number of this country: keep it as written.
        return value
    for module in modules:
        try:
            compact = str(module.validate(value))
        except (StdnumError, ValueError, TypeError):
            continue
        formatter = getattr(module, "format", None)
        return str(formatter(compact)) if formatter else compact
    raise BusinessError(
        _("This is not a valid VAT or company number for the chosen country."), field="tax_id"
    )


# VAT numbers are written with their country's prefix; Greece's is EL (EU VIES).
_VAT_PREFIX = {"GR": "EL"}


def vat_number_checked(value: str, *, country: str) -> str | None:
    """S4: ``value`` as a VAT number of ``country`` written with its prefix
    ("DE136695976"), or None when its format is not valid for the country.

    Only the country's VAT number counts (python-stdnum's ``vat`` module of that
    country, check digits included): a company number that is no VAT number, or
    a country for which stdnum knows no VAT number, gives None.
    """
    value = value.strip()
    if not value or not country or len(value) > 40:
        return None
    try:
        module = get_cc_module(country.lower(), "vat")
    except (ImportError, ValueError):
        return None
    if module is None:
        return None
    try:
        compact = str(module.validate(value)).upper()
    except (StdnumError, ValueError, TypeError):
        return None
    prefix = _VAT_PREFIX.get(country.upper(), country.upper())
    return compact if compact.startswith(prefix) else prefix + compact
