"""The benchmark data set (issue 9): many organizations, one small and one large.

Rows are written in bulk (``COPY`` on PostgreSQL, batched inserts elsewhere) in
one database transaction, with every constraint respected and the journal
consistent: each invoice is issued, paid or cancelled through the same double
entries the services post (``ledger.services.ledger_post``), the prepaid accounts' running
and cached balances included (system accounts cache none), and paid invoices take gapless legal numbers per
year. ``manage.py ledger_check`` is clean afterwards.

Time runs forward: the invoices of every organization are spread evenly over
the last ``years`` and generated in issue order across organizations, so the
journal's entries follow the calendar.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from accounts.models import User
from billing.models import (
    Allocation,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberSeries,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
)
from catalog.demo import catalog_ensure
from catalog.models import Plan
from core.models import AuditEvent
from core.money import quantize
from ledger.models import Account, AccountKind, Entry, Transaction, TransactionKind
from ledger.services import account_system
from orgs.models import Membership, Organization, OrganizationKind, Role
from products.models import ProductInstance, ProductStatus

EMAIL_DOMAIN = "bench.gestor.test"
PRICES = [Decimal(p) for p in ("4.90", "9.90", "14.50", "19.00", "29.00", "49.00", "120.00")]
VAT_RATES = {"ES": Decimal("21.00"), "CH": Decimal("8.10")}
FIRST = ["Ana", "Beat", "Carla", "David", "Elena", "Frank", "Greta", "Hugo", "Inés", "Jon"]
LAST = ["García", "Keller", "Rossi", "Martín", "Dubois", "Miller", "Weber", "Costa"]
AUDIT_KINDS = [
    "invoice.issued",
    "payment.confirmed",
    "product.renamed",
    "product.auto_renewal_set",
    "member.role_changed",
    "invitation.created",
    "org.updated",
]
ZERO = Decimal(0)


@dataclass(frozen=True)
class OrgSize:
    invoices: int
    prepaid_entries: int
    products: int
    members: int
    audit_events: int


@dataclass(frozen=True)
class Sizes:
    organizations: int = 1001
    invoices: int = 1_000_000
    small: OrgSize = OrgSize(100, 100, 10, 5, 100)
    large: OrgSize = OrgSize(100_000, 100_000, 10_000, 10_000, 100_000)
    years: int = 3

    def others(self) -> list[OrgSize]:
        """The remaining organizations share the remaining invoices evenly."""
        count = self.organizations - 2
        rest = self.invoices - self.small.invoices - self.large.invoices
        if count < 0 or rest < 0 or (count == 0 and rest):
            raise ValueError("the small and the large organization need fewer invoices")
        return [
            OrgSize(rest // count + (1 if n < rest % count else 0), 0, 1, 1, 0)
            for n in range(count)
        ]


# --- bulk writing -----------------------------------------------------------


class Table:
    """Rows of one table, buffered and written in bulk; unnamed columns take their defaults."""

    BATCH = 20_000

    def __init__(self, model: type[models.Model], *names: str) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        self.fields = fields
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        missing = [f for f in fields if f.attname not in self.index]
        self.fixed: list[tuple[int, Any]] = []
        self.per_row: list[tuple[int, Callable[[], Any]]] = []
        order = [f.attname for f in fields]
        self.position = {name: order.index(name) for name in names}
        for f in missing:
            at = order.index(f.attname)
            if f.has_default():
                if callable(f.default):
                    self.per_row.append((at, f.default))
                else:
                    self.fixed.append((at, f.get_default()))
            elif f.null:
                self.fixed.append((at, None))
            elif f.blank or f.empty_strings_allowed:
                self.fixed.append((at, ""))
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
        self.template = [None] * len(fields)
        for at, value in self.fixed:
            self.template[at] = value
        self.slots = [self.position[name] for name in names]
        self.rows: list[list[Any]] = []
        self.written = 0

    def add(self, *values: Any) -> None:
        row = self.template.copy()
        for at, value in zip(self.slots, values, strict=True):
            row[at] = value
        for at, make in self.per_row:
            row[at] = make()
        self.rows.append(row)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    json_at = [
                        i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)
                    ]
                    for row in self.rows:
                        for i in json_at:
                            row[i] = Jsonb(row[i])
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (quoted names)
                    [
                        [
                            f.get_db_prep_save(value, connection)
                            for f, value in zip(self.fields, row, strict=True)
                        ]
                        for row in self.rows
                    ],
                )
        self.written += len(self.rows)
        self.rows = []


class Ids:
    """The next primary keys of each table, taken in the generator (no round trip)."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            last = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = last + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


# --- the data set ------------------------------------------------------------


@dataclass
class Org:
    pk: int
    size: OrgSize
    country: str
    currency: str
    legal_email: str
    name: str
    prepaid_account: int | None = None
    pairs_left: int = 0
    members: list[int] = field(default_factory=list)


class Seeder:
    def __init__(self, sizes: Sizes, *, seed: int = 9, now: datetime | None = None) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 (test data, reproducible)
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=365 * sizes.years)
        self.ids = Ids()
        self.balances: dict[int, Decimal] = {}  # running balances of the new prepaid accounts
        self.currency_of: dict[int, str] = {}
        self.counters: dict[str, int] = {}
        self.prepaid_new: dict[int, Org] = {}
        self.prepaid_made: dict[int, int] = defaultdict(int)
        self.seller: dict[str, str] = settings.SELLER
        self.t = {
            "org": Table(
                Organization, "id", "name", "kind", "street", "postcode", "city", "country",
                "created_at",
            ),
            "user": Table(User, "id", "email", "name", "password", "language", "date_joined"),
            "membership": Table(
                Membership, "id", "organization_id", "user_id", "role", "accounting",
                "created_at",
            ),
            "product": Table(
                ProductInstance, "id", "organization_id", "plan_id", "period_months",
                "term_start", "term_end", "status", "auto_renewal", "cancelled_at", "created_at",
            ),
            "invoice": Table(
                Invoice, "id", "organization_id", "currency", "status", "payment_reference",
                "series", "number", "legal_number", "buyer_name", "buyer_street",
                "buyer_postcode", "buyer_city", "buyer_country", "seller_name", "seller_address",
                "seller_vat_number", "net_total", "vat_total", "total", "issued_at", "paid_at",
                "cancelled_at",
            ),
            "line": Table(
                InvoiceLine, "id", "invoice_id", "position", "description", "plan_id",
                "period_start", "period_end", "unit_price", "quantity", "vat_rate",
                "net_amount", "vat_amount", "total_amount",
            ),
            "payment": Table(
                Payment, "id", "organization_id", "method", "purpose", "amount", "currency",
                "status", "idempotency_key", "reference", "created_at", "confirmed_at",
            ),
            "payment_invoice": Table(
                Payment.invoices.through, "id", "payment_id", "invoice_id"
            ),
            "allocation": Table(
                Allocation, "id", "payment_id", "invoice_id", "amount", "created_at"
            ),
            "transaction": Table(
                Transaction, "id", "kind", "description", "idempotency_key", "organization_id",
                "created_at",
            ),
            "entry": Table(
                Entry, "id", "transaction_id", "account_id", "amount", "currency",
                "balance_after", "created_at",
            ),
            "audit": Table(
                AuditEvent, "id", "organization_id", "actor_id", "kind", "data", "ip",
                "created_at",
            ),
        }  # fmt: skip

    # --- ledger ---

    def _system(self, kind: AccountKind, currency: str, provider: str = "") -> int:
        account = account_system(kind=kind, currency=currency, provider=provider)
        self.currency_of[account.pk] = currency
        return account.pk

    def _post(
        self,
        kind: str,
        description: str,
        key: str,
        org: Org,
        at: datetime,
        postings: list[tuple[int, Decimal]],
    ) -> None:
        tx = self.ids.take(Transaction)
        self.t["transaction"].add(tx, kind, description, key, org.pk, at)
        for account, amount in sorted(postings):
            balance = None  # a system account caches no balance (docs/decisions/0005)
            if account in self.prepaid_new:
                balance = self.balances[account] + amount
                self.balances[account] = balance
                self.prepaid_made[account] += 1
            self.t["entry"].add(
                self.ids.take(Entry), tx, account, amount, self.currency_of[account], balance, at
            )

    # --- organizations, people, products ---

    def _organization(self, size: OrgSize, label: str, country: str) -> Org:
        pk = self.ids.take(Organization)
        currency = "CHF" if country == "CH" else "EUR"
        name = f"Bench {label} {pk:05d} S.L."
        self.t["org"].add(
            pk, name, OrganizationKind.COMPANY, "Calle Mayor 1", "28013", "Madrid", country,
            self.start,
        )  # fmt: skip
        org = Org(pk, size, country, currency, f"legal.{pk}@{EMAIL_DOMAIN}", name)
        rep = self._user(org.legal_email, f"Legal Representative {pk}")
        self._membership(org, rep, Role.LEGAL_REPRESENTATIVE, accounting=False)
        for n in range(size.members - 1):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            user = self._user(f"member.{pk}.{n}@{EMAIL_DOMAIN}", f"{first} {last} {n:05d}")
            role = Role.ADMINISTRATOR if n % 50 == 0 else Role.MEMBER
            self._membership(org, user, role, accounting=n % 10 == 0)
        plans = self.plans
        for n in range(size.products):
            plan = plans[n % len(plans)]
            period = 12 if n % 3 else 1
            term_end = self.now.date() + timedelta(days=self.rng.randint(-30, 365))
            status = ProductStatus.ACTIVE
            cancelled_at = None
            if n % 20 == 7:
                status = ProductStatus.EXPIRED
            elif n % 20 == 13:
                status, cancelled_at = ProductStatus.CANCELLED, self.now - timedelta(days=3)
            self.t["product"].add(
                self.ids.take(ProductInstance), pk, plan.pk, period,
                term_end - timedelta(days=30 * period), term_end, status, n % 4 != 0,
                cancelled_at, self.start,
            )  # fmt: skip
        if size.prepaid_entries:
            org.prepaid_account = self.ids.take(Account)
            self.balances[org.prepaid_account] = ZERO
            self.currency_of[org.prepaid_account] = currency
            self.prepaid_new[org.prepaid_account] = org
            # Half the entries pay invoices, each right after a credit that covers it.
            paid_expected = max(1, int(size.invoices * 0.9))
            org.pairs_left = min(size.prepaid_entries // 2, paid_expected)
        return org

    def _user(self, email: str, name: str) -> int:
        pk = self.ids.take(User)
        self.t["user"].add(pk, email, name, "!bench", "en", self.start)
        return pk

    def _membership(self, org: Org, user: int, role: str, *, accounting: bool) -> None:
        self.t["membership"].add(
            self.ids.take(Membership), org.pk, user, role, accounting, self.start
        )
        org.members.append(user)

    # --- invoices and payments ---

    def _schedule(self, orgs: list[Org]) -> Iterator[tuple[datetime, Org]]:
        span = (self.now - self.start).total_seconds()

        def times(org: Org) -> Iterator[tuple[float, int, Org]]:
            n = org.size.invoices
            offset = self.rng.random()
            for k in range(n):
                yield (span * (k + offset) / n, org.pk, org)

        for seconds, _pk, org in heapq.merge(*(times(o) for o in orgs)):
            yield self.start + timedelta(seconds=seconds), org

    def _payment(
        self, org: Org, method: str, purpose: str, amount: Decimal, at: datetime, status: str
    ) -> int:
        pk = self.ids.take(Payment)
        self.t["payment"].add(
            pk, org.pk, method, purpose, amount, org.currency, status, f"bench:payment:{pk}",
            f"PB-{pk:09d}", at, at if status == PaymentStatus.CONFIRMED else None,
        )  # fmt: skip
        return pk

    def _invoice(self, org: Org, issued_at: datetime, accounts: dict[str, int]) -> None:
        pk = self.ids.take(Invoice)
        currency = org.currency
        net = self.rng.choice(PRICES)
        rate = VAT_RATES[org.country]
        vat = quantize(net * rate / 100, currency)
        total = net + vat
        reference = f"PR-B{pk:09d}"
        plan = self.rng.choice(self.plans)
        day = timezone.localdate(issued_at)
        self.t["line"].add(
            self.ids.take(InvoiceLine), pk, 1, f"{plan.name} (12 months)", plan.pk, day,
            day + timedelta(days=364), net, 1, rate, net, vat, total,
        )  # fmt: skip
        self._post(
            TransactionKind.INVOICE_ISSUE,
            f"Invoice {reference}",
            f"invoice:{pk}:issue",
            org,
            issued_at,
            [(accounts["receivables"], -total), (accounts["revenue"], net), (accounts["vat"], vat)],
        )
        age = self.now - issued_at
        draw = self.rng.random()
        if age < timedelta(days=45):
            status = InvoiceStatus.UNPAID if draw < 0.5 else InvoiceStatus.PAID
        else:
            status = (
                InvoiceStatus.PAID
                if draw < 0.93
                else InvoiceStatus.CANCELLED
                if draw < 0.97
                else InvoiceStatus.UNPAID
            )
        series, number, legal = "", None, ""
        paid_at = cancelled_at = None
        if status == InvoiceStatus.PAID:
            paid_at = min(issued_at + timedelta(minutes=10), self.now)
            series = str(timezone.localdate(paid_at).year)
            if series not in self.counters:
                self.counters[series] = self._counter(series)
            number = self.counters[series]
            self.counters[series] = number + 1
            legal = f"{series}-{number:06d}"
            if org.pairs_left and org.prepaid_account and self.rng.random() < 0.6:
                org.pairs_left -= 1
                self._credit(org, (total // 10 + 1) * 10, paid_at - timedelta(minutes=1), accounts)
                method, source = PaymentMethod.PREPAID, org.prepaid_account
            else:
                method, source = PaymentMethod.CARD, accounts["clearing"]
            payment = self._payment(
                org, method, PaymentPurpose.INVOICES, total, paid_at, PaymentStatus.CONFIRMED
            )
            self.t["payment_invoice"].add(self.ids.take(Payment.invoices.through), payment, pk)
            self.t["allocation"].add(self.ids.take(Allocation), payment, pk, total, paid_at)
            self._post(
                TransactionKind.INVOICE_PAYMENT,
                f"Payment PB-{payment:09d}",
                f"payment:{payment}:confirm",
                org,
                paid_at,
                [(source, -total), (accounts["receivables"], total)],
            )
        elif status == InvoiceStatus.CANCELLED:
            cancelled_at = issued_at + timedelta(days=20)
            self._post(
                TransactionKind.INVOICE_CANCEL,
                f"Invoice {reference} cancelled",
                f"invoice:{pk}:cancel",
                org,
                cancelled_at,
                [
                    (accounts["receivables"], total),
                    (accounts["revenue"], -net),
                    (accounts["vat"], -vat),
                ],
            )
        self.t["invoice"].add(
            pk, org.pk, currency, status, reference, series, number, legal, org.name,
            "Calle Mayor 1", "28013", "Madrid", org.country, self.seller["name"],
            self.seller["address"], self.seller["vat_number"], net, vat, total, issued_at,
            paid_at, cancelled_at,
        )  # fmt: skip

    def _credit(self, org: Org, amount: Decimal, at: datetime, accounts: dict[str, int]) -> None:
        assert org.prepaid_account is not None
        payment = self._payment(
            org,
            PaymentMethod.CARD,
            PaymentPurpose.PREPAID_CREDIT,
            amount,
            at,
            PaymentStatus.CONFIRMED,
        )
        self._post(
            TransactionKind.PREPAID_CREDIT,
            f"Credit PB-{payment:09d} (Card)",
            f"payment:{payment}:confirm",
            org,
            at,
            [(accounts["clearing"], -amount), (org.prepaid_account, amount)],
        )

    def _counter(self, series: str) -> int:
        row = NumberSeries.objects.filter(code=series).first()
        return row.next_number if row else 1

    def _audit(self, org: Org) -> None:
        count = org.size.audit_events
        span = (self.now - self.start).total_seconds()
        actors = org.members[: max(1, min(len(org.members), 500))]
        for k in range(count):
            at = self.start + timedelta(seconds=span * (k + 0.5) / count)
            kind = AUDIT_KINDS[k % len(AUDIT_KINDS)]
            self.t["audit"].add(
                self.ids.take(AuditEvent), org.pk, self.rng.choice(actors), kind,
                {"bench": k}, f"192.0.2.{k % 250 + 1}", at,
            )  # fmt: skip

    # --- the run ---

    @transaction.atomic
    def run(self, progress: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
        catalog_ensure()  # the catalog of the migrations, back after a test's flush
        self.plans = list(Plan.objects.order_by("pk"))
        rebuild = self._indexes_drop()
        sizes = self.sizes
        # The system accounts first: prepaid accounts take the primary keys after them.
        per_currency = {
            currency: {
                "receivables": self._system(AccountKind.RECEIVABLES, currency),
                "revenue": self._system(AccountKind.REVENUE, currency),
                "vat": self._system(AccountKind.VAT_PAYABLE, currency),
                "clearing": self._system(AccountKind.CLEARING, currency, PaymentMethod.CARD),
            }
            for currency in ("EUR", "CHF")
        }
        small = self._organization(sizes.small, "Small", "ES")
        large = self._organization(sizes.large, "Large", "ES")
        orgs = [small, large]
        for n, size in enumerate(sizes.others()):
            orgs.append(self._organization(size, "Org", "CH" if n % 10 == 9 else "ES"))
        progress(f"{len(orgs)} organizations, their members and products")
        for done, (issued_at, org) in enumerate(self._schedule(orgs), start=1):
            self._invoice(org, issued_at, per_currency[org.currency])
            if done % 100_000 == 0:
                progress(f"{done:,} invoices")
        for org in orgs:
            self._audit(org)
        self._prepaid_rest(per_currency)
        for org in orgs[:2]:
            for days in range(1, 6):
                self._payment(
                    org,
                    PaymentMethod.BANK_TRANSFER,
                    PaymentPurpose.PREPAID_CREDIT,
                    Decimal("50.00"),
                    self.now - timedelta(days=days),
                    PaymentStatus.PENDING,
                )
        for table in self.t.values():
            table.flush()
        self._finish()
        progress("rows written")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            self._foreign_keys_check()
            progress("foreign keys checked")
        with connection.cursor() as cursor:
            for statement in rebuild:
                cursor.execute(statement)
        progress(f"{len(rebuild)} indexes built")
        progress(", ".join(f"{n}: {t.written:,}" for n, t in self.t.items()))
        return {
            "small": {"email": small.legal_email, "organization": small.pk},
            "large": {"email": large.legal_email, "organization": large.pk},
        }

    def _prepaid_rest(self, per_currency: dict[str, dict[str, int]]) -> None:
        """Top the prepaid entries up to the wanted count with credits of the last days."""
        for account, org in self.prepaid_new.items():
            missing = org.size.prepaid_entries - self.prepaid_made[account]
            for k in range(missing):
                at = self.now - timedelta(minutes=10 * (missing - k))
                self._credit(org, Decimal("25.00"), at, per_currency[org.currency])

    def _indexes_drop(self) -> list[str]:
        """PostgreSQL: drop the plain indexes of the big tables, to build them once at the
        end (much faster than row by row). Unique indexes and constraints stay."""
        if connection.vendor != "postgresql":
            return []
        tables = [t.model._meta.db_table for t in self.t.values()]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # Foreign keys are checked once, set-based, after the load (_foreign_keys_check)
            # instead of by a trigger per row.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                JOIN pg_class c ON c.relname = i.indexname
                JOIN pg_index x ON x.indexrelid = c.oid
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT x.indisunique AND NOT x.indisprimary
                """,
                [tables],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [definition for _name, definition in found]

    def _foreign_keys_check(self) -> None:
        """Every foreign key of the written rows points at a row (one anti-join per key)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in self.t.values():
                for f in table.fields:
                    if not isinstance(f, models.ForeignKey) or not f.db_constraint:  # type: ignore[attr-defined]
                        continue
                    target = f.related_model._meta  # type: ignore[union-attr]
                    column = str(f.column)
                    sql = (
                        f"SELECT count(*) FROM {quote(table.model._meta.db_table)} t "  # noqa: S608
                        f"WHERE t.{quote(column)} IS NOT NULL AND NOT EXISTS ("
                        f"SELECT 1 FROM {quote(target.db_table)} r "
                        f"WHERE r.{quote(str(f.target_field.column))} = t.{quote(column)})"
                    )
                    cursor.execute(sql)
                    (broken,) = cursor.fetchone()
                    if broken:
                        raise ValueError(f"{broken} rows of {table.model.__name__}.{f.name} dangle")

    def _finish(self) -> None:
        for account, org in self.prepaid_new.items():
            Account.objects.create(
                pk=account,
                kind=AccountKind.PREPAID,
                currency=org.currency,
                organization_id=org.pk,
                balance=self.balances[account],
            )
        for code, next_number in self.counters.items():
            NumberSeries.objects.update_or_create(code=code, defaults={"next_number": next_number})
        statements = connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in self.t.values()] + [Account]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
