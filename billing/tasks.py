from __future__ import annotations

from billing.export import export_send
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


@task()
def invoice_export_send_task(membership_id: int, options: dict[str, str], language: str) -> str:
    """I5: build the member's invoice export and e-mail it (attached, or a signed link)."""
    return export_send(membership_id=membership_id, options=options, language=language)
