"""I4: the Swiss QR-bill of a payment request or of a bank transfer, and the
structured reference that ``bank_transfers_import`` matches.

Reference (docs/decisions/0008-swiss-qr-bill-and-vat.md): the ISO 11649 creditor
reference (SCOR), "RF" + two check digits + our own reference without its dash
(``PR-3F2A9C01BE`` → ``RF76PR3F2A9C01BE``). The Swiss standard allows a SCOR
reference with an ordinary IBAN, which is what ``SELLER["iban"]`` is; a QR
reference (QRR, 27 digits) would need a QR-IBAN from the bank and could not
carry our letters. The mapping is reversible (our references are two letters,
a dash and hexadecimal digits), so a statement line gives back the payment
request or the payment it pays, and the check digits catch a mistyped one.

Currency: CHF payment requests get the QR-bill. The library and the standard
also allow EUR, but EUR goes to customers outside Switzerland and Liechtenstein
(O5), whose banks pay by SEPA transfer and read no Swiss QR-bill: they get the
IBAN and the same RF reference, which SEPA carries as its structured reference.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django_countries import countries
from qrbill import QRBill
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from billing.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from orgs.models import Organization

QR_BILL_CURRENCIES = frozenset({"CHF"})
# The QR-bill's own languages; the others read it in English.
QR_BILL_LANGUAGES = ("en", "de", "fr", "it")

# Limits of the Swiss payment standards (SIX, Implementation Guidelines QR-bill 2.3).
_NAME_MAX, _STREET_MAX, _POSTCODE_MAX, _CITY_MAX = 70, 70, 16, 35


def structured_reference(reference: str) -> str:
    """The ISO 11649 creditor reference of one of our references, without spaces."""
    body = "".join(reference.split()).replace("-", "").upper()
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def structured_reference_display(reference: str) -> str:
    """The creditor reference in groups of four, as a bank's form shows it."""
    return str(iso11649.format(structured_reference(reference)))


def reference_of_structured(text: str) -> str | None:
    """Our reference back from a creditor reference (spaces and case ignored),
    or None when ``text`` is no valid creditor reference."""
    compact = str(iso11649.compact(text or ""))
    if len(compact) > 25 or not iso11649.is_valid(compact):
        return None
    body = compact[4:]
    if len(body) < 3 or not body[:2].isalpha():
        return None
    return f"{body[:2]}-{body[2:]}"


@dataclass(frozen=True)
class TransferDetails:
    """What a bank transfer needs: shown on the page whether or not a QR-bill is."""

    amount: Decimal
    currency: str
    beneficiary: str
    iban: str
    reference: str  # ours: PR-…, GS-…
    debtor: dict[str, str] | None

    @property
    def structured_reference(self) -> str:
        return structured_reference_display(self.reference)

    @property
    def has_qr_bill(self) -> bool:
        return self.currency in QR_BILL_CURRENCIES and self.amount > 0


def _latin(text: str, limit: int) -> str:
    # The QR-bill carries a Latin character set only; anything else becomes a dot.
    kept = "".join(ch if (" " <= ch <= "~" or "\u00a0" <= ch <= "\u017f") else "." for ch in text)
    return " ".join(kept.split())[:limit]


def _address(
    *, name: str, street: str, postcode: str, city: str, country: str
) -> dict[str, str] | None:
    """A structured address (the only kind banks accept since November 2025),
    or None when the postcode, the city or the country is missing."""
    name, postcode, city = (
        _latin(name, _NAME_MAX),
        _latin(postcode, _POSTCODE_MAX),
        _latin(city, _CITY_MAX),
    )
    country = (country or "").upper()
    if not (name and postcode and city and country in countries):
        return None
    return {
        "name": name,
        "street": _latin(street, _STREET_MAX),
        "pcode": postcode,
        "city": city,
        "country": country,
    }


def seller_address() -> dict[str, str]:
    """The creditor: ``SELLER["name"]`` and ``SELLER["address"]`` read as
    "street and number", "postcode city", then the country (Switzerland by default)."""
    seller: dict[str, str] = settings.SELLER
    return dict(_seller_address(seller["name"], seller["address"]))


@functools.lru_cache(maxsize=8)
def _seller_address(name: str, address_text: str) -> dict[str, str]:
    # Cached: looking the country up by its name reads every country's name in
    # every language (milliseconds), and a PDF with a QR-bill needs it each time.
    lines = [line.strip() for line in address_text.splitlines() if line.strip()]
    street = lines[0] if len(lines) > 1 else ""
    postcode, _, city = (lines[1] if len(lines) > 1 else (lines[0] if lines else "")).partition(" ")
    country = "CH"
    if len(lines) > 2:
        country = countries.by_name(lines[2]) or (
            lines[2].upper() if lines[2].upper() in countries else "CH"
        )
    address = _address(name=name, street=street, postcode=postcode, city=city, country=country)
    if address is None:
        raise ValueError("SELLER_ADDRESS needs 'street\\npostcode city[\\ncountry]'")
    return address


def _organization_address(organization: Organization) -> dict[str, str] | None:
    return _address(
        name=organization.name,
        street=organization.street,
        postcode=organization.postcode,
        city=organization.city,
        country=str(organization.country or ""),
    )


def transfer_details_for_invoice(invoice: Invoice, *, outstanding: Decimal) -> TransferDetails:
    """I4: how to pay an unpaid payment request by bank transfer (``outstanding``
    is what is still due on it); the debtor is the invoice's buyer."""
    return TransferDetails(
        amount=outstanding if invoice.status == InvoiceStatus.UNPAID else Decimal(0),
        currency=invoice.currency,
        beneficiary=settings.SELLER["name"],
        iban=settings.SELLER["iban"],
        reference=invoice.payment_reference,
        debtor=_address(
            name=invoice.buyer_name,
            street=invoice.buyer_street,
            postcode=invoice.buyer_postcode,
            city=invoice.buyer_city,
            country=str(invoice.buyer_country or ""),
        ),
    )


def transfer_details_for_payment(payment: Payment) -> TransferDetails:
    """I4: how to make a pending bank-transfer payment (a credit of the prepaid
    account, an order); the debtor is the organization."""
    pending = (
        payment.method == PaymentMethod.BANK_TRANSFER and payment.status == PaymentStatus.PENDING
    )
    return TransferDetails(
        amount=payment.amount if pending else Decimal(0),
        currency=payment.currency,
        beneficiary=settings.SELLER["name"],
        iban=settings.SELLER["iban"],
        reference=payment.reference,
        debtor=_organization_address(payment.organization),
    )


def qr_bill_language(language: str | None) -> str:
    code = (language or "").split("-")[0].lower()
    return code if code in QR_BILL_LANGUAGES else "en"


def qr_bill(details: TransferDetails, *, language: str | None) -> Any | None:
    """The QR-bill (``qrbill.QRBill``) for ``details``, or None (EUR, nothing to pay)."""
    if not details.has_qr_bill:
        return None
    return QRBill(
        account=details.iban,
        creditor=seller_address(),
        amount=f"{details.amount:.2f}",
        currency=details.currency,
        debtor=details.debtor,
        reference_number=structured_reference(details.reference),
        language=qr_bill_language(language),
    )


@register()
def seller_qr_bill_check(*args: Any, **kwargs: Any) -> list[Error]:
    """The provider's IBAN and address must make a QR-bill, or every CHF payment
    request page would fail: say so at start-up instead."""
    try:
        seller_address()
        QRBill(
            account=settings.SELLER["iban"],
            creditor=seller_address(),
            reference_number=structured_reference("PR-0"),
        )
    except ValueError as error:
        return [
            Error(
                f"SELLER_IBAN or SELLER_ADDRESS cannot make a Swiss QR-bill: {error}",
                id="billing.E001",
            )
        ]
    return []


def qr_bill_svg(details: TransferDetails, *, language: str | None) -> str | None:
    """The payment part and receipt as an SVG document, or None without a QR-bill.

    Served as an image of its own (``<img>``): the page's Content-Security-Policy
    allows no inline style, and an image document runs nothing.
    """
    bill = qr_bill(details, language=language)
    if bill is None:
        return None
    out = io.StringIO()
    bill.as_svg(out)
    return out.getvalue()
