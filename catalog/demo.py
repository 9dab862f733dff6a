"""The catalog every fresh database starts with (S1, P5): offers, plans,
prices in CHF and EUR (set separately, not converted), monthly minimums and the
VAT rules. Loaded by a data migration, so a plain ``migrate`` gives a usable
catalog; support agents change all of it in the back office.

``catalog_seed`` takes an app registry (the migration's historical one, or
``django.apps.apps``) and is idempotent: rows are found again by identifier.
"""

from datetime import date
from decimal import Decimal
from typing import Any

# kind, slug, name, description, free
OFFERS = [
    ("web_hosting", "web-hosting", "Web hosting", "Websites with PHP, databases and SSL.", False),
    ("email_service", "email", "E-mail service", "Professional mailboxes at your domain.", False),
    ("email_service", "email-free", "E-mail Free", "One small mailbox, free of charge.", True),
    ("file_storage", "storage", "File storage", "Share and sync files in your team.", False),
    ("file_storage", "storage-free", "File storage Free", "A small personal space, free.", True),
    ("backup", "backup", "Backup", "Encrypted copies of your computers and servers.", False),
    ("domain_name", "domain", "Domain names", "Register and renew your domain names.", False),
    ("cloud_server", "cloud", "Cloud server", "Virtual servers with SSD storage.", False),
]

# offer slug, plan slug, name, storage GB, mailboxes, monthly price EUR, CHF
PLANS = [
    ("web-hosting", "web-starter", "Starter 10 GB", 10, None, "4.50", "5.50"),
    ("web-hosting", "web-business", "Business 50 GB", 50, None, "9.90", "11.00"),
    ("web-hosting", "web-pro", "Pro 200 GB", 200, None, "19.90", "22.00"),
    ("email", "mail-5", "Mail 5", 25, 5, "6.00", "7.00"),
    ("email", "mail-25", "Mail 25", 125, 25, "24.00", "27.00"),
    ("email-free", "mail-free", "Mail Free", 1, 1, "0.00", "0.00"),
    ("storage", "storage-100", "Storage 100 GB", 100, None, "5.00", "6.00"),
    ("storage", "storage-1000", "Storage 1 TB", 1000, None, "15.00", "17.00"),
    ("storage-free", "storage-free", "Storage Free 5 GB", 5, None, "0.00", "0.00"),
    ("backup", "backup-50", "Backup 50 GB", 50, None, "3.00", "3.50"),
    ("backup", "backup-500", "Backup 500 GB", 500, None, "12.00", "14.00"),
    ("cloud", "cloud-s", "Cloud S (2 vCPU, 4 GB RAM)", 40, None, "12.00", "14.00"),
    ("cloud", "cloud-m", "Cloud M (4 vCPU, 8 GB RAM)", 80, None, "24.00", "27.00"),
    ("cloud", "cloud-l", "Cloud L (8 vCPU, 16 GB RAM)", 160, None, "48.00", "54.00"),
]

# Domain names are sold by the year: plan slug, name, yearly EUR, CHF.
DOMAINS = [
    ("domain-ch", ".ch", "12.00", "13.00"),
    ("domain-com", ".com", "15.00", "16.00"),
    ("domain-es", ".es", "10.00", "12.00"),
]

CENT = Decimal("0.01")
TEN_CENTS = Decimal("0.1")


def _periodic(monthly: Decimal) -> dict[int, Decimal]:
    """1, 3 and 12 months; longer terms cost less per month."""
    return {
        1: monthly,
        3: (monthly * 3 * Decimal("0.95")).quantize(TEN_CENTS).quantize(CENT),
        12: (monthly * 12 * Decimal("0.85")).quantize(TEN_CENTS).quantize(CENT),
    }


def catalog_seed(apps: Any) -> None:
    Offer = apps.get_model("catalog", "Offer")
    Plan = apps.get_model("catalog", "Plan")
    Price = apps.get_model("catalog", "Price")
    MonthlyMinimum = apps.get_model("catalog", "MonthlyMinimum")
    VatRate = apps.get_model("catalog", "VatRate")

    offers = {}
    for order, (kind, slug, name, description, free) in enumerate(OFFERS):
        offers[slug], _ = Offer.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "name": name,
                "description": description,
                "is_free": free,
                "order": order,
            },
        )

    def plan_with_prices(offer, slug, name, order, gb, mailboxes, prices):
        plan, _ = Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "offer": offer,
                "name": name,
                "storage_gb": gb,
                "mailbox_count": mailboxes,
                "order": order,
            },
        )
        for (currency, months), amount in prices.items():
            Price.objects.update_or_create(
                plan=plan, currency=currency, period_months=months, defaults={"amount": amount}
            )

    for order, (offer_slug, slug, name, gb, mailboxes, eur, chf) in enumerate(PLANS):
        offer = offers[offer_slug]
        if offer.is_free:
            prices = {("EUR", 12): Decimal("0.00"), ("CHF", 12): Decimal("0.00")}
        else:
            prices = {("EUR", m): a for m, a in _periodic(Decimal(eur)).items()}
            prices |= {("CHF", m): a for m, a in _periodic(Decimal(chf)).items()}
        plan_with_prices(offer, slug, name, order, gb, mailboxes, prices)

    for order, (slug, name, eur, chf) in enumerate(DOMAINS):
        prices = {}
        for currency, yearly in (("EUR", Decimal(eur)), ("CHF", Decimal(chf))):
            prices[(currency, 12)] = yearly
            prices[(currency, 24)] = (
                (yearly * 2 * Decimal("0.95")).quantize(TEN_CENTS).quantize(CENT)
            )
        plan_with_prices(offers["domain"], slug, name, order, None, None, prices)

    # P5: below these monthly prices only quarterly and yearly terms are sold.
    for currency in ("EUR", "CHF"):
        MonthlyMinimum.objects.update_or_create(
            currency=currency, defaults={"amount": Decimal("5.00")}
        )

    # S1: Swiss VAT for Switzerland and Liechtenstein, with its history.
    for country in ("CH", "LI"):
        VatRate.objects.update_or_create(
            country=country,
            valid_from=date(2018, 1, 1),
            defaults={"rate": Decimal("7.70"), "valid_until": date(2023, 12, 31), "mention": ""},
        )
        VatRate.objects.update_or_create(
            country=country,
            valid_from=date(2024, 1, 1),
            defaults={"rate": Decimal("8.10"), "valid_until": None, "mention": ""},
        )
    VatRate.objects.update_or_create(
        country="",
        valid_from=date(2018, 1, 1),
        defaults={
            "rate": Decimal("0.00"),
            "valid_until": None,
            "mention": "Export of services: not subject to Swiss VAT.",
        },
    )


def catalog_ensure() -> None:
    """Load the catalog when its tables are empty (tests after a flush, a fresh demo)."""
    from django.apps import apps

    if not apps.get_model("catalog", "Offer").objects.exists():
        catalog_seed(apps)
