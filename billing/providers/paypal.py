"""PayPal with the test provider's shape: an address at ``decline.test`` is declined,
one at ``noanswer.test`` is never answered (the payment expires, like the test
card ``4000 0000 0000 0119``); any other address is accepted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from billing.models import Payment
from billing.providers.base import PaymentProvider, ProviderStart
from billing.providers.testcard import schedule_test_event
from core.errors import BusinessError


def paypal_email_clean(raw: str) -> str:
    email = (raw or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise BusinessError(
            _("Enter a valid PayPal e-mail address."), code="paypal_email", field="paypal_email"
        ) from None
    return email


class PayPalProvider(PaymentProvider):
    code = "paypal"

    def validate(self, details: dict[str, Any]) -> None:
        paypal_email_clean(str(details.get("paypal_email", "")))

    def start(self, payment: Payment, details: dict[str, Any]) -> ProviderStart:
        email = paypal_email_clean(str(details.get("paypal_email", ""))).lower()
        if not email.endswith("@noanswer.test"):
            schedule_test_event(
                payment, provider=self.code, succeeded=not email.endswith("@decline.test")
            )
        return ProviderStart(status="pending")
