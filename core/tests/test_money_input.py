"""X1: amounts are shown and read in the reader's conventions, by one field
(``core.forms.MoneyField``) that every amount input uses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BusinessError
from core.forms import MoneyField
from core.money import amount_input_format, amount_localized_parse

COMMA_LANGUAGES = ["es", "fr", "de", "it"]


def parse(text: str, language: str, currency: str = "EUR") -> Decimal:
    with translation.override(language):
        return amount_localized_parse(text, currency=currency)


@pytest.mark.parametrize("language", COMMA_LANGUAGES)
@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("104,50", "104.50"),
        ("104.50", "104.50"),
        ("104,5", "104.50"),
        ("104", "104"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u202f234,50", "1234.50"),
        ("104,50 €", "104.50"),
    ],
)
def test_comma_languages_accept_either_decimal_mark(language, typed, amount):
    assert parse(typed, language) == Decimal(amount)


@pytest.mark.parametrize("language", ["es", "de", "it"])
def test_a_dot_before_three_digits_groups_thousands_where_the_comma_is_decimal(language):
    assert parse("1.234", language) == Decimal("1234")


def test_english_reads_a_comma_before_three_digits_as_thousands():
    assert parse("1,234", "en") == Decimal("1234")
    assert parse("104,50", "en") == Decimal("104.50")


@pytest.mark.parametrize("language", [*COMMA_LANGUAGES, "en"])
@pytest.mark.parametrize(
    "typed", ["1.2.3", "12,34,56", "1,,2", "104,", "1,23.45", "1.234,5,6", "abc", "1 2", "1e5"]
)
def test_garbage_is_refused_with_an_example_written_the_readers_way(language, typed):
    with pytest.raises(BusinessError) as caught:
        parse(typed, language)
    example = "25.00" if language == "en" else "25,00"
    with translation.override(language):
        assert example in str(caught.value)


def test_three_decimals_are_refused_where_the_mark_is_a_decimal_mark():
    with pytest.raises(BusinessError):
        parse("1,234", "es")
    with pytest.raises(BusinessError):
        parse("1.234", "en")


def test_a_negative_amount_says_so():
    with pytest.raises(BusinessError, match="greater than zero"):
        parse("-5,00", "es")


def test_swiss_german_reads_and_writes_chf_with_a_dot():
    assert parse("1’234.50", "de", "CHF") == Decimal("1234.50")
    with translation.override("de"):
        assert amount_input_format(Decimal("104.5"), currency="CHF") == "104.50"
        assert amount_input_format(Decimal("104.5"), currency="EUR") == "104,50"


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
    language=st.sampled_from(["es", "en", "fr", "de", "it"]),
    currency=st.sampled_from(["CHF", "EUR"]),
)
def test_what_is_prefilled_reads_back_as_the_same_amount(amount, language, currency):
    with translation.override(language):
        shown = amount_input_format(amount, currency=currency)
        assert amount_localized_parse(shown, currency=currency) == amount


class AmountForm(forms.Form):
    amount = MoneyField(label="Amount")


def test_the_field_prefills_and_cleans_in_the_readers_conventions():
    with translation.override("es"):
        unbound = AmountForm(initial={"amount": Decimal("104.50")})
        assert 'value="104,50"' in str(unbound["amount"])
        assert 'inputmode="decimal"' in str(unbound["amount"])
        bound = AmountForm({"amount": "1.234,56"})
        assert bound.is_valid() and bound.cleaned_data["amount"] == Decimal("1234.56")
        refused = AmountForm({"amount": "12,34,56"})
        assert not refused.is_valid()
        assert "25,00" in refused.errors["amount"][0]
