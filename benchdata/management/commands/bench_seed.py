"""``manage.py bench_seed``: the benchmark data set of issue 9, in bulk.

The last line printed is one JSON object with the small and the large
organization's legal representative (login e-mail) and organization id.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from benchdata.seed import OrgSize, Seeder, Sizes


class Command(BaseCommand):
    help = "Fill the database with the benchmark data set (default: 1,000,000 invoices)."

    def add_arguments(self, parser: CommandParser) -> None:
        default = Sizes()
        parser.add_argument("--organizations", type=int, default=default.organizations)
        parser.add_argument("--invoices", type=int, default=default.invoices)
        parser.add_argument("--years", type=int, default=default.years)
        parser.add_argument("--seed", type=int, default=9, help="random seed (same data each run)")
        for which, size in (("small", default.small), ("large", default.large)):
            for name in ("invoices", "prepaid_entries", "products", "members", "audit_events"):
                parser.add_argument(
                    f"--{which}-{name.replace('_', '-')}",
                    type=int,
                    default=getattr(size, name),
                    help=f"the {which} organization's {name.replace('_', ' ')}",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        def size(which: str) -> OrgSize:
            return OrgSize(
                invoices=options[f"{which}_invoices"],
                prepaid_entries=options[f"{which}_prepaid_entries"],
                products=options[f"{which}_products"],
                members=options[f"{which}_members"],
                audit_events=options[f"{which}_audit_events"],
            )

        sizes = Sizes(
            organizations=options["organizations"],
            invoices=options["invoices"],
            small=size("small"),
            large=size("large"),
            years=options["years"],
        )
        started = time.monotonic()

        def progress(message: str) -> None:
            if options["verbosity"]:
                self.stderr.write(f"[{time.monotonic() - started:6.1f} s] {message}")

        seeder = Seeder(sizes, seed=options["seed"])
        result = seeder.run(progress)
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility maps: the planner and index-only scans
            # see the new rows at once, not after autovacuum comes by.
            with connection.cursor() as cursor:
                for table in seeder.t.values():
                    cursor.execute(
                        f"VACUUM ANALYZE {connection.ops.quote_name(table.model._meta.db_table)}"
                    )
            progress("vacuumed and analysed")
        progress("done")
        self.stdout.write(json.dumps(result))
