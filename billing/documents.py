"""I1, I4: invoices, payment requests and credit notes as PDF documents.

Drawn on a reportlab canvas with the standard Helvetica fonts, which the PDF
reader supplies: nothing is embedded, so a one-page payment request with its
QR-bill takes a few milliseconds (docs/decisions/0009-pdf-documents.md). The
fonts use the WinAnsi encoding, which covers Spanish, French, German, Italian
and the euro sign; any other character (emoji, Cyrillic, control characters)
is printed as "?" — never an error.

The QR-bill payment part is drawn here from ``billing.qr_bill``'s data (the
same payload and structured reference the bank-transfer import matches),
following the Swiss layout: receipt and payment part at the foot of the last
page, scissors lines, texts in the document's language.

Everything comes from what the invoice froze at issue (seller, buyer, line
texts per language, VAT note), in the organization's invoice language.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import zxingcpp
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from qrbill.bill import LABELS as QR_BILL_LABELS
from qrbill.bill import format_ref_number
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from billing.emails import CREDIT_NOTE_PDF, INVOICE_PDF
from billing.models import (
    PAYMENT_METHOD_IN_SENTENCE,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentStatus,
)
from billing.qr_bill import qr_bill, transfer_details_for_invoice
from billing.services import invoice_outstanding
from core.languages import text_in_language
from core.money import Money, money_format
from core.outbox import attachment_renderer_register
from orgs.models import Organization

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 20 * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
# The QR-bill payment part: the bottom 105 mm of an A4 page (SIX, Style Guide QR-bill).
QR_PART_HEIGHT = 105 * MM
FOOTER_HEIGHT = 12 * MM

FONT, BOLD = "Helvetica", "Helvetica-Bold"
DARK, GREY, RULE = (0.11, 0.13, 0.16), (0.42, 0.45, 0.5), (0.8, 0.82, 0.85)

# The QR-bill's own texts exist in en, de, fr and it (the standard's languages,
# from qrbill); Spanish is not one of them, so these are ours.
_QR_LABELS_ES = {
    "Payment part": "Sección de pago",
    "Account / Payable to": "Cuenta / Pagadero a",
    "Reference": "Referencia",
    "Additional information": "Información adicional",
    "Currency": "Moneda",
    "Amount": "Importe",
    "Receipt": "Resguardo",
    "Acceptance point": "Punto de aceptación",
    "Separate before paying in": "Separar antes del pago",
    "Payable by": "Pagadero por",
    "Payable by (name/address)": "Pagadero por (nombre/dirección)",
    "In favour of": "A favor de",
}


def _qr_label(text: str, language: str) -> str:
    if language == "es":
        return _QR_LABELS_ES[text]
    if language in ("de", "fr", "it"):
        return str(QR_BILL_LABELS[text][language])
    return text


# --- text -------------------------------------------------------------------------------

_SPACES = {0x202F: " ", 0x2009: " ", 0x2007: " ", 0x2002: " ", 0x2003: " "}


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def pdf_text(text: object) -> str:
    """``text`` in what Helvetica (WinAnsi) can print: thin spaces become spaces,
    control characters are dropped, anything else outside the encoding is "?"."""
    value = str(text).translate(_SPACES)
    if value.isascii() and value.isprintable():
        return value
    out = []
    for ch in value:
        if ch < " " or "\x7f" <= ch < "\xa0":
            out.append(" " if ch in "\t\n\r" else "")
        elif ch.isascii() or _encodable(ch):
            out.append(ch)
        elif "\ufe00" <= ch <= "\ufe0f" or ch in "\u200b\u200c\u200d\u2060":
            continue  # variation selectors, joiners: part of the previous "?"
        else:
            out.append("?")
    return "".join(out)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (long words are cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while stringWidth(word, font, size) > width:
                cut = len(word)
                while cut > 1 and stringWidth(word[:cut], font, size) > width:
                    cut = max(1, int(cut * 0.8))
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines or [""]


def _date(value: date | datetime | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def _rate(rate: Decimal) -> str:
    text = f"{rate.normalize():f}"
    return f"{formats.number_format(Decimal(text), use_l10n=True)} %"


# --- logo -------------------------------------------------------------------------------

_LOGO_CACHE: OrderedDict[tuple[str, int], ImageReader | None] = OrderedDict()
_LOGO_LOCK = threading.Lock()
_LOGO_CACHE_SIZE = 64


def _logo(organization: Organization) -> ImageReader | None:
    """The organization's logo, decoded once per process and file (LRU)."""
    if not organization.logo:
        return None
    name = organization.logo.name or ""
    try:
        size = organization.logo.size
    except (OSError, ValueError):
        return None
    key = (name, size)
    with _LOGO_LOCK:
        if key in _LOGO_CACHE:
            _LOGO_CACHE.move_to_end(key)
            return _LOGO_CACHE[key]
    try:
        with organization.logo.open("rb") as handle:
            reader: ImageReader | None = ImageReader(io.BytesIO(handle.read()))
            if reader is not None:
                reader.getSize()
    except Exception:  # a broken or missing file: the document goes without it
        reader = None
    with _LOGO_LOCK:
        _LOGO_CACHE[key] = reader
        while len(_LOGO_CACHE) > _LOGO_CACHE_SIZE:
            _LOGO_CACHE.popitem(last=False)
    return reader


# --- what a document shows ----------------------------------------------------------------


@dataclass
class _Row:
    description: list[str]
    period: str
    quantity: str
    unit_price: str
    vat_rate: str
    amount: str
    detail: list[str] = field(default_factory=list)  # the discount with its reason

    @property
    def height(self) -> float:
        return (len(self.description) + len(self.detail)) * 11 + 6


def payment_request_due_date(invoice: Invoice) -> date:
    """I4: a payment request is due PAYMENT_REQUEST_DUE_DAYS after its issue."""
    issued = timezone.localtime(invoice.issued_at).date()
    return issued + timedelta(days=settings.PAYMENT_REQUEST_DUE_DAYS)


def invoice_language(organization: Organization) -> str:
    """The language of the organization's documents (one of the panel's five)."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = organization.invoice_language
    return language if language in codes else settings.LANGUAGE_CODE


def _paid_with(invoice: Invoice) -> Payment | None:
    return (
        Payment.objects.filter(allocations__invoice=invoice, status=PaymentStatus.CONFIRMED)
        .order_by("-confirmed_at", "-id")
        .first()
    )


class _Document:
    """One PDF being drawn: pages with a header, the lines table, totals."""

    def __init__(self, *, invoice: Invoice, language: str, title: str) -> None:
        self.invoice = invoice
        self.language = language
        self.currency = invoice.currency
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(pdf_text(title))
        self.canvas.setAuthor(pdf_text(invoice.seller_name))
        self.canvas.setCreator("Gestor")
        self.page = 1
        # The canvas's current font and colour, so that unchanged ones are not re-sent.
        self._font: tuple[str, float] = ("", 0.0)
        self._color: tuple[float, float, float] = (-1.0, -1.0, -1.0)

    def forget_state(self) -> None:
        """After a new page or a restored graphics state: font and colour are unknown."""
        self._font = ("", 0.0)
        self._color = (-1.0, -1.0, -1.0)

    def money(self, amount: Decimal) -> str:
        return pdf_text(money_format(Money(amount, self.currency), language=self.language))

    # drawing helpers
    def text(
        self, x: float, y: float, text: str, *, font: str = FONT, size: float = 9.0, **kw: Any
    ) -> None:
        c = self.canvas
        if (font, size) != self._font:
            c.setFont(font, size)
            self._font = (font, size)
        color = kw.get("color", DARK)
        if color != self._color:
            c.setFillColorRGB(*color)
            self._color = color
        if kw.get("align") == "right":
            c.drawRightString(x, y, text)
        elif kw.get("align") == "center":
            c.drawCentredString(x, y, text)
        else:
            c.drawString(x, y, text)

    def rule(self, y: float, *, x0: float = MARGIN, x1: float = PAGE_WIDTH - MARGIN) -> None:
        c = self.canvas
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.line(x0, y, x1, y)

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


# Columns of the lines table: (right edge or left edge, alignment).
_COL_DESC = MARGIN
_COL_PERIOD = MARGIN + 74 * MM
_COL_QTY = MARGIN + 113 * MM
_COL_PRICE = MARGIN + 133 * MM
_COL_VAT = MARGIN + 149 * MM
_COL_AMOUNT = PAGE_WIDTH - MARGIN
_DESC_WIDTH = 72 * MM


def _rows(doc: _Document, lines: list[InvoiceLine]) -> list[_Row]:
    rows = []
    for line in lines:
        description = pdf_text(
            text_in_language(line.description_translations, line.description, doc.language)
        )
        period = ""
        if line.period_start:
            period = (
                f"{_date(line.period_start, doc.language)} – {_date(line.period_end, doc.language)}"
            )
        detail = []
        if line.discount:
            detail = _wrap(
                pdf_text(
                    _("Discount %(amount)s: %(reason)s")
                    % {"amount": doc.money(line.discount), "reason": line.discount_reason}
                ),
                FONT,
                7.5,
                _DESC_WIDTH,
            )
        rows.append(
            _Row(
                description=_wrap(description, FONT, 8.5, _DESC_WIDTH)[:20],
                period=pdf_text(period),
                quantity=str(line.quantity),
                unit_price=doc.money(line.unit_price),
                vat_rate=pdf_text(_rate(line.vat_rate)),
                amount=doc.money(line.net_amount),
                detail=detail[:6],
            )
        )
    return rows


def _vat_summary(lines: list[InvoiceLine]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """Per VAT rate: (rate, net, VAT), from the lines as issued."""
    per_rate: dict[Decimal, list[Decimal]] = {}
    for line in lines:
        sums = per_rate.setdefault(line.vat_rate, [Decimal(0), Decimal(0)])
        sums[0] += line.net_amount
        sums[1] += line.vat_amount
    return [(rate, net, vat) for rate, (net, vat) in sorted(per_rate.items())]


def _address_lines(invoice: Invoice) -> list[str]:
    lines = [invoice.buyer_name, invoice.buyer_street]
    lines.append(f"{invoice.buyer_postcode} {invoice.buyer_city}".strip())
    if invoice.buyer_country:
        lines.append(str(countries.name(str(invoice.buyer_country))))
    return [pdf_text(line)[:80] for line in lines if line and line.strip()]


_TITLE_DROP = 58 * MM


def _draw_header(doc: _Document, *, title: str, facts: list[tuple[str, str]], first: bool) -> float:
    """The seller, the buyer and the document's facts; returns where the table starts."""
    c = doc.canvas
    invoice = doc.invoice
    top = PAGE_HEIGHT - MARGIN
    # Seller, as frozen at issue.
    doc.text(MARGIN, top - 4, pdf_text(invoice.seller_name)[:70], font=BOLD, size=12)
    y = top - 16
    for line in [*invoice.seller_address.splitlines(), invoice.seller_vat_number]:
        if line.strip():
            doc.text(MARGIN, y, pdf_text(line)[:80], size=8.5, color=GREY)
            y -= 10.5
    if not first:
        doc.text(PAGE_WIDTH - MARGIN, top - 4, pdf_text(title), font=BOLD, size=11, align="right")
        doc.rule(top - 52)
        return top - 68
    # Buyer: where a Swiss window envelope (window on the right) shows it.
    logo = _logo(invoice.organization)
    bx, by = PAGE_WIDTH - MARGIN - 75 * MM, top - 27 * MM
    if logo is not None:
        width, height = logo.getSize()
        scale = min(40 * MM / max(width, 1), 14 * MM / max(height, 1))
        c.drawImage(
            logo,
            PAGE_WIDTH - MARGIN - width * scale,
            top - height * scale + 2,
            width * scale,
            height * scale,
            mask="auto",
        )
    for i, line in enumerate(_address_lines(invoice)):
        doc.text(bx, by - i * 12, line, font=BOLD if i == 0 else FONT, size=10)
    # Title and facts.
    y = top - _TITLE_DROP
    doc.text(MARGIN, y, pdf_text(title), font=BOLD, size=17)
    y -= 20
    for i, (label, value) in enumerate(facts):
        col = MARGIN + (i % 3) * (CONTENT_WIDTH / 3)
        row_y = y - (i // 3) * 24
        doc.text(col, row_y, pdf_text(label), size=7.5, color=GREY)
        doc.text(col, row_y - 11, pdf_text(value)[:60], font=BOLD, size=9.5)
    rows_of_facts = (len(facts) + 2) // 3
    return y - rows_of_facts * 24 - 10


def _draw_table_head(doc: _Document, y: float) -> float:
    labels = [
        (_COL_DESC, _("Description"), "left"),
        (_COL_PERIOD, _("Period"), "left"),
        (_COL_QTY, _("Quantity"), "right"),
        (_COL_PRICE, _("Unit price"), "right"),
        (_COL_VAT, _("VAT"), "right"),
        (_COL_AMOUNT, _("Amount"), "right"),
    ]
    c = doc.canvas
    c.setFillColorRGB(0.95, 0.96, 0.97)
    c.rect(MARGIN - 2, y - 5, CONTENT_WIDTH + 4, 16, stroke=0, fill=1)
    doc.forget_state()
    for x, label, align in labels:
        doc.text(x, y, pdf_text(label), font=BOLD, size=8, align=align)
    return y - 18


def _draw_row(doc: _Document, row: _Row, y: float) -> float:
    doc.text(_COL_DESC, y, row.description[0], size=8.5)
    doc.text(_COL_PERIOD, y, row.period, size=8)
    doc.text(_COL_QTY, y, row.quantity, size=8.5, align="right")
    doc.text(_COL_PRICE, y, row.unit_price, size=8.5, align="right")
    doc.text(_COL_VAT, y, row.vat_rate, size=8.5, align="right")
    doc.text(_COL_AMOUNT, y, row.amount, size=8.5, align="right")
    y -= 11
    for extra in row.description[1:]:
        doc.text(_COL_DESC, y, extra, size=8.5)
        y -= 11
    for extra in row.detail:
        doc.text(_COL_DESC + 6, y, extra, size=7.5, color=GREY)
        y -= 11
    doc.rule(y + 5)
    return y - 6


def _footer(doc: _Document, *, title: str, pages: int, bottom: float) -> None:
    if pages > 1:
        doc.text(
            PAGE_WIDTH - MARGIN,
            bottom - 14,
            pdf_text(
                _("%(title)s · page %(page)s of %(pages)s")
                % {"title": title, "page": doc.page, "pages": pages}
            ),
            size=7.5,
            color=GREY,
            align="right",
        )


@dataclass
class _Closing:
    """What follows the lines: totals, notes, the paid mention (drawn on the last page)."""

    totals: list[tuple[str, str, bool]]
    vat_rows: list[tuple[str, str, str]]
    notes: list[tuple[str, bool]]
    note_lines: list[tuple[str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for note, strong in self.notes:
            font = BOLD if strong else FONT
            self.note_lines += [(line, strong) for line in _wrap(note, font, 8.5, CONTENT_WIDTH)]
            self.note_lines.append(("", False))

    def height(self) -> float:
        left = 23 + len(self.vat_rows) * 11
        right = len(self.totals) * 14
        return 8 + max(left, right) + 12 + len(self.note_lines) * 11


def _draw_closing(doc: _Document, closing: _Closing, y: float) -> None:
    # VAT summary on the left, totals on the right.
    y -= 8
    top = y
    doc.text(MARGIN, y, pdf_text(_("VAT summary")), font=BOLD, size=8)
    y -= 12
    doc.text(MARGIN, y, pdf_text(_("VAT rate")), size=7.5, color=GREY)
    doc.text(MARGIN + 45 * MM, y, pdf_text(_("Net")), size=7.5, color=GREY, align="right")
    doc.text(MARGIN + 70 * MM, y, pdf_text(_("VAT")), size=7.5, color=GREY, align="right")
    y -= 11
    for rate, net, vat in closing.vat_rows:
        doc.text(MARGIN, y, rate, size=8)
        doc.text(MARGIN + 45 * MM, y, net, size=8, align="right")
        doc.text(MARGIN + 70 * MM, y, vat, size=8, align="right")
        y -= 11
    left_bottom = y
    y = top
    for label, value, strong in closing.totals:
        font = BOLD if strong else FONT
        size = 10.5 if strong else 9
        if strong:
            doc.rule(y + 10, x0=_COL_PRICE - 30 * MM)
        doc.text(_COL_PRICE, y, pdf_text(label), font=font, size=size, align="right")
        doc.text(_COL_AMOUNT, y, value, font=font, size=size, align="right")
        y -= 14
    y = min(y, left_bottom) - 12
    for line, strong in closing.note_lines:
        if line:
            doc.text(MARGIN, y, line, font=BOLD if strong else FONT, size=8.5)
        y -= 11 if line else 5


def _render(
    doc: _Document,
    *,
    title: str,
    facts: list[tuple[str, str]],
    rows: list[_Row],
    closing: _Closing,
    qr: Any | None,
) -> bytes:
    """Lays the rows out over as many pages as needed; the closing block (and the
    QR-bill, at the foot) on the last page."""
    # Dry run: how the rows fall on pages, to number them "page n of m".
    pages: list[list[_Row]] = [[]]
    start = _header_height(first=True, facts=len(facts))
    y = start
    bottom = MARGIN + FOOTER_HEIGHT
    for row in rows:
        if y - row.height < bottom:
            pages.append([])
            y = _header_height(first=False, facts=0)
        pages[-1].append(row)
        y -= row.height
    last_bottom = (QR_PART_HEIGHT + 8 * MM) if qr is not None else bottom
    if y - closing.height() < last_bottom:
        pages.append([])
    total = len(pages)
    for number, page_rows in enumerate(pages, start=1):
        doc.page = number
        y = _draw_header(doc, title=title, facts=facts, first=number == 1)
        if page_rows or number == 1:
            y = _draw_table_head(doc, y)
            for row in page_rows:
                y = _draw_row(doc, row, y)
        if number == total:
            _draw_closing(doc, closing, y)
            if qr is not None:
                _draw_qr_bill(doc, qr)
        _footer(doc, title=title, pages=total, bottom=bottom if number < total else last_bottom)
        doc.canvas.showPage()
        doc.forget_state()
    return doc.finish()


def _header_height(*, first: bool, facts: int) -> float:
    top = PAGE_HEIGHT - MARGIN
    if not first:
        return top - 68 - 18
    return top - _TITLE_DROP - 20 - ((facts + 2) // 3) * 24 - 10 - 18


# --- the QR-bill payment part -------------------------------------------------------------


def qr_matrix(payload: str) -> list[bytes]:
    """The QR code of a QR-bill payload, one ``bytes`` per row (0 = light, 1 = dark).

    Error correction M, as the standard asks; the payload goes in as its UTF-8
    bytes (coding type 1, no ECI segment), like qrbill's own image. zxing-cpp
    encodes in C++ (about 2 ms, mask chosen by the standard's penalty rules)
    where the pure-Python encoders need 8 to 35 ms (docs/decisions/0009-pdf-documents.md).
    """
    code = zxingcpp.create_barcode(
        payload.encode("utf-8"), zxingcpp.BarcodeFormat.QRCode, ec_level="M"
    )
    image = memoryview(cast(Any, code.to_image(scale=1, add_quiet_zones=False)))
    size = image.shape[0] if image.shape else 0
    pixels = bytes(image)
    return [pixels[r * size : (r + 1) * size].translate(_DARK) for r in range(size)]


_DARK = bytes([1] + [0] * 255)  # the image is black (0) on white (255)


def _qr_path(doc: _Document, matrix: list[bytes], x: float, y: float, size: float) -> None:
    """The QR code as one filled path: a rectangle per run of dark modules in a
    row, written in module units under one scaling (integers only)."""
    n = len(matrix)
    runs = []
    for r, row in enumerate(matrix):
        top = n - r - 1
        col = row.find(1)
        while col != -1:
            end = row.find(0, col)
            if end == -1:
                end = n
            runs.append(f"{col} {top} {end - col} 1 re")
            col = row.find(1, end)
    module = size / n
    c = doc.canvas
    c.saveState()
    c.transform(module, 0, 0, module, x, y)
    c.setFillColorRGB(0, 0, 0)
    c.addLiteral("\n".join(runs) + "\nf")
    c.restoreState()
    doc.forget_state()


def _swiss_cross(doc: _Document, cx: float, cy: float) -> None:
    c = doc.canvas
    size = 7 * MM
    c.setFillColorRGB(1, 1, 1)
    c.rect(cx - size / 2, cy - size / 2, size, size, stroke=0, fill=1)
    inner = size * 18.4 / 20
    c.setFillColorRGB(0, 0, 0)
    c.rect(cx - inner / 2, cy - inner / 2, inner, inner, stroke=0, fill=1)
    arm_long, arm_short = size * 11 / 20, size * 3.3 / 20
    c.setFillColorRGB(1, 1, 1)
    c.rect(cx - arm_short / 2, cy - arm_long / 2, arm_short, arm_long, stroke=0, fill=1)
    c.rect(cx - arm_long / 2, cy - arm_short / 2, arm_long, arm_short, stroke=0, fill=1)
    doc.forget_state()


def _corners(doc: _Document, x: float, y: float, width: float, height: float) -> None:
    """The corner marks of an empty field (amount, payer) to fill by hand."""
    c = doc.canvas
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.75)
    arm = 3 * MM
    for cx, cy, dx, dy in (
        (x, y, arm, arm),
        (x + width, y, -arm, arm),
        (x, y + height, arm, -arm),
        (x + width, y + height, -arm, -arm),
    ):
        c.line(cx, cy, cx + dx, cy)
        c.line(cx, cy, cx, cy + dy)


def _iban_display(iban: str) -> str:
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _amount_display(amount: str) -> str:
    whole, _sep, cents = amount.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return " ".join(groups) + "." + (cents or "00")


def _draw_qr_bill(doc: _Document, bill: Any) -> None:
    """Receipt (62 mm) and payment part (148 mm), 105 mm high at the page's foot."""
    c = doc.canvas
    language = doc.language

    def label(text: str) -> str:
        return pdf_text(_qr_label(text, language))

    top = QR_PART_HEIGHT
    # Scissors lines: above the part and between receipt and payment part.
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.5)
    c.setDash(2, 2)
    c.line(0, top, PAGE_WIDTH, top)
    c.line(62 * MM, 0, 62 * MM, top)
    c.setDash()
    doc.text(
        PAGE_WIDTH / 2,
        top + 3,
        label("Separate before paying in"),
        size=7,
        align="center",
    )
    creditor = [pdf_text(line) for line in bill.creditor.as_paragraph()]
    debtor = [pdf_text(line) for line in bill.debtor.as_paragraph()] if bill.debtor else []
    account = _iban_display(bill.account)
    reference = pdf_text(format_ref_number(bill))
    amount = _amount_display(bill.amount) if bill.amount else ""

    # Receipt.
    x = 5 * MM
    y = top - 5 * MM - 11
    doc.text(x, y, label("Receipt"), font=BOLD, size=11)
    y -= 7 * MM
    for head, values in (
        ("Account / Payable to", [account, *creditor]),
        ("Reference", [reference]),
        ("Payable by" if debtor else "Payable by (name/address)", debtor),
    ):
        doc.text(x, y, label(head), font=BOLD, size=6)
        y -= 9
        for value in values:
            doc.text(x, y, value[:40], size=8)
            y -= 9
        y -= 9
        if not values:
            _corners(doc, x, y - 20 * MM + 18, 52 * MM, 20 * MM)
    y = 37 * MM
    doc.text(x, y, label("Currency"), font=BOLD, size=6)
    doc.text(x + 13 * MM, y, label("Amount"), font=BOLD, size=6)
    doc.text(x, y - 11, bill.currency, size=8)
    if amount:
        doc.text(x + 13 * MM, y - 11, amount, size=8)
    else:
        _corners(doc, x + 22 * MM, y - 10 * MM - 4, 30 * MM, 10 * MM)
    doc.text(57 * MM, 18 * MM, label("Acceptance point"), font=BOLD, size=6, align="right")

    # Payment part.
    x = 67 * MM
    y = top - 5 * MM - 11
    doc.text(x, y, label("Payment part"), font=BOLD, size=11)
    qr_size = 46 * MM
    qr_y = top - 17 * MM - qr_size
    _qr_path(doc, qr_matrix(bill.qr_data()), x, qr_y, qr_size)
    _swiss_cross(doc, x + qr_size / 2, qr_y + qr_size / 2)
    y = 37 * MM
    doc.text(x, y, label("Currency"), font=BOLD, size=8)
    doc.text(x + 17 * MM, y, label("Amount"), font=BOLD, size=8)
    doc.text(x, y - 13, bill.currency, size=10)
    if amount:
        doc.text(x + 17 * MM, y - 13, amount, size=10)
    else:
        _corners(doc, x + 11 * MM, y - 15 * MM - 4, 40 * MM, 15 * MM)

    x = 118 * MM
    y = top - 5 * MM - 10
    info = [pdf_text(bill.additional_information)] if bill.additional_information else []
    for head, values in (
        ("Account / Payable to", [account, *creditor]),
        ("Reference", [reference]),
        ("Additional information", info),
        ("Payable by" if debtor else "Payable by (name/address)", debtor),
    ):
        if head == "Additional information" and not values:
            continue
        doc.text(x, y, label(head), font=BOLD, size=8)
        y -= 11
        for value in values:
            doc.text(x, y, value[:60], size=10)
            y -= 11
        y -= 11
        if not values:
            _corners(doc, x, y - 25 * MM + 22, 65 * MM, 25 * MM)


# --- the documents ------------------------------------------------------------------------


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """I1, I4: the invoice as PDF, in the organization's invoice language unless
    ``language`` is given. Paid (or refunded): the final invoice with its legal
    number and "paid" with date and method. Unpaid: a payment request, with its
    reference, due date and, for CHF, the Swiss QR-bill payment part. Cancelled:
    the payment request marked as cancelled."""
    language = language or invoice_language(invoice.organization)
    with translation.override(language):
        return _invoice_pdf(invoice, language)


def _invoice_pdf(invoice: Invoice, language: str) -> bytes:
    lines = list(invoice.lines.all())
    final = invoice.is_final
    if final:
        title = _("Invoice %(number)s") % {"number": invoice.legal_number}
    else:
        title = _("Payment request %(reference)s") % {"reference": invoice.payment_reference}
    doc = _Document(invoice=invoice, language=language, title=title)
    facts: list[tuple[str, str]] = []
    notes: list[tuple[str, bool]] = []
    qr = None
    if final:
        facts += [
            (_("Invoice number"), invoice.legal_number),
            (_("Invoice date"), _date(invoice.paid_at or invoice.issued_at, language)),
            (_("Payment reference"), invoice.payment_reference),
        ]
        payment = _paid_with(invoice)
        paid = _("Paid on %(date)s") % {"date": _date(invoice.paid_at, language)}
        if payment is not None:
            method = str(PAYMENT_METHOD_IN_SENTENCE.get(payment.method, payment.method))
            paid = _("Paid on %(date)s %(method)s.") % {
                "date": _date(invoice.paid_at, language),
                "method": method,
            }
        notes.append((pdf_text(paid), True))
        if invoice.status == InvoiceStatus.REFUNDED:
            credit = CreditNote.objects.filter(invoice=invoice).first()
            refunded = _("Refunded on %(date)s.") % {"date": _date(invoice.refunded_at, language)}
            if credit is not None:
                refunded = _("Refunded on %(date)s: credit note %(number)s.") % {
                    "date": _date(invoice.refunded_at, language),
                    "number": credit.legal_number,
                }
            notes.append((pdf_text(refunded), True))
    else:
        due = payment_request_due_date(invoice)
        facts += [
            (_("Payment reference"), invoice.payment_reference),
            (_("Issued"), _date(invoice.issued_at, language)),
            (_("Due date"), _date(due, language)),
        ]
        if invoice.status == InvoiceStatus.CANCELLED:
            notes.append(
                (
                    pdf_text(
                        _("Cancelled on %(date)s: nothing is to be paid.")
                        % {"date": _date(invoice.cancelled_at, language)}
                    ),
                    True,
                )
            )
        else:
            notes.append(
                (
                    pdf_text(
                        _(
                            "This is a payment request, not an invoice: the invoice, with its "
                            "number, follows once it is paid. Please pay by %(date)s."
                        )
                        % {"date": _date(due, language)}
                    ),
                    True,
                )
            )
            outstanding = invoice_outstanding(invoice).amount
            details = transfer_details_for_invoice(invoice, outstanding=outstanding)
            if outstanding > 0:
                notes.append(
                    (
                        pdf_text(
                            _(
                                "Bank transfer to %(beneficiary)s, IBAN %(iban)s, "
                                "reference %(reference)s."
                            )
                            % {
                                "beneficiary": details.beneficiary,
                                "iban": _iban_display(details.iban),
                                "reference": details.structured_reference,
                            }
                        ),
                        False,
                    )
                )
            qr = qr_bill(details, language=language)
    if invoice.vat_note or invoice.vat_note_translations:
        notes.insert(
            0,
            (
                pdf_text(
                    text_in_language(invoice.vat_note_translations, invoice.vat_note, language)
                ),
                False,
            ),
        )
    closing = _Closing(
        totals=[
            (_("Total excluding VAT"), doc.money(invoice.net_total), False),
            (_("VAT"), doc.money(invoice.vat_total), False),
            (_("Total"), doc.money(invoice.total), True),
        ],
        vat_rows=[
            (pdf_text(_rate(rate)), doc.money(net), doc.money(vat))
            for rate, net, vat in _vat_summary(lines)
        ],
        notes=notes,
    )
    return _render(doc, title=title, facts=facts, rows=_rows(doc, lines), closing=closing, qr=qr)


def credit_note_pdf(credit_note: CreditNote, *, language: str | None = None) -> bytes:
    """I1: the credit note as PDF (its own number, the invoice it corrects, the
    lines it credits and the totals), in the organization's invoice language."""
    invoice = credit_note.invoice
    language = language or invoice_language(invoice.organization)
    with translation.override(language):
        title = _("Credit note %(number)s") % {"number": credit_note.legal_number}
        doc = _Document(invoice=invoice, language=language, title=title)
        lines = list(invoice.lines.all())
        facts = [
            (_("Credit note number"), credit_note.legal_number),
            (_("Date"), _date(credit_note.created_at, language)),
            (_("Corrects invoice"), invoice.legal_number or invoice.payment_reference),
        ]
        notes = [
            (
                pdf_text(
                    _("This credit note cancels invoice %(number)s of %(date)s. Reason: %(reason)s")
                    % {
                        "number": invoice.legal_number or invoice.payment_reference,
                        "date": _date(invoice.paid_at or invoice.issued_at, language),
                        "reason": credit_note.reason,
                    }
                ),
                True,
            )
        ]
        if invoice.vat_note or invoice.vat_note_translations:
            notes.append(
                (
                    pdf_text(
                        text_in_language(invoice.vat_note_translations, invoice.vat_note, language)
                    ),
                    False,
                )
            )
        closing = _Closing(
            totals=[
                (_("Total excluding VAT"), doc.money(credit_note.net_total), False),
                (_("VAT"), doc.money(credit_note.vat_total), False),
                (_("Total credited"), doc.money(credit_note.total), True),
            ],
            vat_rows=[
                (pdf_text(_rate(rate)), doc.money(net), doc.money(vat))
                for rate, net, vat in _vat_summary(lines)
            ],
            notes=notes,
        )
        return _render(
            doc, title=title, facts=facts, rows=_rows(doc, lines), closing=closing, qr=None
        )


def pdf_filename(document: Invoice | CreditNote) -> str:
    """The download's file name, with the document's number: ``invoice-2026-0001.pdf``."""
    if isinstance(document, CreditNote):
        stem = f"credit-note-{document.legal_number}"
    elif document.is_final:
        stem = f"invoice-{document.legal_number}"
    else:
        stem = f"payment-request-{document.payment_reference}"
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem) + ".pdf"


def _invoice_pdf_of(reference: str) -> bytes:
    return invoice_pdf(Invoice.objects.get(pk=int(reference)))


def _credit_note_pdf_of(reference: str) -> bytes:
    return credit_note_pdf(CreditNote.objects.get(pk=int(reference)))


def renderers_register() -> None:
    """Called once from ``BillingConfig.ready``: the invoice e-mails' PDFs are made
    when the e-mail is sent (``core.outbox.AttachmentLater``, I7)."""
    attachment_renderer_register(INVOICE_PDF, _invoice_pdf_of)
    attachment_renderer_register(CREDIT_NOTE_PDF, _credit_note_pdf_of)
