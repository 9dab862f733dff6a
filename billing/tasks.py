from __future__ import annotations

from billing.services import payments_expire
from core.background import task


@task()
def webhook_test_deliver_task(provider: str, body: str) -> str:
    """The test providers' side: sign the event and hand it to Gestor's webhook receiver."""
    from billing.providers.base import webhook_sign
    from billing.services import webhook_receive

    raw = body.encode()
    return webhook_receive(provider=provider, body=raw, signature=webhook_sign(provider, raw))


@task()
def payments_expire_task() -> int:
    """Beat: expire the card and PayPal payments their provider never answered."""
    return payments_expire()
