"""``manage.py ledger_check``: verify every money invariant; exit 1 on any breach (X5).

The journal's invariants (ledger) and those of invoices and payments (billing):
it lives in billing, the lower of the two layers that sees both."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.checks import billing_problems
from ledger.checks import ledger_problems


def all_problems() -> list[str]:
    return ledger_problems() + billing_problems()


class Command(BaseCommand):
    help = "Verify the ledger, the prepaid balances and the invoices; exit 1 on any breach."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = all_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write("ledger_check: every invariant holds.")
