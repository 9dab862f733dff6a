from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from core.models import OutboxEmail
from core.outbox import outbox_deliver, outbox_due_ids


class Command(BaseCommand):
    help = "Deliver the e-mails still waiting in the outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Also those whose next retry time has not come yet."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = failed = 0
        for email_id in outbox_due_ids(include_not_yet_due=options["all"]):
            email = outbox_deliver(email_id)
            if email is None:
                continue
            if email.status == OutboxEmail.Status.SENT:
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"{sent} sent, {failed} not delivered (will be retried).")
