"""X5: money is exact, rounded in one place, never mixed across currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BusinessError
from core.money import CurrencyMismatch, Money, money_format, money_parse, quantize


def test_it_rounds_half_up_to_two_places():
    assert quantize(Decimal("0.005"), "CHF") == Decimal("0.01")
    assert quantize(Decimal("0.004"), "EUR") == Decimal("0.00")
    assert quantize(Decimal("-0.005"), "EUR") == Decimal("-0.01")
    assert Money(Decimal("1.235"), "CHF").amount == Decimal("1.24")


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        Money(1.5, "CHF")
    with pytest.raises(TypeError):
        Money(Decimal("1"), "CHF") * 1.5  # type: ignore[operator]


def test_it_refuses_mixing_currencies():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "CHF") + Money(Decimal("1"), "EUR")
    with pytest.raises(CurrencyMismatch):
        assert Money(Decimal("1"), "CHF") < Money(Decimal("2"), "EUR")


def test_it_refuses_an_unknown_currency():
    with pytest.raises(ValueError):
        Money(Decimal("1"), "USD")


def test_it_adds_and_subtracts_in_one_currency():
    total = Money(Decimal("10.10"), "EUR") + Money(Decimal("0.20"), "EUR")
    assert total == Money(Decimal("10.30"), "EUR")
    assert (total - Money(Decimal("20"), "EUR")).is_negative


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25", "25.00"),
        ("25.5", "25.50"),
        ("1234,50", "1234.50"),
        ("1’234.50", "1234.50"),
        ("1'234.50", "1234.50"),
        (" 10.00 ", "10.00"),
        (Decimal("7.10"), "7.10"),
        (12, "12.00"),
    ],
)
def test_it_parses_what_people_type(text, expected):
    assert money_parse(text, "CHF").amount == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1.234",
        "10.001",
        "NaN",
        "inf",
        "-Infinity",
        "1e3",
        "0x10",
        "1.2.3",
        "1 000 000 000 000",
        "9" * 30,
        1.5,
        True,
        None,
        Decimal("NaN"),
        Decimal("1.001"),
    ],
)
def test_it_refuses_bad_input(text):
    with pytest.raises(BusinessError) as error:
        money_parse(text, "EUR")
    assert error.value.field == "amount"


@pytest.mark.parametrize("text", ["0", "0.00", "-5", "-0.01"])
def test_it_refuses_zero_and_negative_amounts(text):
    with pytest.raises(BusinessError, match="greater than zero"):
        money_parse(text, "EUR")


def test_it_refuses_absurd_sizes():
    with pytest.raises(BusinessError, match="too large"):
        money_parse("1000000000", "EUR")


def test_it_refuses_a_wrong_currency():
    with pytest.raises(BusinessError) as error:
        money_parse("10", "USD")
    assert error.value.code == "currency"


def test_it_applies_limits_with_a_formatted_message():
    with translation.override("en"):
        with pytest.raises(BusinessError, match="minimum"):
            money_parse("5", "CHF", minimum=Decimal("10"))
        with pytest.raises(BusinessError, match="maximum"):
            money_parse("5000.01", "CHF", maximum=Decimal("5000"))


def test_it_translates_errors():
    with translation.override("es"):
        with pytest.raises(BusinessError) as error:
            money_parse("abc", "EUR")
        assert "importe" in str(error.value)


def test_it_formats_for_the_locale():
    assert money_format(Money(Decimal("1234.5"), "CHF"), language="de") == "CHF\xa01’234.50"
    assert money_format(Money(Decimal("1234.5"), "EUR"), language="es") == "1.234,50\xa0€"
    assert money_format(Money(Decimal("1234.5"), "EUR"), language="fr") == "1\u202f234,50\xa0€"


def test_the_template_filter_formats_in_the_current_language():
    template = Template("{% load money %}{{ m|money }} {{ a|money:'EUR' }}")
    with translation.override("de"):
        rendered = template.render(
            Context({"m": Money(Decimal("1234.5"), "CHF"), "a": Decimal("2")})
        )
    assert rendered == "CHF\xa01’234.50 2,00\xa0€"


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2))
def test_parse_reads_back_any_formatted_plain_amount(amount):
    assert money_parse(f"{amount:f}", "CHF").amount == amount


@given(
    st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=2), max_size=20),
)
def test_sums_are_exact(amounts):
    total = Money.zero("EUR")
    for amount in amounts:
        total = total + Money(amount, "EUR")
    assert total.amount == sum(amounts, Decimal(0))
