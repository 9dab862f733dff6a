"""Bank transfer: the payment request waits for the money.

A support agent marks it paid in the back office, or ``manage.py
bank_transfers_import`` does it from the bank's statement.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings

from billing.models import Payment
from billing.providers.base import PaymentProvider, ProviderStart
from billing.qr_bill import structured_reference_display


class BankTransferProvider(PaymentProvider):
    code = "bank_transfer"
    webhooks = False

    def reference_new(self) -> str:
        # Short enough to type into a bank transfer's message; two letters, a dash and
        # hexadecimal digits, which billing.qr_bill's creditor reference relies on.
        return f"GS-{secrets.token_hex(4).upper()}"

    def start(self, payment: Payment, details: dict[str, Any]) -> ProviderStart:
        return ProviderStart(status="pending", instructions=transfer_instructions(payment))


def transfer_instructions(payment: Payment) -> dict[str, str]:
    """What the payer types into their bank's transfer form (shown again on every visit)."""
    return {
        "iban": settings.SELLER["iban"],
        "beneficiary": settings.SELLER["name"],
        "reference": payment.reference,
        # I4: the ISO 11649 creditor reference (RF…) of the same reference.
        "structured_reference": structured_reference_display(payment.reference),
    }
