"""``manage.py api_token create EMAIL [--name NAME]``: a personal API token for
operators and scripts. Prints the raw token once; only its hash is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User, normalize_email
from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it.")
        create.add_argument("email", help="The user's login e-mail address.")
        create.add_argument("--name", default="API", help="A name to recognise the token by.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalize_email(options["email"])
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the login e-mail address {email}.")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("The token name must have 1 to 100 characters.")
        _token, raw = api_token_create(user=user, name=name)
        self.stdout.write(raw)
