"""S2, S3: the cart page: lines, payment method first, then promo codes with
*Apply*, grants in a dropdown per line, and the summary recomputed on each change."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Plan
from conftest import Cast, client_for
from orgs.models import Role
from shop.models import Cart, CartLine, Grant, PromoCode, PromoKind
from shop.services import cart_line_add
from testsupport.cast import MembershipFactory, OrganizationFactory

URL = reverse("shop:cart")


def plan(slug: str) -> Plan:
    return Plan.objects.select_related("offer").get(slug=slug)


def add(
    cast: Cast, slug: str, period: int = 12, quantity: int = 1, role: str = "admin"
) -> CartLine:
    membership = getattr(cast, role)
    return cart_line_add(
        organization=membership.organization,
        user_id=membership.user_id,
        plan_id=plan(slug).pk,
        period_months=period,
        quantity=quantity,
    )


def code_percent(code: str, percent: str, *plans: Plan) -> PromoCode:
    promo = PromoCode.objects.create(code=code, kind=PromoKind.PERCENT, percent=Decimal(percent))
    promo.plans.set(plans)
    return promo


def line_block(body: str, slug: str) -> str:
    return body.split(f'data-testid="line-{slug}"', 1)[1].split("</article>", 1)[0]


def summary(body: str) -> str:
    return body.split('data-testid="summary"', 1)[1].split("</dl>", 1)[0]


def test_an_empty_cart_says_so_and_creates_nothing(cast: Cast) -> None:
    body = client_for(cast.admin).get(URL).content.decode()
    assert "Your cart is empty." in body
    assert not Cart.objects.exists()


def test_the_lines_show_the_periods_offered_and_the_summary(cast: Cast) -> None:
    add(cast, "backup-50", period=3, quantity=2)
    body = client_for(cast.admin).get(URL).content.decode()
    line = line_block(body, "backup-50")
    assert '<option value="3" selected>' in line and 'value="1"' not in line.split("</select>")[0]
    assert 'value="2"' in line  # the quantity
    totals = summary(body)
    assert "€17.20" in totals  # 2 × 8.60
    assert "VAT 0 %" in totals
    assert 'data-testid="total">€17.20<' in body


def test_a_swiss_organization_pays_swiss_vat_in_francs(cast: Cast) -> None:
    cast.org.country = "CH"
    cast.org.save()
    add(cast, "storage-100")  # CHF 6.00 a month, yearly price
    with time_machine.travel("2026-11-26 10:00Z", tick=False):
        body = client_for(cast.admin).get(URL).content.decode()
    assert "VAT 8.1 %" in summary(body)
    assert "CHF" in summary(body)


def test_changing_the_period_and_quantity_recomputes_the_cart(cast: Cast) -> None:
    line = add(cast, "backup-50", period=12)
    client = client_for(cast.admin)
    response = client.post(
        reverse("shop:line_update", args=[line.pk]), {"period_months": "3", "quantity": "3"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.period_months, line.quantity) == (3, 3)
    assert 'data-testid="total">€25.80<' in client.get(URL).content.decode()


def test_a_period_not_offered_is_refused_on_the_line(cast: Cast) -> None:
    line = add(cast, "backup-50")
    response = client_for(cast.admin).post(
        reverse("shop:line_update", args=[line.pk]), {"period_months": "1"}
    )
    assert response.status_code == 400
    assert "is not sold with this billing period" in line_block(
        response.content.decode(), "backup-50"
    )
    line.refresh_from_db()
    assert line.period_months == 12


def test_removing_a_line(cast: Cast) -> None:
    line = add(cast, "backup-50")
    response = client_for(cast.admin).post(reverse("shop:line_remove", args=[line.pk]))
    assert response.status_code == 302
    assert not CartLine.objects.exists()


def test_the_payment_method_is_chosen_first(cast: Cast) -> None:
    add(cast, "backup-50")
    client = client_for(cast.admin)
    assert client.post(reverse("shop:payment_method"), {"method": "card"}).status_code == 302
    assert Cart.objects.get().payment_method == "card"
    body = client.get(URL).content.decode()
    assert 'id="method-card" value="card" checked' in body
    assert body.index("1. Payment method") < body.index("2. Promo code")


def test_an_unknown_payment_method_is_refused(cast: Cast) -> None:
    add(cast, "backup-50")
    response = client_for(cast.admin).post(reverse("shop:payment_method"), {"method": "cash"})
    assert response.status_code == 400
    assert "Choose a payment method." in response.content.decode()


def test_two_codes_show_next_to_the_products_they_discount(cast: Cast) -> None:
    """S2: one code per Apply; each on its matching product, with remove."""
    add(cast, "backup-50")
    add(cast, "storage-100")
    code_percent("BACKUP10", "10", plan("backup-50"))
    code_percent("store50", "50", plan("storage-100"))
    client = client_for(cast.admin)

    first = client.post(reverse("shop:promo_apply"), {"code": "backup10", "method": "card"})
    second = client.post(reverse("shop:promo_apply"), {"code": " STORE50 "})

    assert first.status_code == second.status_code == 302
    assert Cart.objects.get().payment_method == "card"
    body = client.get(URL).content.decode()
    backup, storage = line_block(body, "backup-50"), line_block(body, "storage-100")
    assert "Promo code BACKUP10: −€3.06" in backup and "Remove the code BACKUP10" in backup
    assert "Promo code STORE50: −€25.50" in storage and "STORE50" not in backup
    totals = summary(body)
    assert "BACKUP10 on Backup 50 GB" in totals and "STORE50 on Storage 100 GB" in totals
    assert "−€28.56" in totals  # the discounts
    assert 'data-testid="total">€53.04<' in body  # 30.60 + 51.00 − 28.56


def test_removing_a_code(cast: Cast) -> None:
    line = add(cast, "backup-50")
    code_percent("BACKUP10", "10", plan("backup-50"))
    client = client_for(cast.admin)
    client.post(reverse("shop:promo_apply"), {"code": "BACKUP10"})
    assert client.post(reverse("shop:promo_remove", args=[line.pk])).status_code == 302
    line.refresh_from_db()
    assert line.promo_code is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("NOPE", "This promo code does not exist."),
        ("OTHER", "This promo code does not apply to any product in your cart."),
        ("", "This field is required."),
    ],
)
def test_a_code_that_cannot_apply_says_why_under_the_field(
    cast: Cast, typed: str, reason: str
) -> None:
    add(cast, "backup-50")
    code_percent("OTHER", "10", plan("storage-100"))
    response = client_for(cast.admin).post(reverse("shop:promo_apply"), {"code": typed})
    assert response.status_code == 400
    error = response.content.decode().split('id="promo-error"', 1)[1].split("</div>", 1)[0]
    assert reason in error
    assert not CartLine.objects.filter(promo_code__isnull=False).exists()


def test_a_code_with_a_nul_character_is_refused(cast: Cast) -> None:
    add(cast, "backup-50")
    response = client_for(cast.admin).post(reverse("shop:promo_apply"), {"code": "A\x00B"})
    assert response.status_code == 400


def test_applying_codes_is_rate_limited_per_user(cast: Cast) -> None:
    add(cast, "backup-50")
    client = client_for(cast.admin)
    for _attempt in range(10):
        assert client.post(reverse("shop:promo_apply"), {"code": "GUESS"}).status_code == 400
    response = client.post(reverse("shop:promo_apply"), {"code": "GUESS"})
    assert response.status_code == 429
    error = response.content.decode().split('id="promo-error"', 1)[1].split("</div>", 1)[0]
    assert "Too many promo codes were refused. Try again in" in error
    # Another user of the same organization is not held back.
    add(cast, "backup-50", role="legal_rep")
    other = client_for(cast.legal_rep).post(reverse("shop:promo_apply"), {"code": "GUESS"})
    assert other.status_code == 400


def test_a_grant_shows_in_the_dropdown_of_its_line_and_makes_it_free(cast: Cast) -> None:
    """S3: the dropdown next to the matching product activates the grant."""
    line = add(cast, "backup-50")
    add(cast, "storage-100")
    grant = Grant.objects.create(organization=cast.org, plan=plan("backup-50"))
    Grant.objects.create(organization=cast.outsider.organization, plan=plan("storage-100"))
    client = client_for(cast.admin)
    body = client.get(URL).content.decode()
    assert f'<option value="{grant.pk}">Free grant, 1 term</option>' in line_block(
        body, "backup-50"
    )
    assert 'name="grant"' not in line_block(body, "storage-100")

    response = client.post(reverse("shop:grant_set", args=[line.pk]), {"grant": grant.pk})

    assert response.status_code == 302
    body = client.get(URL).content.decode()
    assert "Free grant: −€30.60" in line_block(body, "backup-50")
    assert 'data-testid="total">€51.00<' in body
    client.post(reverse("shop:grant_set", args=[line.pk]), {"grant": ""})
    line.refresh_from_db()
    assert line.grant is None


def test_a_grant_of_another_organization_cannot_be_activated(cast: Cast) -> None:
    line = add(cast, "backup-50")
    other = Grant.objects.create(organization=cast.outsider.organization, plan=plan("backup-50"))
    response = client_for(cast.admin).post(
        reverse("shop:grant_set", args=[line.pk]), {"grant": other.pk}
    )
    assert response.status_code == 400
    assert "This free grant does not apply to this product." in response.content.decode()


def test_the_cart_says_to_switch_organization_or_plan_for_a_grant(cast: Cast) -> None:
    """The help center's two troubleshooting points, next to the line (S3)."""
    elsewhere = OrganizationFactory(name="Side Project")
    MembershipFactory(organization=elsewhere, user=cast.admin.user, role=Role.ADMINISTRATOR)
    Grant.objects.create(organization=elsewhere, plan=plan("backup-50"))
    Grant.objects.create(organization=cast.org, plan=plan("storage-1000"))
    add(cast, "backup-50")
    add(cast, "storage-100")
    body = client_for(cast.admin).get(URL).content.decode()
    assert "switch to that organization" in line_block(body, "backup-50")
    assert "Side Project" in line_block(body, "backup-50")
    assert "Storage 1 TB" in line_block(body, "storage-100")


def test_the_navigation_shows_the_cart_with_its_line_count(cast: Cast) -> None:
    add(cast, "backup-50")
    add(cast, "storage-100")
    client = client_for(cast.admin)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as captured:
        body = client.get(reverse("dashboard")).content.decode()
    # One query, on the cart's index, without COUNT (issue 9).
    cart_queries = [q["sql"] for q in captured.captured_queries if "shop_cartline" in q["sql"]]
    assert len(cart_queries) == 1 and "COUNT(" not in cart_queries[0]
    link = body.split('data-testid="cart-link"', 1)[1].split("</a>", 1)[0]
    assert ">2<" in link and "lines" in link
    accountant = client_for(cast.accountant).get(reverse("dashboard")).content.decode()
    assert 'data-testid="cart-link"' not in accountant


def _line_urls(line: CartLine) -> list[tuple[str, dict[str, object]]]:
    return [
        (reverse("shop:line_update", args=[line.pk]), {"quantity": "2"}),
        (reverse("shop:line_remove", args=[line.pk]), {}),
        (reverse("shop:promo_remove", args=[line.pk]), {}),
        (reverse("shop:grant_set", args=[line.pk]), {"grant": ""}),
    ]


def test_someone_elses_cart_line_is_not_found(cast: Cast) -> None:
    """Another organization's user, and another user of the same organization: 404."""
    line = add(cast, "backup-50", quantity=1)
    for client in (client_for(cast.outsider), client_for(cast.legal_rep)):
        for url, data in _line_urls(line):
            assert client.post(url, data).status_code == 404
    line.refresh_from_db()
    assert line.quantity == 1


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_users_without_product_management_get_403(cast: Cast, role: str) -> None:
    line = add(cast, "backup-50")
    client: Client = client_for(getattr(cast, role))
    assert client.get(URL).status_code == 403
    for url, data in [
        *_line_urls(line),
        (reverse("shop:payment_method"), {"method": "card"}),
        (reverse("shop:promo_apply"), {"code": "X"}),
    ]:
        assert client.post(url, data).status_code == 403
    assert CartLine.objects.filter(pk=line.pk, quantity=1).exists()


def test_anonymous_goes_to_login(cast: Cast) -> None:
    line = add(cast, "backup-50")
    client = client_for(None)
    for url in (URL, reverse("shop:line_remove", args=[line.pk])):
        response = client.post(url) if "remove" in url else client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_get_never_writes(cast: Cast) -> None:
    line = add(cast, "backup-50")
    assert (
        client_for(cast.admin).get(reverse("shop:line_remove", args=[line.pk])).status_code == 405
    )
    assert CartLine.objects.filter(pk=line.pk).exists()
