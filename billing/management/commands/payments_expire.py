from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from billing.services import payments_expire


class Command(BaseCommand):
    help = (
        "Expire the card and PayPal payments still unconfirmed after "
        "PAYMENT_PENDING_EXPIRY_MINUTES (what the beat task does every five minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = payments_expire()
        minutes = settings.PAYMENT_PENDING_EXPIRY_MINUTES
        self.stdout.write(f"{count} payment(s) pending for more than {minutes} minutes expired.")
