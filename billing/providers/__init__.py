"""Payment providers behind one interface (``base.PaymentProvider``)."""

from __future__ import annotations

from billing.providers.bank import BankTransferProvider
from billing.providers.base import PaymentProvider
from billing.providers.paypal import PayPalProvider
from billing.providers.testcard import TestCardProvider

PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider
    for provider in (TestCardProvider(), BankTransferProvider(), PayPalProvider())
}


def provider_for(method: str) -> PaymentProvider:
    return PROVIDERS[method]
