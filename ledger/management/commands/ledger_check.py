"""``manage.py ledger_check``: verify every money invariant; exit 1 on any breach (X5)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

CHECKS = ("ledger.checks.ledger_problems", "billing.checks.billing_problems")


def all_problems() -> list[str]:
    problems: list[str] = []
    for path in CHECKS:
        try:
            check = import_string(path)
        except ImportError:
            continue
        problems.extend(check())
    return problems


class Command(BaseCommand):
    help = "Verify the ledger, the prepaid balances and the invoices; exit 1 on any breach."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = all_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write("ledger_check: every invariant holds.")
