"""Money (X5): a Decimal amount with its currency, never a float.

- ``quantize`` is the one place where amounts are rounded: two places,
  ROUND_HALF_UP, for both CHF and EUR (invoices do not use the Swiss 5-centime
  cash rounding).
- Arithmetic between two currencies raises ``CurrencyMismatch``.
- ``money_parse`` reads what a user or an API client typed, strictly: no floats,
  no more than two decimals, no NaN or infinity, no absurd sizes; errors are
  ``BusinessError`` with a translated message.
- ``amount_localized_parse`` reads what a person typed in a form, in the
  reader's conventions (``104,50`` and ``1.234,50`` in es/de/it/fr, ``104.50``
  and ``1,234.50`` in en); ``amount_input_format`` writes a prefilled amount the
  same way. ``core.forms.MoneyField`` uses both for every amount input.
- ``money_format`` writes an amount the way the reader's locale does
  (``CHF 1’234.50`` in de-CH, ``1.234,50 €`` in es-ES); templates use the
  ``money`` filter from ``{% load money %}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency, format_decimal, get_decimal_symbol
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError

CURRENCIES = ("CHF", "EUR")
_PLACES = {"CHF": Decimal("0.01"), "EUR": Decimal("0.01")}
# Database columns hold 14 digits with 2 decimals; nobody credits a billion.
MAX_AMOUNT = Decimal("999999999.99")
MAX_DIGITS = 14
DECIMAL_PLACES = 2

# What a user may type: digits, an optional group separator every three digits
# (' ’ or a space, never "." or ","), then "." or "," and at most two decimals.
_INPUT = re.compile(r"^\d{1,3}(?:[ '’]?\d{3})*(?:[.,]\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")


class CurrencyMismatch(TypeError):
    """Two amounts in different currencies met in one operation."""


def currency_check(currency: str) -> str:
    if currency not in CURRENCIES:
        raise BusinessError(
            _("The currency %(currency)s is not accepted.") % {"currency": currency},
            code="currency",
            field="currency",
        )
    return currency


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's minor unit, half up (the one rounding rule)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money amounts are Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError("money amounts are finite")
    return amount.quantize(_PLACES[currency], rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in CURRENCIES:
            raise ValueError(f"unknown currency {self.currency!r}")
        if isinstance(self.amount, float) or not isinstance(self.amount, Decimal | int):
            raise TypeError(f"money amounts are Decimal, not {type(self.amount).__name__}")
        object.__setattr__(self, "amount", quantize(Decimal(self.amount), self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0"), currency)

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError("money only combines with money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float) or not isinstance(factor, Decimal | int):
            raise TypeError("money is multiplied by a Decimal or an int")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def _cmp(self, other: Money) -> tuple[Decimal, Decimal]:
        return self.amount, self._same(other).amount

    def __lt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a >= b

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return money_format(self)

    @property
    def is_negative(self) -> bool:
        return self.amount < 0


def money_sum(items: Any, currency: str) -> Money:
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


def money_parse(
    value: object,
    currency: str,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    field: str = "amount",
) -> Money:
    """A positive amount typed by a user or sent by an API client, or a BusinessError.

    Accepts ``str`` (``1234.50``, ``1234,50``, ``1’234.50``), ``Decimal`` and ``int``;
    refuses floats, negatives, zero, more than two decimals, NaN, infinity and
    anything above ``MAX_AMOUNT`` (or ``maximum``) or below ``minimum``.
    """
    currency_check(currency)
    invalid = _amount_invalid(field, example="25.00")
    if isinstance(value, bool | float):
        raise invalid
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise invalid
        exponent = value.as_tuple().exponent
        if (
            isinstance(exponent, int)
            and exponent < -DECIMAL_PLACES
            and value != quantize(value, currency)
        ):
            raise invalid
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 20 or not _INPUT.match(text):
            if text.startswith("-"):
                raise BusinessError(
                    _("The amount must be greater than zero."), code="amount", field=field
                )
            raise invalid
        normalized = re.sub(r"[ '’]", "", text).replace(",", ".")
        try:
            amount = Decimal(normalized)
        except InvalidOperation:
            raise invalid from None
    else:
        raise invalid
    if amount <= 0:
        raise BusinessError(_("The amount must be greater than zero."), code="amount", field=field)
    if amount > MAX_AMOUNT:
        raise BusinessError(_("The amount is too large."), code="amount", field=field)
    money = Money(amount, currency)
    if minimum is not None and money.amount < minimum:
        raise BusinessError(
            _("The minimum amount is %(amount)s.")
            % {"amount": money_format(Money(minimum, currency))},
            code="amount_min",
            field=field,
        )
    if maximum is not None and money.amount > maximum:
        raise BusinessError(
            _("The maximum amount is %(amount)s.")
            % {"amount": money_format(Money(maximum, currency))},
            code="amount_max",
            field=field,
        )
    return money


def _amount_invalid(field: str, *, example: str) -> BusinessError:
    return BusinessError(
        _("Enter an amount such as %(example)s, with at most two decimals.") % {"example": example},
        code="amount",
        field=field,
    )


# Group separators a person may type besides "." and ",": spaces (also the
# no-break ones babel writes for fr) and apostrophes (de-CH).
_SPACES_AND_APOSTROPHES = " '’\u00a0\u202f"
_TYPED = re.compile("^[0-9.," + _SPACES_AND_APOSTROPHES + "]+$")
_CURRENCY_MARKS = re.compile(r"^(?:€|EUR|CHF|Fr\.)\s*|\s*(?:€|EUR|CHF|Fr\.)$", re.IGNORECASE)


def amount_localized_parse(text: str, *, currency: str, field: str = "amount") -> Decimal:
    """X1: a positive amount typed in a form, read in the reader's conventions.

    Both "." and "," are understood as the decimal mark when one of them is
    followed by one or two digits (``104,50`` and ``104.50`` are the same
    everywhere); when both appear, the last one is the decimal mark
    (``1.234,50``, ``1,234.50``). A lone separator followed by exactly three
    digits is ambiguous: it is read as the locale reads it (``1.234`` is 1234
    in Spanish, and three decimals — refused — in English). Anything else
    (``1.2.3``, ``12,34,56``, letters) is refused with an example written the
    reader's way. Limits and positivity are ``money_parse``'s.
    """
    locale = locale_for(currency)
    example = amount_input_format(Decimal("25"), currency=currency)
    invalid = _amount_invalid(field, example=example)
    raw = _CURRENCY_MARKS.sub("", (text or "").strip()).strip()
    if raw.startswith("-"):
        raise BusinessError(_("The amount must be greater than zero."), code="amount", field=field)
    if not raw or len(raw) > 24 or not _TYPED.match(raw):
        raise invalid
    marks = [char for char in raw if char in ".,"]
    decimal_mark = ""
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        if marks.count(decimal_mark) > 1:
            raise invalid
    elif len(marks) == 1:
        after = raw.rsplit(marks[0], 1)[1]
        locale_decimal = get_decimal_symbol(locale)
        if len(after) != 3 or marks[0] == locale_decimal:
            decimal_mark = marks[0]
    whole, _sep, fraction = raw.partition(decimal_mark) if decimal_mark else (raw, "", "")
    if decimal_mark and not re.fullmatch(r"\d{1,2}", fraction):
        raise invalid
    group_marks = {char for char in whole if not char.isdigit()}
    if len(group_marks) > 1:
        raise invalid
    if group_marks:
        mark = re.escape(group_marks.pop())
        if not re.fullmatch(r"\d{1,3}(?:" + mark + r"\d{3})+", whole):
            raise invalid
    digits = re.sub(r"\D", "", whole)
    if not digits:
        raise invalid
    return Decimal(f"{digits}.{fraction or '0'}")


def amount_input_format(amount: Decimal, *, currency: str) -> str:
    """An amount to prefill a form with, the reader's way and without grouping
    (``104,50`` in es, ``104.50`` in en and de-CH), so that it reads back as is."""
    return str(format_decimal(amount, format="0.00", locale=locale_for(currency)))


# The language decides the conventions; for CHF the Swiss variant where one exists.
_LOCALES = {
    "CHF": {"de": "de_CH", "fr": "fr_CH", "it": "it_CH", "en": "en_CH", "es": "es_ES"},
    "EUR": {"de": "de_DE", "fr": "fr_FR", "it": "it_IT", "en": "en_IE", "es": "es_ES"},
}


def locale_for(currency: str, language: str | None = None) -> str:
    language = (language or translation.get_language() or "en").split("-")[0].lower()
    return _LOCALES.get(currency, _LOCALES["EUR"]).get(language, "en_CH")


def money_format(money: Money, *, language: str | None = None, locale: str | None = None) -> str:
    """``CHF 1’234.50`` (de-CH), ``1.234,50 €`` (es-ES): babel, for the reader's language."""
    return str(
        format_currency(
            money.amount, money.currency, locale=locale or locale_for(money.currency, language)
        )
    )
