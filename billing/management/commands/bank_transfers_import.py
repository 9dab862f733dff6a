"""``manage.py bank_transfers_import statement.csv``: confirm the bank transfers that arrived.

The CSV has the columns ``reference,amount,currency`` (the bank statement's
reference or message, amount and currency). The reference is the QR-bill's
creditor reference (``RF…``, spaces allowed) or our own reference as before
(``GS-…`` of a transfer, ``PR-…`` of a payment request). A line that matches a
pending bank-transfer payment confirms it; one that matches an unpaid payment
request pays it (in part if less is due); anything else is reported and left.
Importing the same statement again pays nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from billing.bank_transfers import TransferOutcome, bank_transfer_receive


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        return Decimal(-1)
    exponent = amount.as_tuple().exponent  # "n", "N" or "F" when not finite
    return amount if isinstance(exponent, int) and exponent >= -2 else Decimal(-1)


class Command(BaseCommand):
    help = "Confirm pending bank transfers from a CSV statement (reference,amount,currency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = dict.fromkeys(TransferOutcome, 0)
        with open(options["path"], "rb") as handle:
            content = handle.read()
        # A line is known by the statement it is in and its place there.
        statement = hashlib.sha256(content).hexdigest()[:32]
        rows = csv.DictReader(content.decode("utf-8-sig").splitlines())
        for number, row in enumerate(rows, start=1):
            reference = (row.get("reference") or "").strip()
            amount = _amount(row.get("amount") or "")
            outcome = bank_transfer_receive(
                reference=reference,
                amount=amount,
                currency=(row.get("currency") or "").strip().upper(),
                statement_line=f"{statement}:{number}",
            )
            counts[outcome] += 1
            if outcome is TransferOutcome.UNMATCHED:
                self.stderr.write(f"no pending transfer matches {reference} {amount}")
            elif outcome is TransferOutcome.ALREADY:
                self.stderr.write(f"already imported: {reference} {amount}")
        self.stdout.write(
            f"{counts[TransferOutcome.CONFIRMED]} transfer(s) confirmed, "
            f"{counts[TransferOutcome.UNMATCHED] + counts[TransferOutcome.ALREADY]} line(s) left."
        )
