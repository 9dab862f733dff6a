"""What every app's forms share: the money field, and how a service's refusal shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from core.errors import BusinessError
from core.money import amount_input_format, amount_localized_parse


class MoneyInput(forms.TextInput):
    """A text input (not ``type=number``, which would impose the browser's
    locale) that brings up a keyboard with a decimal mark on phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "decimal", "autocomplete": "off", "maxlength": "24", **(attrs or {})}
        )


class MoneyField(forms.CharField):
    """X1: every amount input. Shows an amount and reads what is typed in the
    reader's conventions (``104,50`` in es, ``104.50`` in en; see
    ``core.money.amount_localized_parse``); cleans to a ``Decimal``, leaving the
    limits to the service. The form sets ``currency`` (the conventions of
    de-CH for CHF differ from de-DE's)."""

    widget = MoneyInput

    def __init__(self, *, currency: str = "EUR", **kwargs: Any) -> None:
        # No max_length: its validator would measure the cleaned Decimal; the
        # parser refuses long input itself.
        super().__init__(**kwargs)
        self.currency = currency

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return amount_input_format(value, currency=self.currency)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return amount_localized_parse(text, currency=self.currency)
        except BusinessError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


def form_error_add(form: forms.BaseForm, error: BusinessError) -> None:
    """Show a service's refusal on the form: under its field when the form has that
    field, otherwise at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
