"""The shop's forms: they allow-list and read the fields; the cart services
(shop/services.py) hold every rule and give the reasons (S1–S3)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import PaymentMethod
from core.forms import MoneyField
from core.text import CleanTextForm
from shop.models import MAX_QUANTITY


def _key() -> str:
    return uuid.uuid4().hex


class LineAddForm(CleanTextForm):
    """S1: a plan, a billing period, a quantity and what the offer asks for."""

    plan = forms.CharField(max_length=20)
    period_months = forms.CharField(label=_("Billing frequency"), max_length=5)
    quantity = forms.CharField(label=_("Quantity"), max_length=5, required=False)
    domain = forms.CharField(max_length=300, required=False)


class LineUpdateForm(CleanTextForm):
    period_months = forms.CharField(label=_("Billing frequency"), max_length=5, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=5, required=False)


class PaymentMethodForm(CleanTextForm):
    """S2: the payment method is chosen first."""

    method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )


class PromoCodeForm(CleanTextForm):
    """S2: one code per submit (Apply)."""

    code = forms.CharField(label=_("Promo code"), max_length=100)


class GrantForm(CleanTextForm):
    """S3: a grant of the organization for a line; empty removes it."""

    grant = forms.CharField(max_length=20, required=False)


class CheckoutForm(CleanTextForm):
    """S4, P2: place the order; the prepaid account may pay part, the method the rest.

    X5: the key is generated with the form, so a double click orders once.
    """

    prepaid_amount = MoneyField(
        label=_("Amount from the prepaid account"),
        required=False,
        help_text=_("Optional. The rest is paid with the method chosen above."),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    paypal_email = forms.CharField(
        label=_("PayPal e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=_key)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amount = self.fields["prepaid_amount"]
        if isinstance(amount, MoneyField):
            amount.currency = currency


def quantity_choices() -> range:
    return range(1, MAX_QUANTITY + 1)
