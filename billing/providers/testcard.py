"""A built-in test card provider: no network, same shape as a real one.

Cards ``4242 4242 4242 4242`` (and any other valid card number) succeed,
``4000 0000 0000 0002`` is declined, and for ``4000 0000 0000 0119`` no answer
ever comes: the payment stays pending until the sweep expires it
(``PAYMENT_PENDING_EXPIRY_MINUTES``, ``billing.services.payments_expire``). The
outcome arrives as a signed webhook after the payment is committed (a Celery
task; in-process in the embedded mode).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from billing.models import Payment
from billing.providers.base import PaymentProvider, ProviderStart, simulated_event_body
from core.errors import BusinessError

DECLINED_CARDS = frozenset({"4000000000000002"})
# The provider never answers: the payment expires (billing.services.payments_expire).
UNANSWERED_CARDS = frozenset({"4000000000000119"})


def luhn_valid(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_number_clean(raw: str) -> str:
    number = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"\d{12,19}", number) or not luhn_valid(number):
        raise BusinessError(
            _("Enter a valid card number."), code="card_number", field="card_number"
        )
    return number


def schedule_test_event(payment: Payment, *, provider: str, succeeded: bool) -> None:
    body = simulated_event_body(
        reference=payment.reference,
        kind="payment.succeeded" if succeeded else "payment.failed",
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )

    def deliver() -> None:
        from billing.tasks import webhook_test_deliver_task

        webhook_test_deliver_task.delay(provider, body.decode())

    transaction.on_commit(deliver)


class TestCardProvider(PaymentProvider):
    code = "card"

    def validate(self, details: dict[str, Any]) -> None:
        card_number_clean(str(details.get("card_number", "")))

    def start(self, payment: Payment, details: dict[str, Any]) -> ProviderStart:
        number = card_number_clean(str(details.get("card_number", "")))
        if number not in UNANSWERED_CARDS:
            schedule_test_event(payment, provider=self.code, succeeded=number not in DECLINED_CARDS)
        return ProviderStart(status="pending")
