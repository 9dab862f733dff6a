"""X5: the webhook endpoint verifies the signature and deduplicates events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Payment, PaymentMethod, PaymentPurpose
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import payment_start
from core.money import Money
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    org = OrganizationFactory()
    payment, _ = payment_start(
        organization=org,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal("30"), "EUR"),
        idempotency_key="k",
        acting=None,
    )
    Payment.objects.filter(pk=payment.pk).update(method=PaymentMethod.CARD)
    payment.refresh_from_db()
    return payment


def _post(client, body: bytes, signature: str, provider: str = "card"):
    return client.post(
        f"/billing/webhooks/{provider}/",
        data=body,
        content_type="application/json",
        headers={"Gestor-Signature": signature},
    )


def test_a_signed_event_credits_once(client, pending):
    body = simulated_event_body(
        reference=pending.reference, kind="payment.succeeded", amount="30.00", currency="EUR"
    )
    assert _post(client, body, webhook_sign("card", body)).json() == {"status": "processed"}
    assert _post(client, body, webhook_sign("card", body)).json() == {"status": "duplicate"}
    assert prepaid_balance(organization=pending.organization, currency="EUR").amount == 30


def test_a_bad_signature_is_400_and_moves_nothing(client, pending):
    body = simulated_event_body(
        reference=pending.reference, kind="payment.succeeded", amount="30.00", currency="EUR"
    )
    assert _post(client, body, "sha256=bad").status_code == 400
    assert _post(client, body, webhook_sign("paypal", body)).status_code == 400
    assert _post(client, body, webhook_sign("card", body), provider="nope").status_code == 400
    assert prepaid_balance(organization=pending.organization, currency="EUR").amount == 0


def test_get_is_not_allowed(client):
    assert client.get("/billing/webhooks/card/").status_code == 405
