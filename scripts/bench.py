"""Request benchmarks on a large organization: queries and milliseconds per request.

    python scripts/bench.py [--members 10000] [--runs 20] [--output docs/benchmarks.md]

Builds a throw-away SQLite database under var/bench/ (or uses BENCH_DATABASE_URL),
fills one organization with ``--members`` memberships, then requests the panel's
busiest pages as its legal representative through Django's test client (no
network, DEBUG off) and writes the figures as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gestor.settings")
    os.environ["DEBUG"] = "0"
    # A fixed key: the throw-away database's sessions stay readable between runs.
    os.environ["SECRET_KEY"] = "bench-only-" + "0" * 50
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "ERROR"

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files not collected
    django.setup()


def populate(members: int):  # type: ignore[no-untyped-def]
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from orgs.models import Membership, Organization, OrganizationKind, Role

    call_command("migrate", verbosity=0, interactive=False)
    owner = User.objects.filter(email="owner@bench.test").first()
    if owner is None:
        with transaction.atomic():
            owner = User.objects.create_user("owner@bench.test", None, name="Olga Owner")
            org = Organization.objects.create(
                name="Bench Hosting S.L.",
                kind=OrganizationKind.COMPANY,
                city="Madrid",
                country="ES",
            )
            Membership.objects.create(organization=org, user=owner, role=Role.LEGAL_REPRESENTATIVE)
            users = User.objects.bulk_create(
                [
                    User(email=f"user{n:05d}@bench.test", name=f"User {n:05d}", password="!")  # noqa: S106 (unusable)
                    for n in range(members - 1)
                ],
                batch_size=2000,
            )
            roles = [Role.ADMINISTRATOR, Role.MEMBER, Role.MEMBER, Role.MEMBER]
            Membership.objects.bulk_create(
                [
                    Membership(
                        organization=org,
                        user=user,
                        role=roles[n % 4],
                        accounting=n % 7 == 0,
                    )
                    for n, user in enumerate(users)
                ],
                batch_size=2000,
            )
    membership = Membership.objects.select_related("organization").get(user=owner)
    return owner, membership


def measure(client, path: str, runs: int) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)  # warm up (template and URL caches)
        assert response.status_code == 200, (path, response.status_code)
        before = len(captured)
        client.get(path)
        queries = len(captured) - before
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    return queries, statistics.median(timings), max(timings)


PAGES = [
    ("Dashboard", "/"),
    ("Users (members list, page 1 of 50 rows)", "/users/"),
    ("Users, last page", "/users/?page=last"),
    ("Users, filtered by name", "/users/?q=User%2009"),
    ("Organization details", "/organization/"),
    ("Profile", "/profile/"),
    ("API: GET /api/v1/orgs", "/api/v1/orgs"),
]


def _shown(name: object) -> str:
    path = Path(str(name))
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    options = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    default_path = bench_dir / f"bench-{options.members}.sqlite3"
    for stale in bench_dir.glob(f"{default_path.name}*"):
        stale.unlink()  # a fresh database each run, so runs compare
    default_url = f"sqlite:///{default_path}"
    configure(os.environ.get("BENCH_DATABASE_URL", default_url))

    from django.db import connection
    from django.test import Client

    from accounts.tokens import api_token_create
    from orgs.access import SESSION_KEY

    started = time.perf_counter()
    owner, membership = populate(options.members)
    setup_seconds = time.perf_counter() - started

    client = Client()
    client.force_login(owner)
    session = client.session
    session[SESSION_KEY] = membership.organization_id
    session.save()
    _token, raw = api_token_create(user=owner, name="bench")

    rows = []
    for label, path in PAGES:
        chosen = Client(HTTP_AUTHORIZATION=f"Bearer {raw}") if path.startswith("/api/") else client
        queries, median, worst = measure(chosen, path, options.runs)
        rows.append((label, path, queries, median, worst))
        print(f"{label:45} {queries:3d} queries  {median:7.1f} ms median  {worst:7.1f} ms max")

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (scripts/bench.py). One organization with "
        f"{options.members:,} memberships; each page requested {options.runs} times by its "
        "legal representative through Django's test client (no network, DEBUG off, "
        "templates rendered, middleware included).",
        "",
        f"- Database: {connection.vendor} ({_shown(connection.settings_dict['NAME'])})",
        f"- Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; setup (migrate and fill) {setup_seconds:.1f} s",
        "",
        "| page | path | queries | median ms | max ms |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | `{path}` | {queries} | {median:.1f} | {worst:.1f} |"
        for label, path, queries, median, worst in rows
    ]
    lines += [
        "",
        "The number of queries does not grow with the number of members (`--members 100` "
        "gives the same counts): lists are paginated (50 rows) and load their related rows "
        "in the same query. Timings "
        "depend on the machine and its load; compare runs on the same machine.",
        "",
    ]
    Path(options.output).write_text("\n".join(lines))
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
