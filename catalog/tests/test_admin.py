"""X4, S1: support agents manage offers, plans, prices and VAT rates in the back office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import Plan, Price
from conftest import client_for
from testsupport.cast import UserFactory


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory(is_staff=True, is_superuser=True)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "name",
    ["catalog_offer", "catalog_plan", "catalog_price", "catalog_vatrate", "catalog_monthlyminimum"],
)
def test_agents_open_the_catalog_lists(agent: User, name: str) -> None:
    assert client_for(agent).get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_two_year_price_is_refused_for_anything_but_a_domain(agent: User) -> None:
    plan = Plan.objects.get(slug="web-starter")
    response = client_for(agent).post(
        reverse("admin:catalog_price_add"),
        {"plan": plan.pk, "period_months": 24, "currency": "EUR", "amount": "90.00"},
    )
    assert response.status_code == 200
    assert not Price.objects.filter(plan=plan, period_months=24).exists()


def test_a_price_with_three_decimals_is_refused(agent: User) -> None:
    plan = Plan.objects.get(slug="web-starter")
    Price.objects.filter(plan=plan, currency="EUR", period_months=1).delete()
    response = client_for(agent).post(
        reverse("admin:catalog_price_add"),
        {"plan": plan.pk, "period_months": 1, "currency": "EUR", "amount": "4.999"},
    )
    assert response.status_code == 200
    assert not Price.objects.filter(plan=plan, currency="EUR", period_months=1).exists()


def test_plain_users_are_kept_out(db: None) -> None:
    response = client_for(UserFactory()).get(reverse("admin:catalog_price_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name", ["products_productinstance", "products_mailbox", "products_storedfile"]
)
def test_agents_open_the_product_lists(agent: User, name: str) -> None:
    from django.core.management import call_command

    call_command("demo_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert client_for(agent).get(reverse(f"admin:{name}_changelist")).status_code == 200
