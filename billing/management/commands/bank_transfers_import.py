"""``manage.py bank_transfers_import statement.csv``: confirm the bank transfers that arrived.

The CSV has the columns ``reference,amount,currency`` (the bank statement's
message, amount and currency). A line whose reference, amount and currency match
a pending bank-transfer payment confirms it; anything else is reported and left.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from billing.models import Payment, PaymentMethod, PaymentStatus
from billing.services import payment_confirm


class Command(BaseCommand):
    help = "Confirm pending bank transfers from a CSV statement (reference,amount,currency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        confirmed = skipped = 0
        with open(options["path"], newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                reference = (row.get("reference") or "").strip()
                try:
                    amount = Decimal((row.get("amount") or "").strip())
                except InvalidOperation:
                    amount = Decimal(-1)
                payment = Payment.objects.filter(
                    reference=reference,
                    method=PaymentMethod.BANK_TRANSFER,
                    status=PaymentStatus.PENDING,
                    amount=amount,
                    currency=(row.get("currency") or "").strip(),
                ).first()
                if payment is None:
                    self.stderr.write(f"no pending transfer matches {reference} {amount}")
                    skipped += 1
                    continue
                payment_confirm(payment_id=payment.pk)
                confirmed += 1
        self.stdout.write(f"{confirmed} transfer(s) confirmed, {skipped} line(s) left.")
