"""S1 VAT rules in data with validity dates; P5 monthly minimum."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog.models import MonthlyMinimum, Offer, OfferKind, Plan, Price, VatRate
from catalog.queries import catalog_offers, plan_prices, price_for, vat_rate_for

pytestmark = pytest.mark.django_db


def test_swiss_and_liechtenstein_customers_pay_swiss_vat() -> None:
    assert vat_rate_for("CH", date(2026, 11, 26)).rate == Decimal("8.10")
    assert vat_rate_for("li", date(2026, 11, 26)).rate == Decimal("8.10")


def test_the_rate_follows_its_validity_dates() -> None:
    assert vat_rate_for("CH", date(2023, 12, 31)).rate == Decimal("7.70")
    assert vat_rate_for("CH", date(2024, 1, 1)).rate == Decimal("8.10")


def test_other_countries_get_the_default_rule_with_the_export_mention() -> None:
    rule = vat_rate_for("ES", date(2026, 11, 26))
    assert rule.rate == Decimal("0.00")
    assert "Export of services" in rule.mention


def test_a_configured_country_wins_over_the_default() -> None:
    VatRate.objects.create(country="DE", rate=Decimal("19.00"), valid_from=date(2025, 1, 1))
    assert vat_rate_for("DE", date(2026, 1, 1)).fraction == Decimal("0.19")
    assert vat_rate_for("DE", date(2024, 12, 31)).rate == Decimal("0.00")


def test_without_any_rule_there_is_no_vat_and_the_export_mention() -> None:
    VatRate.objects.all().delete()
    rule = vat_rate_for("FR", date(2026, 1, 1))
    assert (rule.rate, rule.vat_rate_id) == (Decimal("0.00"), None)
    assert rule.mention


@pytest.fixture
def plan() -> Plan:
    offer = Offer.objects.create(kind=OfferKind.BACKUP, slug="t-backup", name="Backup T")
    plan = Plan.objects.create(offer=offer, slug="t-backup-10", name="10 GB")
    for currency, monthly in (("EUR", "4.00"), ("CHF", "6.00")):
        Price.objects.create(plan=plan, period_months=1, currency=currency, amount=monthly)
        Price.objects.create(plan=plan, period_months=12, currency=currency, amount="40.00")
    return plan


def test_the_monthly_period_is_not_offered_below_the_minimum(plan: Plan) -> None:
    MonthlyMinimum.objects.update_or_create(currency="EUR", defaults={"amount": "5.00"})
    MonthlyMinimum.objects.update_or_create(currency="CHF", defaults={"amount": "5.00"})
    assert [p.period_months for p in plan_prices(plan, "EUR")] == [12]
    assert [p.period_months for p in plan_prices(plan, "CHF")] == [1, 12]
    assert price_for(plan, 1, "EUR") is None
    assert price_for(plan, 12, "EUR").amount == Decimal("40.00")  # type: ignore[union-attr]


def test_currencies_are_priced_separately(plan: Plan) -> None:
    assert price_for(plan, 1, "CHF").amount == Decimal("6.00")  # type: ignore[union-attr]


def test_a_plain_migrate_gives_a_usable_catalog() -> None:
    kinds = {o.kind for o in catalog_offers()}
    assert kinds == {k.value for k in OfferKind}
    assert Offer.objects.filter(is_free=True).exists()
    for plan in Plan.objects.exclude(offer__is_free=True):
        assert plan_prices(plan, "CHF") and plan_prices(plan, "EUR")
    assert Price.objects.filter(period_months=24, plan__offer__kind="domain_name").exists()


def test_the_percent_drops_trailing_zeros() -> None:
    assert str(vat_rate_for("CH", date(2026, 1, 1)).percent) == "8.1"
    VatRate.objects.create(country="DE", rate=Decimal("19.00"), valid_from=date(2025, 1, 1))
    assert str(vat_rate_for("DE", date(2026, 1, 1)).percent) == "19"
