"""Demo data for the shop (issue 10): two promo codes and two free grants.

- ``BIENVENIDA20``: 20 % off web hosting paid yearly, once per organization.
- ``DOMINIO5``: 5 EUR / 5 CHF off a domain name.
- Hostelería Sol holds a free year of Backup 50 GB; Asociación Vecinal Triana
  holds a free Starter web hosting, which shows Ana (a user of both) the cart's
  hint to switch organization when she adds that plan in Hostelería Sol.
Idempotent: running it again leaves the same rows.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import BillingPeriod, Offer, Plan
from orgs.models import Organization
from shop.models import Grant, GrantStatus, PromoCode, PromoCodeAmount, PromoKind

DEMO_CODES = ("BIENVENIDA20", "DOMINIO5")


def shop_demo_seed() -> None:
    now = timezone.now()
    welcome, _ = PromoCode.objects.update_or_create(
        code="BIENVENIDA20",
        defaults={
            "kind": PromoKind.PERCENT,
            "percent": Decimal(20),
            "period_months": [BillingPeriod.YEARLY.value],
            "valid_from": now - timedelta(days=1),
            "valid_until": now + timedelta(days=365),
            "max_uses": 1000,
            "max_uses_per_organization": 1,
            "note": "Demo: welcome offer on web hosting",
        },
    )
    welcome.offers.set(Offer.objects.filter(slug="web-hosting"))
    domain, _ = PromoCode.objects.update_or_create(
        code="DOMINIO5",
        defaults={
            "kind": PromoKind.FIXED,
            "percent": None,
            "valid_until": now + timedelta(days=365),
            "max_uses_per_organization": 1,
            "note": "Demo: 5 off a domain name",
        },
    )
    domain.offers.set(Offer.objects.filter(slug="domain"))
    for currency in ("EUR", "CHF"):
        PromoCodeAmount.objects.update_or_create(
            promo_code=domain, currency=currency, defaults={"amount": Decimal(5)}
        )
    grants = [
        ("Hostelería Sol S.L.", "backup-50", "Demo: a free year of backup"),
        ("Asociación Vecinal Triana", "web-starter", "Demo: free hosting for the association"),
    ]
    for org_name, plan_slug, note in grants:
        organization = Organization.objects.filter(name=org_name).first()
        if organization is None:
            continue
        plan = Plan.objects.get(slug=plan_slug)
        if not Grant.objects.filter(
            organization=organization, plan=plan, status=GrantStatus.AVAILABLE
        ).exists():
            Grant.objects.create(
                organization=organization,
                plan=plan,
                period_months=BillingPeriod.YEARLY,
                terms=1,
                note=note,
            )
