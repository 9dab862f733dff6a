"""``{% load money %}`` then ``{{ invoice.total_money|money }}`` or ``{{ amount|money:"CHF" }}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core.money import Money, money_format

register = template.Library()


@register.filter(name="money")
def money_filter(value: Money | Decimal | None, currency: str | None = None) -> str:
    """Format for the current language (X1); an empty string for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        return money_format(value)
    if currency is None:
        raise template.TemplateSyntaxError("the money filter needs a currency for a bare amount")
    return money_format(Money(Decimal(value), currency))
