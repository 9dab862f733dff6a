from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import PaymentMethod
from core.forms import MoneyField
from core.text import CleanTextForm
from wallet.models import WithdrawalDestination


def _key() -> str:
    return uuid.uuid4().hex


class MethodField(forms.CharField):
    """A field only one method needs (its widget's ``data-for-method``): optional
    for the others, yet its label does not say "(optional)" (core/forms/field.html)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.required_when = str(self.widget.attrs.get("data-for-method", ""))


class MethodFieldsForm(CleanTextForm):
    """Fields needed only for one method (``data-for-method``) are not optional
    for it: the label must not say "(optional)"; the service checks them.
    ``currency`` sets the conventions in which the amount is shown and read."""

    amount = MoneyField(label=_("Amount"))

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amount = self.fields["amount"]
        if isinstance(amount, MoneyField):
            amount.currency = currency


class CreditForm(MethodFieldsForm):
    """P1: the field reads the amount; the service applies the limits, so the rules live once."""

    method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[
            (PaymentMethod.CARD.value, PaymentMethod.CARD.label),
            (PaymentMethod.PAYPAL.value, PaymentMethod.PAYPAL.label),
            (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label),
        ],
        widget=forms.RadioSelect,
        initial=PaymentMethod.CARD.value,
    )
    card_number = MethodField(
        label=_("Card number"),
        max_length=30,
        required=False,
        help_text=_("Only for a card payment."),
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "data-for-method": "card"}
        ),
    )
    paypal_email = MethodField(
        label=_("PayPal e-mail address"),
        max_length=254,
        required=False,
        help_text=_("Only for a PayPal payment."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "data-for-method": "paypal"}),
    )
    # X5: generated with the form, so a double click or a resubmission credits once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=_key)


class WithdrawForm(MethodFieldsForm):
    destination = forms.ChoiceField(
        label=_("Send the money to"),
        choices=WithdrawalDestination.choices,
        widget=forms.RadioSelect,
        initial=WithdrawalDestination.IBAN.value,
    )
    iban = MethodField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        widget=forms.TextInput(attrs={"data-for-method": "iban"}),
    )
    holder_name = MethodField(
        label=_("Account holder"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "data-for-method": "iban"}),
    )
    paypal_email = MethodField(
        label=_("PayPal e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "data-for-method": "paypal"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=_key)
