"""CSV export of the invoice history (I5).

The rows are read in keyset batches of ``EXPORT_BATCH`` invoices (issued_at, id
descending, the order of the history) with their paid amounts and methods read
per batch, and written to CSV batch by batch: memory stays flat whatever the
number of invoices, and the first bytes leave before the last row is read.

Cells that a spreadsheet program would take for a formula (beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from billing.models import Allocation, Invoice, InvoiceStatus, PaymentMethod
from billing.queries import invoices_of
from core.outbox import email_enqueue
from orgs.models import Capability, Membership, Organization

EXPORT_BATCH = 2_000
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The formats one may choose; "" follows the language.
FORMATS = ("", "comma", "semicolon")
SEMICOLON_LANGUAGES = frozenset({"es", "fr", "de", "it"})


@dataclass(frozen=True)
class CsvFormat:
    separator: str
    decimal_mark: str
    bom: bool = False


def csv_format(*, language: str, chosen: str = "", bom: bool = False) -> CsvFormat:
    """I5: ';' and ',' for es, fr, de, it; ',' and '.' for en; or the chosen format."""
    if chosen == "comma":
        return CsvFormat(",", ".", bom)
    if chosen == "semicolon":
        return CsvFormat(";", ",", bom)
    if (language or "en").split("-")[0] in SEMICOLON_LANGUAGES:
        return CsvFormat(";", ",", bom)
    return CsvFormat(",", ".", bom)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text (CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _amount(value: Decimal | None, mark: str) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text.replace(".", mark) if mark != "." else text


def _day(value: datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def header() -> list[str]:
    return [
        _("Invoice number"),
        _("Payment reference"),
        _("Issued"),
        _("Paid on"),
        _("Status"),
        _("Currency"),
        _("Net"),
        _("VAT"),
        _("Total"),
        _("Paid amount"),
        _("Method"),
    ]


class _Line:
    """A file-like object whose write returns what it was given: csv.writer writes one
    row into it and the text goes straight out."""

    def write(self, value: str) -> str:
        return value


FIELDS = (
    "id",
    "legal_number",
    "payment_reference",
    "issued_at",
    "paid_at",
    "status",
    "currency",
    "net_total",
    "vat_total",
    "total",
)


def _batches(invoices: QuerySet[Invoice], size: int) -> Iterator[list[dict[str, Any]]]:
    invoices = invoices.order_by("-issued_at", "-id")
    last: tuple[datetime, int] | None = None
    while True:
        page = invoices
        if last is not None:
            page = page.filter(issued_at__lte=last[0]).exclude(issued_at=last[0], id__gte=last[1])
        rows = list(page.values(*FIELDS)[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = (rows[-1]["issued_at"], rows[-1]["id"])


def _payments(ids: list[int]) -> dict[int, tuple[Decimal, str]]:
    """Per invoice of the batch: the amount paid and the method (the last payment's)."""
    paid = (
        Allocation.objects.filter(invoice_id__in=ids)
        .values("invoice_id")
        .annotate(amount=Sum("amount"), method=Max("payment__method"))
        .order_by()
    )
    return {row["invoice_id"]: (row["amount"], row["method"]) for row in paid}


def csv_chunks(
    invoices: QuerySet[Invoice], fmt: CsvFormat, *, batch: int = EXPORT_BATCH
) -> Iterator[str]:
    """The CSV text of ``invoices``, one chunk per batch (the header first)."""
    writer = csv.writer(_Line(), delimiter=fmt.separator, lineterminator="\r\n")
    statuses = {value: str(label) for value, label in InvoiceStatus.choices}
    methods = {value: str(label) for value, label in PaymentMethod.choices}
    first = writer.writerow([neutralise(cell) for cell in header()])
    yield (BOM + first) if fmt.bom else first
    mark = fmt.decimal_mark
    for rows in _batches(invoices, batch):
        payments = _payments([row["id"] for row in rows])
        out = []
        for row in rows:
            amount, method = payments.get(row["id"], (None, ""))
            cells = [
                row["legal_number"],
                row["payment_reference"],
                _day(row["issued_at"]),
                _day(row["paid_at"]),
                statuses.get(row["status"], row["status"]),
                row["currency"],
                _amount(row["net_total"], mark),
                _amount(row["vat_total"], mark),
                _amount(row["total"], mark),
                _amount(amount or Decimal(0), mark),
                methods.get(method, method) if method else "",
            ]
            out.append(writer.writerow([neutralise(cell) for cell in cells]))
        yield "".join(out)


def csv_filename() -> str:
    return pgettext("file name", "invoices") + f"-{timezone.localdate().isoformat()}.csv"


# --- sending by e-mail ----------------------------------------------------------------

LINK_SALT = "billing.invoice-export-link"
LINK_MAX_AGE = 7 * 24 * 3600  # seconds: a link works for seven days


def export_token(*, membership: Membership, options: dict[str, str]) -> str:
    """A signed token naming the user, the organization and the export's options."""
    return signing.dumps(
        {"u": membership.user_id, "o": membership.organization_id, **options},
        salt=LINK_SALT,
        compress=True,
    )


def export_token_read(token: str, *, membership: Membership) -> dict[str, str] | None:
    """The options of a valid, unexpired token made for this user and organization."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    if data.pop("u", None) != membership.user_id or data.pop("o", None) != (
        membership.organization_id
    ):
        return None
    return {str(key): str(value) for key, value in data.items()}


def export_send(*, membership_id: int, options: dict[str, str], language: str) -> str:
    """Build the export and e-mail it to the member: attached when it is at most
    INVOICE_EXPORT_ATTACHMENT_MAX_BYTES, else a signed link valid seven days.
    Access is checked again here: a member who lost *accounting* gets nothing.
    Returns "attached", "link" or "refused"."""
    membership = (
        Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    )
    if membership is None or not membership.can(Capability.ACCOUNTING):
        return "refused"
    limit = settings.INVOICE_EXPORT_ATTACHMENT_MAX_BYTES
    with translation.override(language):
        invoices, fmt = export_query(membership.organization, options, language=language)
        size, parts = 0, list[bytes]()
        for chunk in csv_chunks(invoices, fmt):
            data = chunk.encode()
            size += len(data)
            if size > limit:
                parts = []
                break
            parts.append(data)
        filename = csv_filename()
        context = {"organization_name": membership.organization.name, "filename": filename}
        with transaction.atomic():
            if size <= limit:
                email_enqueue(
                    to=membership.user.email,
                    template="billing/email/invoice_export",
                    context={**context, "link": ""},
                    language=language,
                    attachments=[(filename, b"".join(parts), "text/csv")],
                )
                return "attached"
            token = export_token(membership=membership, options=options)
            email_enqueue(
                to=membership.user.email,
                template="billing/email/invoice_export",
                context={
                    **context,
                    "link": settings.SITE_URL + reverse("invoices:export_link", args=[token]),
                },
                language=language,
            )
            return "link"


def export_query(
    organization: Organization, options: dict[str, str], *, language: str
) -> tuple[QuerySet[Invoice], CsvFormat]:
    """The invoices and the format an export's options (already validated) name."""
    start = date.fromisoformat(options["issued_from"]) if options.get("issued_from") else None
    end = date.fromisoformat(options["issued_to"]) if options.get("issued_to") else None
    invoices = invoices_of(
        organization, status=options.get("status", ""), issued_from=start, issued_to=end
    )
    fmt = csv_format(
        language=language, chosen=options.get("format", ""), bom=options.get("bom") == "1"
    )
    return invoices, fmt
