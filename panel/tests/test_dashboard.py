"""The dashboard sums up each area the member may open (O1, S5, P1, P2, I2)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from products.models import ProductInstance
from testsupport.money import invoice_for, prepaid_credit_confirmed


@pytest.fixture
def product_due(cast):
    from catalog.models import Plan

    plan = Plan.objects.select_related("offer").first()
    today = timezone.localdate()
    return ProductInstance.objects.create(
        organization=cast.org,
        plan=plan,
        name="shop.example",
        period_months=12,
        term_start=today - timedelta(days=300),
        term_end=today + timedelta(days=20),
    )


def test_it_lists_terms_ending_in_the_next_two_months(cast, product_due):
    html = client_for(cast.admin).get(reverse("dashboard")).content.decode()
    assert "shop.example" in html
    assert "1 active product" in html


def test_a_plain_member_sees_only_products_granted_to_them(cast, product_due):
    html = client_for(cast.member).get(reverse("dashboard")).content.decode()
    assert "shop.example" not in html
    product_due.members_with_access.add(cast.member)
    html = client_for(cast.member).get(reverse("dashboard")).content.decode()
    assert "shop.example" in html


def test_accounting_sees_the_balance_and_what_is_to_pay(cast):
    prepaid_credit_confirmed(cast.org, "120.00")
    invoice_for(cast.org, "10.00", vat_rate="0")
    html = client_for(cast.accountant).get(reverse("dashboard")).content.decode()
    assert "120.00" in html or "120,00" in html
    assert "1 payment request waiting" in html


def test_a_member_without_accounting_sees_no_money(cast):
    prepaid_credit_confirmed(cast.org, "120.00")
    html = client_for(cast.member).get(reverse("dashboard")).content.decode()
    assert 'data-testid="dashboard-balance"' not in html
    assert "payment request" not in html


def test_the_dashboard_needs_a_fixed_number_of_queries(
    cast, product_due, django_assert_max_num_queries
):
    """Issue 9: at most 10 queries, none of them a write, whatever the data's size."""
    prepaid_credit_confirmed(cast.org, "120.00")
    invoice_for(cast.org, "10.00")
    invoice_for(cast.org, "20.00")
    client = client_for(cast.legal_rep)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(10) as captured:
        assert client.get(reverse("dashboard")).status_code == 200
    statements = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]


def test_past_the_counted_limit_it_says_more_than(cast, product_due, monkeypatch):
    """Issue 9: active products are counted up to a limit, then "more than"."""
    from panel import dashboard

    ProductInstance.objects.create(
        organization=cast.org,
        plan=product_due.plan,
        name="second.example",
        period_months=12,
        term_start=product_due.term_start,
        term_end=product_due.term_end,
    )
    monkeypatch.setattr(dashboard, "ACTIVE_PRODUCTS_COUNTED", 1)
    html = client_for(cast.admin).get(reverse("dashboard")).content.decode()
    assert "More than 1 active products" in html
    monkeypatch.setattr(dashboard, "ACTIVE_PRODUCTS_COUNTED", 2)
    html = client_for(cast.admin).get(reverse("dashboard")).content.decode()
    assert "2 active products" in html and "More than" not in html


def test_the_menu_and_the_panel_links_lead_to_their_pages(cast):
    """Issue 9: the panel's links are reversed once per process; they still point right."""
    html = client_for(cast.legal_rep).get(reverse("dashboard")).content.decode()
    for name in ("products", "invoices", "prepaid", "orgs:members", "orgs:audit", "help"):
        assert f'href="{reverse(name)}"' in html, name
    for name in ("orgs:switch", "language", "account_logout"):
        assert f'action="{reverse(name)}"' in html, name
