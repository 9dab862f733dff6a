"""The one interface every payment provider implements (X5).

A provider starts a payment (``start``) and later tells Gestor the outcome by a
signed webhook, verified here with HMAC-SHA256 over the raw body
(``Gestor-Signature: sha256=<hex>``) and deduplicated by event id in
``billing.services.webhook_receive``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings

if TYPE_CHECKING:
    from billing.models import Payment

SIGNATURE_HEADER = "Gestor-Signature"


@dataclass
class ProviderStart:
    """What the page shows after starting a payment."""

    status: str  # "pending" (wait for the webhook or the transfer)
    instructions: dict[str, str] = field(default_factory=dict)


def webhook_secret(provider: str) -> bytes:
    secrets_by_provider: dict[str, str] = settings.PAYMENT_WEBHOOK_SECRETS
    return secrets_by_provider[provider].encode()


def webhook_sign(provider: str, body: bytes) -> str:
    digest = hmac.new(webhook_secret(provider), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_signature_valid(provider: str, body: bytes, signature: str) -> bool:
    if not webhook_secret(provider):
        return False
    return hmac.compare_digest(webhook_sign(provider, body), signature or "")


def simulated_event_body(*, reference: str, kind: str, amount: str, currency: str) -> bytes:
    return json.dumps(
        {
            "id": f"evt_{secrets.token_hex(12)}",
            "type": kind,
            "data": {"reference": reference, "amount": amount, "currency": currency},
        },
        sort_keys=True,
    ).encode()


class PaymentProvider:
    code: ClassVar[str]
    webhooks: ClassVar[bool] = True

    def reference_new(self) -> str:
        return f"{self.code[:2]}_{secrets.token_hex(10)}"

    def validate(self, details: dict[str, Any]) -> None:
        """Raise BusinessError (with ``field``) when the payer's details are unusable."""

    def start(self, payment: Payment, details: dict[str, Any]) -> ProviderStart:
        raise NotImplementedError
