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


def _plan_form(plan: Plan, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "offer": plan.offer_id,
        "slug": plan.slug,
        "name_en": plan.name_en,
        "name_es": plan.name_es,
        "domain_extension": plan.domain_extension,
        "order": plan.order,
        "is_active": "on",
        "prices-TOTAL_FORMS": 0,
        "prices-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("extension", ["", "c h", "-ch", "ch-", "bücher"])
def test_a_domain_name_plan_needs_a_valid_extension(agent: User, extension: str) -> None:
    plan = Plan.objects.get(slug="domain-ch")
    response = client_for(agent).post(
        reverse("admin:catalog_plan_change", args=[plan.pk]),
        _plan_form(plan, domain_extension=extension),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["domain_extension"]
    plan.refresh_from_db()
    assert plan.domain_extension == "ch"


def test_a_domain_extension_is_stored_without_dot_in_lower_case(agent: User) -> None:
    plan = Plan.objects.get(slug="domain-ch")
    response = client_for(agent).post(
        reverse("admin:catalog_plan_change", args=[plan.pk]),
        _plan_form(plan, domain_extension=" .CO.UK "),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.domain_extension == "co.uk"


def test_only_a_domain_name_plan_has_an_extension(agent: User) -> None:
    plan = Plan.objects.get(slug="web-starter")
    response = client_for(agent).post(
        reverse("admin:catalog_plan_change", args=[plan.pk]),
        _plan_form(plan, domain_extension="ch"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["domain_extension"]
