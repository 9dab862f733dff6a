"""O4, O5: the business rules of an organization's details and postal addresses,
applied by the services (``org_update``, ``billing_address_add``/``_update``), so the
pages and the API refuse the same values with the same translated messages.

- phone numbers: valid for the organization's country (or with their country code),
  stored in E.164;
- postcodes: the country's format, with django-localflavor's rules where it has
  them, else a generic shape (letters, digits, inner spaces and hyphens);
- countries: one of the list; VAT and company numbers: ``orgs.tax_ids``;
- the accounting e-mail address (I7): one plain address (Django's EmailValidator),
  at most 254 characters, stored with its domain in lower case.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django_countries import countries

from core.errors import BusinessError
from core.text import text_refusal

# Countries whose postcodes follow a neighbour's format (localflavor has no module).
_SAME_POSTCODES = {"LI": "CH", "MC": "FR", "SM": "IT", "VA": "IT", "AD": "ES"}
# Elsewhere: 2 to 10 letters and digits, with single spaces or hyphens inside.
_GENERIC_POSTCODE = re.compile(r"[A-Z0-9]+(?:[ -][A-Z0-9]+)*")


def country_clean(value: str, *, field: str = "country", required: bool = False) -> str:
    country = value.strip().upper()
    if not country and not required:
        return ""
    if country not in dict(countries):
        raise BusinessError(_("Please choose a country from the list."), field=field)
    return country


def phone_clean(value: str, *, country: str) -> str:
    """The number in E.164 (``+41441234567``), or "" for none."""
    raw = value.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, country.upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise BusinessError(
            _("This is not a valid phone number. Include the country code, e.g. +34."),
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@cache
def _postcode_field(country: str) -> forms.Field | None:
    """django-localflavor's postcode field of ``country``, or None where it has none."""
    country = _SAME_POSTCODES.get(country, country)
    try:
        module = importlib.import_module(f"localflavor.{country.lower()}.forms")
    except ImportError:
        return None
    pattern = re.compile(r"[A-Z]{2,3}(?:Zip|Postal|Post)[Cc]ode(?:Form)?Field")
    for name in sorted(dir(module)):
        if pattern.fullmatch(name):
            field: forms.Field = getattr(module, name)()
            return field
    return None


def postcode_clean(value: str, *, country: str, required: bool = False) -> str:
    """The postcode in the country's usual form (e.g. ``SW1A 1AA``, ``8001``), or
    BusinessError when it cannot be one of ``country`` (e.g. ``-1`` in Switzerland)."""
    postcode = " ".join(value.split()).upper()
    if not postcode:
        if required:
            raise BusinessError(_("This field is required."), field="postcode")
        return ""
    country = country.upper()
    field = _postcode_field(country) if country else None
    if field is not None:
        try:
            return str(field.clean(postcode))
        except ValidationError:
            pass
    elif 2 <= len(postcode) <= 10 and _GENERIC_POSTCODE.fullmatch(postcode):
        return postcode
    name = dict(countries).get(country)
    if name:
        message = _("This is not a valid postcode for %(country)s.") % {"country": name}
    else:
        message = _("This is not a valid postcode.")
    raise BusinessError(message, field="postcode")


EMAIL_MAX_LENGTH = 254
_email_validator = EmailValidator()


def accounting_email_clean(value: str) -> str:
    """I7: the organization's accounting address, or "" for none. One plain address
    (no display name, no list), its domain in lower case (the local part is kept as
    typed: it may be case-sensitive)."""
    refusal = text_refusal(value)
    if refusal is not None:
        raise BusinessError(refusal, field="accounting_email")
    email = value.strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    email = f"{local}{at}{domain.lower()}"
    try:
        _email_validator(email)
    except ValidationError:
        email = ""
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise BusinessError(
            _("Enter one e-mail address, like accounting@example.com, without a name or a list."),
            field="accounting_email",
        )
    return email
