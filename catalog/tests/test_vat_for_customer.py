"""S4: the VAT a Swiss provider applies, decided in one place (``vat_for_customer``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from catalog.models import VatRate
from catalog.queries import vat_for_customer, vat_for_organization
from testsupport.cast import OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)
# python-stdnum's own examples of valid numbers.
DE_VAT = "DE136695976"
FR_VAT = "FR40303265045"


def test_a_swiss_customer_pays_swiss_vat() -> None:
    rule = vat_for_customer(country="CH", vat_number="", on=TODAY)
    assert (rule.rate, rule.reverse_charge, rule.country) == (Decimal("8.10"), False, "CH")
    assert rule.vat_rate_id == VatRate.objects.get(country="CH", valid_until=None).pk


def test_a_swiss_business_with_a_vat_number_still_pays_swiss_vat() -> None:
    rule = vat_for_customer(country="ch", vat_number="CHE-116.281.710 MWST", on=TODAY)
    assert (rule.rate, rule.reverse_charge) == (Decimal("8.10"), False)


def test_liechtenstein_uses_the_swiss_rule_even_without_a_row_of_its_own() -> None:
    VatRate.objects.filter(country="LI").delete()
    rule = vat_for_customer(country="LI", vat_number="", on=TODAY)
    assert (rule.rate, rule.reverse_charge, rule.country) == (Decimal("8.10"), False, "LI")
    assert rule.vat_rate_id == VatRate.objects.get(country="CH", valid_until=None).pk


def test_the_swiss_rate_follows_its_validity_dates() -> None:
    assert vat_for_customer(country="CH", vat_number="", on=date(2023, 12, 31)).rate == Decimal(
        "7.70"
    )
    assert vat_for_customer(country="LI", vat_number="", on=date(2024, 1, 1)).rate == Decimal(
        "8.10"
    )


def test_a_german_business_with_a_valid_vat_number_gets_the_reverse_charge() -> None:
    rule = vat_for_customer(country="DE", vat_number="136 695 976", on=TODAY)
    assert (rule.rate, rule.reverse_charge, rule.vat_rate_id) == (Decimal("0.00"), True, None)
    assert rule.mentions["en"].startswith("Reverse charge")
    assert DE_VAT in rule.mentions["en"]
    assert set(rule.mentions) == {"es", "en", "fr", "de", "it"}
    # Each language has its own wording of the legal mention, number included.
    assert len(set(rule.mentions.values())) == 5
    assert all(DE_VAT in text and len(text) <= 300 for text in rule.mentions.values())


def test_a_business_rule_wins_over_the_countrys_consumer_rule() -> None:
    VatRate.objects.create(country="DE", rate=Decimal("19.00"), valid_from=date(2025, 1, 1))
    assert vat_for_customer(country="DE", vat_number=DE_VAT, on=TODAY).rate == Decimal("0.00")


def test_a_malformed_vat_number_makes_a_consumer() -> None:
    rule = vat_for_customer(country="DE", vat_number="DE136695977", on=TODAY)  # bad check digit
    assert (rule.reverse_charge, rule.rate) == (False, Decimal("0.00"))
    assert "Export of services" in rule.mention


def test_a_vat_number_of_another_country_makes_a_consumer() -> None:
    assert not vat_for_customer(country="DE", vat_number=FR_VAT, on=TODAY).reverse_charge


def test_a_company_number_that_is_no_vat_number_makes_a_consumer() -> None:
    # A valid French SIREN identifies the company but is no VAT number.
    assert not vat_for_customer(country="FR", vat_number="732 829 320", on=TODAY).reverse_charge


def test_a_french_consumer_gets_the_default_rule() -> None:
    rule = vat_for_customer(country="FR", vat_number="", on=TODAY)
    default = VatRate.objects.get(country="")
    assert (rule.rate, rule.vat_rate_id, rule.reverse_charge) == (default.rate, default.pk, False)


def test_a_consumer_in_a_country_with_its_own_rule_gets_that_rule_while_it_is_valid() -> None:
    row = VatRate.objects.create(
        country="DE",
        rate=Decimal("19.00"),
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 12, 31),
        mention="Umsatzsteuer Deutschland",
    )
    assert vat_for_customer(country="DE", vat_number="", on=TODAY).vat_rate_id == row.pk
    assert vat_for_customer(country="DE", vat_number="", on=TODAY).rate == Decimal("19.00")
    # Before and after its dates, the default rule applies again.
    assert vat_for_customer(country="DE", vat_number="", on=date(2024, 12, 31)).rate == 0
    assert vat_for_customer(country="DE", vat_number="", on=date(2027, 1, 1)).rate == 0


def test_a_customer_without_a_country_is_a_consumer_under_the_default_rule() -> None:
    rule = vat_for_customer(country="", vat_number=DE_VAT, on=TODAY)
    assert (rule.reverse_charge, rule.vat_rate_id) == (False, VatRate.objects.get(country="").pk)


def test_the_organization_is_read_for_its_country_and_vat_number() -> None:
    business = OrganizationFactory(country="DE", tax_id="136695976")
    swiss = OrganizationFactory(country="LI", tax_id="")
    assert vat_for_organization(organization=business, on=TODAY).reverse_charge
    assert vat_for_organization(organization=swiss, on=TODAY).rate == Decimal("8.10")


def test_the_summary_says_how_vat_applies() -> None:
    VatRate.objects.create(country="DE", rate=Decimal("19.00"), valid_from=date(2025, 1, 1))
    with translation.override("en"):
        assert vat_for_customer(country="CH", vat_number="", on=TODAY).summary == (
            "VAT 8.1 % (Switzerland)."
        )
        assert vat_for_customer(country="LI", vat_number="", on=TODAY).summary == (
            "VAT 8.1 % (Liechtenstein)."
        )
        assert vat_for_customer(country="DE", vat_number="", on=TODAY).summary == (
            "VAT 19 % (Germany)."
        )
        assert (
            "reverse charge" in vat_for_customer(country="DE", vat_number=DE_VAT, on=TODAY).summary
        )
        assert "export" in vat_for_customer(country="FR", vat_number="", on=TODAY).summary
    with translation.override("de"):
        assert vat_for_customer(country="CH", vat_number="", on=TODAY).summary.endswith(
            "(Schweiz)."
        )
