"""Benchmarks at a provider's scale (issue 9): ``make bench`` → docs/benchmarks.md.

    python scripts/bench.py [--requests 50] [--runs 3] [--label after]
                            [--compare var/bench/results-before.json]

On PostgreSQL only (``BENCH_DATABASE_URL``, default the dedicated database
``gestor_bench`` on 127.0.0.1). When that database has no benchmark data yet it
is migrated and filled by ``manage.py bench_seed`` (``--seed-args`` passes
sizes). Then Gestor is started under gunicorn in the production profile (2 sync
workers, bound to 127.0.0.1) and each page is requested as the legal
representative of the small and of the large organization: the median time of
each run of ``--requests`` sequential requests, then the median of ``--runs``
runs. Request loops are bounded and go to 127.0.0.1 only. Queries per page are
counted in-process (same settings and database); the slowest queries of each
page at the large size are shown with ``EXPLAIN (ANALYZE, BUFFERS)``.

The pages' part of ``--output`` lies between the ``pages-bench`` markers; the rest
of the file is kept. Other measurements are scripts ``scripts/bench_<name>.py``
taking ``--output FILE`` and replacing their own marked part of it (e.g.
``bench_money.py``: invoices and prepaid payments per second in one and two
processes); ``make bench`` runs each, in name order, after the pages (with the
server stopped).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gestor_bench"
HOST = "127.0.0.1"


def production_env(database_url: str) -> dict[str, str]:
    """The production profile, as the server and the in-process checks both see it."""
    return {
        "GESTOR_MODE": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-" + "0" * 50,
        "ALLOWED_HOSTS": f"{HOST},testserver",
        "SECURE_SSL_REDIRECT": "0",  # no TLS terminator in front of the benchmark
        "GESTOR_VAR_DIR": str(ROOT / "var" / "bench"),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "LOG_LEVEL": "ERROR",
        "EMAIL_DELIVERY": "eml",
    }


def configure(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gestor.settings"
    import django

    django.setup()


# --- data ----------------------------------------------------------------------


def seeded(seed_args: list[str]) -> dict[str, Any]:
    """The small and the large organization, seeding the database first if needed."""
    from django.core.management import call_command
    from django.db import connection

    from orgs.models import Organization

    state = ROOT / "var" / "bench" / f"seed-{connection.settings_dict['NAME']}.json"
    if state.exists():
        found = json.loads(state.read_text())
        ids = [found["small"]["organization"], found["large"]["organization"]]
        if Organization.objects.filter(pk__in=ids).count() == 2:
            return found
    call_command("migrate", verbosity=0, interactive=False)
    out = subprocess.run(
        [sys.executable, "manage.py", "bench_seed", *seed_args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    state.write_text(json.dumps(found))
    return found


@dataclass
class Who:
    label: str
    organization: int
    email: str
    cookie: str = ""
    token: str = ""
    rows: dict[str, int] = field(default_factory=dict)


def sign_in(label: str, data: dict[str, Any]) -> Who:
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from accounts.tokens import api_token_create
    from billing.models import Invoice
    from core.models import AuditEvent
    from ledger.models import Entry
    from orgs.access import SESSION_KEY
    from orgs.models import Membership
    from products.models import ProductInstance

    who = Who(label, data["organization"], data["email"])
    user = User.objects.get(email=who.email)
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = who.organization
    session.save()
    who.cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    _token, who.token = api_token_create(user=user, name="bench")
    org = who.organization
    who.rows = {
        "invoices": Invoice.objects.filter(organization_id=org).count(),
        "prepaid entries": Entry.objects.filter(
            account__organization_id=org, account__kind="prepaid"
        ).count(),
        "products": ProductInstance.objects.filter(organization_id=org).count(),
        "members": Membership.objects.filter(organization_id=org).count(),
        "audit events": AuditEvent.objects.filter(organization_id=org).count(),
    }
    return who


# --- pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    target: str
    path: Callable[[Who], str]
    api: bool = False
    large_only: bool = False


def _period() -> str:
    today = datetime.now(UTC).date()
    return f"issued_from={today - timedelta(days=365)}&issued_to={today}"


def _deep_invoice_page(who: Who) -> str:
    """Rows 49,976–50,000 of the history: page 2,000 of 25, or the same rows by
    cursor (the link "Older" 1,999 times) where the history pages by cursor."""
    from billing.models import Invoice

    try:
        from core.pagination import cursor_of
    except ImportError:  # the code before issue 9: numbered pages
        return "/invoices/?page=2000"
    issued_at, pk = (
        Invoice.objects.filter(organization_id=who.organization)
        .order_by("-issued_at", "-id")
        .values_list("issued_at", "id")[49_974]
    )
    return f"/invoices/?after={cursor_of(issued_at, pk)}"


PAGES = [
    Page("dashboard", "Dashboard", "≤ 1.2× small", lambda w: "/"),
    Page(
        "invoices_filtered",
        "Invoice history, status + period filter",
        "≤ 1.1× small",
        lambda w: f"/invoices/?status=paid&{_period()}",
    ),
    Page("invoices", "Invoice history, page 1", "", lambda w: "/invoices/"),
    Page(
        "invoices_deep",
        "Invoice history, page 2,000",
        "≤ 1.5× page 1",
        _deep_invoice_page,
        large_only=True,
    ),
    Page(
        "api_invoices_paid",
        "API invoices `?status=paid`",
        "≤ 1.2× small",
        lambda w: f"/api/v1/orgs/{w.organization}/invoices?status=paid",
        api=True,
    ),
    Page("prepaid", "Prepaid account page", "≤ 1.2× small", lambda w: "/prepaid/"),
    Page("audit", "Audit log", "≤ 1.2× small", lambda w: "/audit/"),
    Page("members", "Users (members) page", "≤ 1.3× small", lambda w: "/users/"),
    Page(
        "api_members",
        "API members",
        "≤ 1.3× small",
        lambda w: f"/api/v1/orgs/{w.organization}/members",
        api=True,
    ),
    Page("products", "Products page", "≤ 1.3× small", lambda w: "/products/"),
    Page(
        "api_products",
        "API products",
        "≤ 1.3× small",
        lambda w: f"/api/v1/orgs/{w.organization}/products",
        api=True,
    ),
]


def _headers(who: Who, api: bool) -> dict[str, str]:
    if api:
        return {"Authorization": f"Bearer {who.token}"}
    return {"Cookie": who.cookie}


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, float]:
    started = time.perf_counter()
    connection = HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def timed(port: int, path: str, headers: dict[str, str], runs: int, count: int) -> float:
    for _ in range(3):  # warm up both workers (templates, connections, first activity)
        status, _ms = request(port, path, headers)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    medians = []
    for _ in range(runs):
        medians.append(statistics.median(request(port, path, headers)[1] for _ in range(count)))
    return statistics.median(medians)


def throughput(port: int, path: str, headers: dict[str, str], total: int) -> float:
    """Requests per second with two clients in parallel (one per worker), ``total`` requests."""
    errors: list[int] = []

    def client(n: int) -> None:
        for _ in range(n):
            status, _ms = request(port, path, headers)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=client, args=(total // 2,)) for _ in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path}: HTTP {errors[0]} under load")
    return (total // 2 * 2) / (time.perf_counter() - started)


def queries_of(who: Who, path: str, api: bool) -> list[dict[str, str]]:
    """The queries of one request, counted in-process after a first (warming) one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {who.token}") if api else Client()
    if not api:
        client.cookies.load(who.cookie)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return captured.captured_queries


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


# --- the server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gestor.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    for _ in range(300):
        try:
            if request(port, "/healthz", {})[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


# --- report ----------------------------------------------------------------------


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs ({model or 'unknown model'}), "
        f"Python {platform.python_version()}, load average {load:.1f} at the start"
    )


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else ""


def report(results: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    lines = [
        "| page | small ms | large ms | large/small | target | queries small / large |",
        "|---|---:|---:|---:|---|---:|",
    ]
    pages = results["pages"]
    for page in PAGES:
        row = pages[page.key]
        small, large = row.get("small"), row.get("large")
        if page.key == "invoices_deep":
            shown = ratio(large, pages["invoices"]["large"]) + " of page 1"
        else:
            shown = ratio(large, small)
        lines.append(
            f"| {page.label} | {_ms(small)} | "
            f"{large:.1f} | {shown} | {page.target} | "
            f"{row.get('queries_small', '–')} / {row['queries_large']} |"
        )
    t = results["throughput"]
    lines += [
        "",
        "| throughput (2 clients, 2 workers) | requests/s |",
        "|---|---:|",
        f"| bare view (`/healthz` with the session: loads the session and the user) | "
        f"{t['bare']:.0f} |",
        f"| dashboard, large organization | {t['dashboard']:.0f} |",
        f"| dashboard / bare view | {t['dashboard'] / t['bare']:.2f}× (target ≥ 0.4×) |",
    ]
    if before:
        lines += [
            "",
            f"### Before and after ({before['label']} → {results['label']})",
            "",
            "| page | before small | before large | before ratio | after small | "
            "after large | after ratio | queries before → after (large) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for page in PAGES:
            b, a = before["pages"].get(page.key, {}), pages[page.key]
            base_b = before["pages"].get("invoices", {}).get("large")
            base_a = pages["invoices"]["large"]
            rb = ratio(b.get("large"), base_b if page.large_only else b.get("small"))
            ra = ratio(a.get("large"), base_a if page.large_only else a.get("small"))
            lines.append(
                f"| {page.label} | {_ms(b.get('small'))} | {_ms(b.get('large'))} | {rb} | "
                f"{_ms(a.get('small'))} | {_ms(a.get('large'))} | {ra} | "
                f"{b.get('queries_large', '–')} → {a['queries_large']} |"
            )
        tb = before["throughput"]
        lines += [
            f"| throughput: bare view, dashboard (requests/s) | | {tb['bare']:.0f}, "
            f"{tb['dashboard']:.0f} | {tb['dashboard'] / tb['bare']:.2f}× | | "
            f"{t['bare']:.0f}, {t['dashboard']:.0f} | {t['dashboard'] / t['bare']:.2f}× | |",
        ]
    return lines


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


MARK_START = "<!-- pages-bench:start -->"
MARK_END = "<!-- pages-bench:end -->"


def section_write(path: Path, lines: list[str]) -> None:
    """Replace the pages' part of ``path`` (between the markers), keeping the rest."""
    part = "\n".join([MARK_START, *lines, MARK_END])
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        text = head + part + rest.split(MARK_END, 1)[1]
    else:
        head, _, rest = text.partition("\n")
        text = f"{head}\n\n{part}\n{rest}"
    path.write_text(text)


def sections(output: Path) -> None:
    """Each ``scripts/bench_<name>.py --output FILE``, in name order."""
    for script in sorted((ROOT / "scripts").glob("bench_*.py")):
        print(f"running {script.name}", flush=True)
        subprocess.run(
            [sys.executable, str(script), "--output", str(output)], cwd=ROOT, check=False
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50, help="requests per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--throughput-requests", type=int, default=400)
    parser.add_argument("--label", default="after", help="name of this run in the results")
    parser.add_argument("--compare", help="results JSON of an earlier run (before/after table)")
    parser.add_argument("--seed-args", default="", help="options for bench_seed, quoted")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--no-sections", dest="sections", action="store_false", help="skip scripts/bench_*.py"
    )
    options = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL (BENCH_DATABASE_URL).")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    env = production_env(database_url)
    configure(env)
    started_at = datetime.now(UTC)
    host = machine()
    data = seeded(options.seed_args.split())
    small, large = sign_in("small", data["small"]), sign_in("large", data["large"])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    results: dict[str, Any] = {"label": options.label, "commit": commit, "pages": {}}
    plans: list[tuple[str, str, str]] = []
    process, port = server_start(env)
    # A terminated benchmark stops its server too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        for page in PAGES:
            row: dict[str, Any] = {}
            for who in (small, large):
                if page.large_only and who is small:
                    continue
                path = page.path(who)
                headers = _headers(who, page.api)
                row[who.label] = timed(port, path, headers, options.runs, options.requests)
                captured = queries_of(who, path, page.api)
                row[f"queries_{who.label}"] = len(captured)
                if who is large:
                    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:2]
                    for query in slowest:
                        if query["sql"].lstrip().upper().startswith("SELECT"):
                            plans.append((page.label, query["sql"], explain(query["sql"])))
                print(
                    f"{page.label:45} {who.label:5} {row[who.label]:8.1f} ms "
                    f"{row[f'queries_{who.label}']:3d} queries",
                    flush=True,
                )
            results["pages"][page.key] = row
        results["throughput"] = {
            "bare": throughput(
                port, "/healthz", _headers(large, False), options.throughput_requests
            ),
            "dashboard": throughput(port, "/", _headers(large, False), options.throughput_requests),
        }
        print(f"throughput {results['throughput']}", flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    (ROOT / "var" / "bench" / f"results-{options.label}.json").write_text(json.dumps(results))
    before = json.loads(Path(options.compare).read_text()) if options.compare else None

    sizes = ", ".join(f"{k} {v:,}" for k, v in large.rows.items())
    small_sizes = ", ".join(f"{k} {v:,}" for k, v in small.rows.items())
    from billing.models import Invoice
    from orgs.models import Organization

    lines = [
        "## Pages at 100 and at 100,000 rows (issue 9)",
        "",
        "Written by `make bench` (scripts/bench.py): Gestor under gunicorn in the production "
        "profile (`GESTOR_MODE=production`, 2 sync workers, 127.0.0.1) on PostgreSQL, with the "
        "data set of `manage.py bench_seed`. Times are the median of "
        f"{options.runs} runs × {options.requests} sequential requests per page, measured at "
        "the client over the loopback; queries are counted in-process for the same request.",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M} UTC; commit {commit} ({options.label})",
        f"- Machine: {host}",
        f"- Database: {Organization.objects.count():,} organizations, "
        f"{Invoice.objects.count():,} invoices",
        f"- Small organization: {small_sizes}",
        f"- Large organization: {sizes}",
        "",
        *report(results, before),
        "",
        "### Query plans at the large size",
        "",
        "The slowest queries of each page for the large organization, with "
        "`EXPLAIN (ANALYZE, BUFFERS)`.",
    ]
    for label, sql, plan in plans:
        lines += ["", f"#### {label}", "", "```sql", sql, "```", "", "```", plan, "```"]
    section_write(Path(options.output), lines)
    print(f"wrote {options.output}")
    if options.sections:
        sections(Path(options.output))


if __name__ == "__main__":
    main()
