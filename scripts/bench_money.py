"""Money benchmark on PostgreSQL: invoices issued and prepaid payments per second (issue 9).

    python scripts/bench_money.py [--database-url postgres://postgres@127.0.0.1:5432/gestor_bench_money]
                                  [--count 500] [--output docs/benchmarks.md]

Re-creates the database named in the URL (never point it at real data), migrates
it, then, through the services the panel calls, issues ``--count`` invoices per
process and pays each of them in full from the organization's prepaid account,
first in one process, then in two processes at once (each on its own
organizations, as two customers of a provider would). While the two processes
run, every few milliseconds the benchmark samples ``pg_stat_activity`` and
counts how often a worker's backend waits on a lock.

``money_bench()`` returns the figures and ``money_markdown()`` renders them, for
a benchmark runner that writes several sections; run as a script it replaces
the "Money" section of ``--output`` (between its markers) and keeps the rest.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gestor_bench_money"
ORGS_PER_PROCESS = 20
MARK_START = "<!-- money-bench:start -->"
MARK_END = "<!-- money-bench:end -->"


def _configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gestor.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "0" * 50)
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()


def _database_recreate(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _organizations_create(groups: int) -> list[list[int]]:
    """``groups`` sets of Swiss organizations, each with a large prepaid balance."""
    from decimal import Decimal

    from billing.models import PaymentMethod, PaymentPurpose
    from billing.services import payment_confirm, payment_start
    from core.money import Money
    from orgs.models import Organization, OrganizationKind

    ids: list[list[int]] = []
    for group in range(groups):
        orgs = Organization.objects.bulk_create(
            Organization(
                name=f"Bench {group}-{n}",
                kind=OrganizationKind.COMPANY,
                street="Bahnhofstrasse 1",
                postcode="8001",
                city="Zürich",
                country="CH",
            )
            for n in range(ORGS_PER_PROCESS)
        )
        for org in orgs:
            payment, _started = payment_start(
                organization=org,
                method=PaymentMethod.BANK_TRANSFER,
                purpose=PaymentPurpose.PREPAID_CREDIT,
                amount=Money(Decimal("1000000"), "CHF"),
                idempotency_key=f"bench-credit-{org.pk}",
                acting=None,
            )
            payment_confirm(payment_id=payment.pk)
        ids.append([org.pk for org in orgs])
    return ids


def _lines() -> list[Any]:
    from decimal import Decimal

    from billing.services import LineDraft
    from core.money import Money

    return [
        LineDraft(
            description="Web hosting M",
            unit_price=Money(Decimal("9.90"), "CHF"),
            vat_rate=Decimal("8.1"),
        ),
        LineDraft(
            description="Domain example.ch",
            unit_price=Money(Decimal("15.00"), "CHF"),
            vat_rate=Decimal("8.1"),
        ),
    ]


def _issue(orgs: list[Any], count: int) -> None:
    from billing.services import invoice_issue

    lines = _lines()
    for n in range(count):
        invoice_issue(organization=orgs[n % len(orgs)], lines=lines)


def _unpaid(orgs: list[Any], count: int) -> list[tuple[int, int]]:
    from billing.models import Invoice, InvoiceStatus

    return list(
        Invoice.objects.filter(organization__in=orgs, status=InvoiceStatus.UNPAID)
        .order_by("pk")
        .values_list("pk", "organization_id")[:count]
    )


def _pay(orgs: list[Any], unpaid: list[tuple[int, int]]) -> None:
    from billing.models import Invoice
    from billing.services import payment_from_prepaid

    by_pk = {org.pk: org for org in orgs}
    for pk, org_id in unpaid:
        org = by_pk[org_id]
        payment_from_prepaid(
            organization=org,
            invoices=[Invoice(pk=pk, organization=org)],
            idempotency_key=f"bench-{uuid.uuid4().hex}",
            acting=None,
        )


def _cpu_seconds(pid: int) -> float:
    """CPU time of a local process (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _priority_raise(pid: int) -> None:
    """On a machine shared with other work, run the measured processes first."""
    if os.environ.get("BENCH_PRIORITY") == "1":
        os.setpriority(os.PRIO_PROCESS, pid, -20)


def _worker(
    task: str, org_ids: list[int], count: int, barrier: Any, results: Any, pids: Any
) -> None:
    from django.db import connection

    from orgs.models import Organization

    orgs = list(Organization.objects.filter(pk__in=org_ids).order_by("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # The database server runs on this machine (the lock sampler needs it too).
    _priority_raise(os.getpid())
    _priority_raise(backend)
    pids.put(backend)
    unpaid = _unpaid(orgs, count) if task == "pay" else []
    barrier.wait()
    started, client, server = time.perf_counter(), time.process_time(), _cpu_seconds(backend)
    if task == "issue":
        _issue(orgs, count)
    else:
        _pay(orgs, unpaid)
    cpu = time.process_time() - client + _cpu_seconds(backend) - server
    results.put((started, time.perf_counter(), cpu))
    connection.close()


def _lock_sampler(pids: list[int], stop: threading.Event, counts: list[int]) -> None:
    """Count worker samples (active or waiting) and those waiting on a lock."""
    from django.db import connections

    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            while not stop.is_set():
                cursor.execute(
                    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) "
                    "FROM pg_stat_activity WHERE pid = ANY(%s) AND state = 'active'",
                    [pids],
                )
                waiting, active = cursor.fetchone()
                counts[0] += waiting
                counts[1] += active
                time.sleep(0.005)
    finally:
        connection.close()


def _run(task: str, groups: list[list[int]], count: int) -> dict[str, Any]:
    """``task`` in ``len(groups)`` processes at once; operations per second of them all."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(groups) + 1)
    results = context.Queue()
    pids = context.Queue()
    processes = [
        context.Process(target=_worker, args=(task, ids, count, barrier, results, pids))
        for ids in groups
    ]
    for process in processes:
        process.start()
    worker_pids = [pids.get(timeout=60) for _ in processes]
    stop = threading.Event()
    counts = [0, 0]
    sampler = threading.Thread(target=_lock_sampler, args=(worker_pids, stop, counts))
    sampler.start()
    barrier.wait()
    spans = [results.get(timeout=3600) for _ in processes]
    stop.set()
    sampler.join()
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"a {task} worker failed (exit code {process.exitcode})")
    elapsed = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    cpu_ms = sum(cpu for _, _, cpu in spans) * 1000 / (count * len(groups))
    return {
        "cpu_ms": round(cpu_ms, 2),
        "processes": len(groups),
        "operations": count * len(groups),
        "seconds": round(elapsed, 2),
        "per_second": round(count * len(groups) / elapsed, 1),
        "lock_wait_share": round(counts[0] / counts[1], 3) if counts[1] else 0.0,
    }


def _queries_per_operation(org_ids: list[int]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Organization

    orgs = list(Organization.objects.filter(pk__in=org_ids[:1]))
    with CaptureQueriesContext(connection) as issued:
        _issue(orgs, 1)
    unpaid = _unpaid(orgs, 1)
    with CaptureQueriesContext(connection) as paid:
        _pay(orgs, unpaid)
    return {"issue": len(issued.captured_queries), "pay": len(paid.captured_queries)}


def _round_trip_ms() -> dict[str, float]:
    """Median milliseconds of a bare round trip and of a one-row committed update."""
    import statistics

    from django.db import connection

    timings: dict[str, list[float]] = {"select": [], "commit": []}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit (n integer)")
        cursor.execute("INSERT INTO bench_commit VALUES (0)")
        for _ in range(200):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            timings["select"].append(time.perf_counter() - started)
            started = time.perf_counter()
            cursor.execute("UPDATE bench_commit SET n = n + 1")  # autocommit: its own COMMIT
            timings["commit"].append(time.perf_counter() - started)
    return {name: round(statistics.median(t) * 1000, 2) for name, t in timings.items()}


def money_bench(database_url: str = DEFAULT_URL, count: int = 500) -> dict[str, Any]:
    """Issue and pay ``count`` invoices per process in one and in two processes.

    Call it before ``django.setup()`` (it configures Django for ``database_url``)
    or after it with the same database: the database is dropped and re-created.
    """
    from django.conf import settings

    if not settings.configured:
        _configure(database_url)
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        raise SystemExit("the money benchmark needs PostgreSQL (--database-url postgres://…)")
    connections.close_all()
    _database_recreate(database_url)
    call_command("migrate", verbosity=0, interactive=False)
    groups = _organizations_create(4)
    figures: dict[str, Any] = {"count": count, "runs": []}
    for task in ("issue", "pay"):
        one = _run(task, groups[:1], count)
        two = _run(task, groups[1:3], count)
        figures["runs"].append({"task": task, "one": one, "two": two})
    figures["queries"] = _queries_per_operation(groups[3])
    figures["round_trip_ms"] = _round_trip_ms()
    figures["machine"] = f"Python {platform.python_version()} on {platform.machine()}, "
    figures["machine"] += f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at the end"
    if os.environ.get("BENCH_PRIORITY") == "1":
        figures["machine"] += " (workers and their backends at nice -20)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        figures["database"] = f"PostgreSQL {cursor.fetchone()[0]}"
    figures["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return figures


def money_markdown(figures: dict[str, Any], title: str = "Money") -> str:
    names = {"issue": "invoices issued", "pay": "prepaid payments (invoice paid in full)"}
    rows = [
        f"## {title}",
        "",
        f"Written by `scripts/bench_money.py` on {figures['date']}: {figures['machine']}; "
        f"{figures['database']}. Each process issues {figures['count']} invoices (two lines) "
        "for its own 20 organizations, then pays each of them from the prepaid account, "
        "through the services; two processes run at once on different organizations. "
        "Queries per operation include BEGIN and COMMIT. 'Lock waits' is the share of "
        "samples (every 5 ms, `pg_stat_activity`) in which a worker's backend waited on a "
        "lock. 'CPU ms' is the CPU time of the worker and of its database backend per "
        "operation (one process); 1000 ÷ CPU ms is the rate one process could reach if it "
        "never waited for the disk or for other work on the machine. Median round trip "
        f"at the time: {figures['round_trip_ms']['select']} ms for `SELECT 1`, "
        f"{figures['round_trip_ms']['commit']} ms for a one-row update and its commit.",
        "",
        "| operation | queries | 1 process /s | 2 processes /s | 2 ÷ 1 "
        "| lock waits (2 processes) | CPU ms | 1000 ÷ CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in figures["runs"]:
        one, two = run["one"], run["two"]
        rows.append(
            f"| {names[run['task']]} | {figures['queries'][run['task']]} | {one['per_second']} "
            f"| {two['per_second']} | {two['per_second'] / one['per_second']:.2f}× "
            f"| {two['lock_wait_share']:.0%} | {one['cpu_ms']} | {1000 / one['cpu_ms']:.0f} |"
        )
    return "\n".join(rows) + "\n"


def _section_write(path: Path, markdown: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{MARK_START}\n{markdown}{MARK_END}\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        text = head + block + rest.split(MARK_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_MONEY_URL", DEFAULT_URL))
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--title", default="Money")
    parser.add_argument(
        "--priority",
        action="store_true",
        help="raise the workers and their database backends to nice -20 (needs root; "
        "for a machine busy with other work)",
    )
    parser.add_argument("--output", type=Path, default=None, help="e.g. docs/benchmarks.md")
    args = parser.parse_args()
    if args.priority:
        os.environ["BENCH_PRIORITY"] = "1"
    figures = money_bench(args.database_url, args.count)
    markdown = money_markdown(figures, args.title)
    print(markdown)
    if args.output:
        _section_write(args.output, markdown)


if __name__ == "__main__":
    main()
