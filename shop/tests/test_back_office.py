"""X4, S2, S3: support agents define promo codes, give and revoke grants, read orders."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Plan
from conftest import Cast
from core.models import AuditEvent, OutboxEmail
from shop.models import CartLine, Grant, GrantStatus, PromoCode
from shop.services import cart_grant_activate, cart_line_add, grant_revoke
from testsupport.cast import UserFactory


@pytest.fixture
def agent(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_agent_defines_a_percentage_code(agent: Client) -> None:
    plan = Plan.objects.get(slug="web-starter")
    response = agent.post(
        reverse("admin:shop_promocode_add"),
        {
            "code": " spring-26 ",
            "kind": "percent",
            "percent": "15",
            "plans": [plan.pk],
            "period_months": ["12"],
            "max_uses": "100",
            "max_uses_per_organization": "1",
            "cycles": "1",
            "is_active": "on",
            "amounts-TOTAL_FORMS": "0",
            "amounts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    code = PromoCode.objects.get()
    assert code.code == "SPRING-26" and code.period_months == [12]
    assert list(code.plans.all()) == [plan]


def test_a_code_that_exists_in_another_case_is_refused(agent: Client) -> None:
    PromoCode.objects.create(code="SPRING", kind="percent", percent=10)
    response = agent.post(
        reverse("admin:shop_promocode_add"),
        {
            "code": "spring",
            "kind": "percent",
            "percent": "15",
            "cycles": "1",
            "amounts-TOTAL_FORMS": "0",
            "amounts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert PromoCode.objects.count() == 1


def test_giving_a_grant_tells_the_legal_representatives(agent: Client, cast: Cast) -> None:
    """S3: the legal representatives learn of it by e-mail, in their language."""
    cast.legal_rep.user.language = "es"
    cast.legal_rep.user.save()
    plan = Plan.objects.get(slug="web-starter")

    response = agent.post(
        reverse("admin:shop_grant_add"),
        {
            "organization": cast.org.pk,
            "plan": plan.pk,
            "discount_percent": "100",
            "terms": "2",
            "note": "Migration from the old panel",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    grant = Grant.objects.get()
    assert grant.status == GrantStatus.AVAILABLE and grant.created_by is not None
    mails = list(OutboxEmail.objects.filter(template="shop/email/grant_given"))
    assert [m.to for m in mails] == [cast.legal_rep.user.email]
    assert "gratuidad" in mails[0].subject.lower() or "gratis" in mails[0].body_text.lower()
    assert "Migration" not in mails[0].body_text  # the internal note stays internal
    assert AuditEvent.objects.filter(kind="grant.given", organization_id=cast.org.pk).exists()


def test_revoking_a_grant_takes_it_off_the_cart(cast: Cast) -> None:
    plan = Plan.objects.get(slug="web-starter")
    grant = Grant.objects.create(organization=cast.org, plan=plan)
    line = cart_line_add(
        organization=cast.org, user_id=cast.legal_rep.user_id, plan_id=plan.pk, period_months=12
    )
    cart_grant_activate(line=line, grant_id=grant.pk)

    grant_revoke(grant=grant, acting=None)

    assert Grant.objects.get().status == GrantStatus.REVOKED
    assert CartLine.objects.get().grant_id is None


def test_orders_are_read_only_in_the_back_office(agent: Client) -> None:
    assert agent.get(reverse("admin:shop_order_changelist")).status_code == 200
    assert agent.get(reverse("admin:shop_order_add")).status_code == 403
