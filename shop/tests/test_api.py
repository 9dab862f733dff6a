"""The shop API (S1–S3, X3): the cart, promo codes and free grants, with the
pages' rules and the services' translated messages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tokens import api_token_create
from catalog.models import BillingPeriod, Plan
from conftest import Cast
from orgs.models import Membership, Role
from products.models import ProductInstance
from shop.models import Cart, CartLine, Grant, Order, OrderLine, PromoCode, PromoKind
from shop.services import PROMO_ATTEMPTS, cart_line_add
from testsupport.cast import MembershipFactory, OrganizationFactory
from testsupport.money import invoice_for

YEARLY = BillingPeriod.YEARLY
# The services' messages in English; the tests compare their translations.
FORBIDDEN = "You do not have the right to do this."
NOT_ON_SALE = "This plan is not on sale."
UNKNOWN_CODE = "This promo code does not exist. Check how it is written."


def plan(slug: str) -> Plan:
    return Plan.objects.select_related("offer").get(slug=slug)


class Api:
    def __init__(self, membership: Membership, *, org_id: int | None = None) -> None:
        _, raw = api_token_create(user=membership.user, name="test")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})
        self.base = f"/api/v1/orgs/{org_id or membership.organization_id}"

    def __call__(self, method: str, path: str, body: Any = None, lang: str = "") -> Any:
        kwargs: dict[str, Any] = {"headers": {"Accept-Language": lang} if lang else {}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(f"{self.base}{path}", **kwargs)

    def add(self, slug: str, period: int = YEARLY, quantity: int = 1, **extra: Any) -> Any:
        body = {
            "plan_id": plan(slug).pk,
            "period_months": period,
            "quantity": quantity,
            "requirement": requirement_for(slug),
            **extra,
        }
        response = self("post", "/cart/lines", body)
        assert response.status_code == 201, response.content
        return response.json()


def requirement_for(slug: str) -> str:
    """A domain name for the offers that ask for one (S1), else nothing."""
    asks = plan(slug).offer.kind in {"domain_name", "web_hosting", "email_service"}
    return "acme-shop.com" if asks else ""


def code_percent(code: str, percent: str, *plans: Plan, **fields: Any) -> PromoCode:
    promo = PromoCode.objects.create(
        code=code, kind=PromoKind.PERCENT, percent=Decimal(percent), **fields
    )
    promo.plans.set(plans)
    return promo


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body  # type: ignore[no-any-return]


# --- Access (S1: ordering needs the right to manage products) ---------------------------

ENDPOINTS = [
    ("get", "/cart", None),
    ("post", "/cart/lines", {"plan_id": 1, "period_months": 12}),
    ("patch", "/cart/lines/1", {"quantity": 2}),
    ("delete", "/cart/lines/1", None),
    ("put", "/cart/payment-method", {"method": "card"}),
    ("post", "/cart/promo-codes", {"code": "X"}),
    ("delete", "/cart/lines/1/promo-code", None),
    ("get", "/grants", None),
    ("post", "/cart/lines/1/grant", {"grant_id": 1}),
    ("delete", "/cart/lines/1/grant", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("role", ["accountant", "member"])
def test_users_without_the_right_to_manage_products_get_403(
    cast: Cast, role: str, method: str, path: str, body: Any
) -> None:
    response = Api(getattr(cast, role))(method, path, body, lang="fr")
    body_ = error(response, 403, "forbidden")
    with translation.override("fr"):
        assert body_["message"] == translation.gettext(FORBIDDEN)
    assert not Cart.objects.exists()


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_an_outsider_gets_404(cast: Cast, method: str, path: str, body: Any) -> None:
    response = Api(cast.outsider, org_id=cast.org.pk)(method, path, body)
    error(response, 404, "not_found")


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_no_token_gets_401(cast: Cast, method: str, path: str, body: Any) -> None:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(Client(), method)(f"/api/v1/orgs/{cast.org.pk}{path}", **kwargs)
    error(response, 401, "unauthenticated")


# --- Cart (S1, S2) ------------------------------------------------------------------------


def test_reading_an_empty_cart_creates_nothing(cast: Cast) -> None:
    response = Api(cast.legal_rep)("get", "/cart")
    assert response.status_code == 200
    body = response.json()
    assert body["lines"] == [] and body["total"] == "0.00" and body["currency"] == "EUR"
    assert body["payment_method"] == "" and not body["can_check_out"]
    assert not Cart.objects.exists()


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_add_a_line_and_get_the_cart_priced(cast: Cast, role: str) -> None:
    body = Api(getattr(cast, role)).add("web-starter", quantity=2)
    line = body["lines"][0]
    assert line["plan_id"] == plan("web-starter").pk
    assert line["period_months"] == 12 and line["quantity"] == 2
    assert Decimal(line["subtotal"]) == Decimal(line["unit_price"]) * 2
    assert Decimal(body["total"]) == Decimal(body["net_total"]) + Decimal(body["vat_total"])
    assert body["can_check_out"] and body["needs_payment"]
    assert CartLine.objects.get().cart.user == getattr(cast, role).user


def test_the_cart_is_the_users_own(cast: Cast) -> None:
    Api(cast.legal_rep).add("web-starter")
    line = CartLine.objects.get()
    other = Api(cast.admin)
    assert other("get", "/cart").json()["lines"] == []
    error(other("patch", f"/cart/lines/{line.pk}", {"quantity": 3}), 404, "not_found")
    error(other("delete", f"/cart/lines/{line.pk}"), 404, "not_found")
    assert CartLine.objects.get().quantity == 1


def test_a_line_of_another_organization_is_not_found(cast: Cast) -> None:
    cart_line_add(
        organization=cast.outsider.organization,
        user_id=cast.outsider.user_id,
        plan_id=plan("web-starter").pk,
        period_months=YEARLY,
    )
    line = CartLine.objects.get()
    MembershipFactory(
        organization=cast.org, user=cast.outsider.user, role=Role.LEGAL_REPRESENTATIVE
    )
    response = Api(cast.outsider, org_id=cast.org.pk)("delete", f"/cart/lines/{line.pk}")
    error(response, 404, "not_found")
    assert CartLine.objects.exists()


def test_changing_and_removing_a_line(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    line_id = api.add("web-starter")["lines"][0]["id"]

    changed = api("patch", f"/cart/lines/{line_id}", {"quantity": 3, "period_months": 3})
    assert changed.status_code == 200, changed.content
    line = changed.json()["lines"][0]
    assert line["quantity"] == 3 and line["period_months"] == 3

    removed = api("delete", f"/cart/lines/{line_id}")
    assert removed.status_code == 200 and removed.json()["lines"] == []
    assert not CartLine.objects.exists()


def test_a_plan_not_on_sale_is_refused_with_the_services_message(cast: Cast) -> None:
    response = Api(cast.legal_rep)(
        "post", "/cart/lines", {"plan_id": 999999, "period_months": 12}, lang="es"
    )
    body = error(response, 400, "plan_not_on_sale")
    with translation.override("es"):
        assert body["message"] == translation.gettext(NOT_ON_SALE)
    assert body["message"] != NOT_ON_SALE
    assert body["details"] == [{"loc": ["plan"], "msg": body["message"]}]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"quantity": 0}, 400, "quantity"),
        ({"quantity": 101}, 400, "quantity"),
        ({"quantity": 10**30}, 400, "quantity"),
        ({"quantity": "two"}, 422, "invalid"),
        ({"period_months": 1}, 400, "period"),  # domain names are sold by the year
        ({"period_months": 10**30}, 400, "period"),
        ({"plan_id": 10**30}, 400, "plan_not_on_sale"),
        ({"plan_id": -1}, 400, "plan_not_on_sale"),
        ({"plan_id": None}, 422, "invalid"),
        ({"requirement": "x" * 254}, 422, "invalid"),
        ({"requirement": "a\u0000b.com"}, 400, "invalid_text"),
    ],
)
def test_bad_input_to_add_is_a_clear_4xx(
    cast: Cast, body: dict[str, Any], status: int, code: str
) -> None:
    payload = {
        "plan_id": plan("domain-com").pk,
        "period_months": 12,
        "quantity": 1,
        "requirement": "acme-shop.com",
        **body,
    }
    error(Api(cast.legal_rep)("post", "/cart/lines", payload), status, code)
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    ("slug", "requirement", "field_code"),
    [
        ("domain-com", "", "required"),
        ("domain-com", "not a domain", None),
        ("domain-com", "-acme.com", None),
        ("web-starter", "", "required"),
        ("storage-free", "acme-shop.com", "not_asked"),
    ],
)
def test_what_the_offer_asks_for_is_checked_when_added(
    cast: Cast, slug: str, requirement: str, field_code: str | None
) -> None:
    """S1: a malformed or missing domain name gets its reason, as on the shop page."""
    body = {"plan_id": plan(slug).pk, "period_months": 12, "requirement": requirement}
    response = Api(cast.legal_rep)("post", "/cart/lines", body, lang="es")
    assert response.status_code == 400, response.content
    error_ = response.json()["error"]
    if field_code is not None:
        assert error_["code"] == field_code
    assert error_["details"][0]["loc"] == ["domain"] and error_["message"]
    assert not CartLine.objects.exists()


def test_an_idn_is_stored_in_ascii(cast: Cast) -> None:
    line = Api(cast.legal_rep).add("domain-com", requirement="bücher.com")["lines"][0]
    assert line["requirement"] == "xn--bcher-kva.com"


def test_a_malformed_body_is_a_400(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    response = api.client.post(
        f"{api.base}/cart/lines", data=b'{"plan_id": 1,', content_type="application/json"
    )
    error(response, 400, "malformed")


def test_bad_changes_to_a_line_are_refused(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    line_id = api.add("domain-com")["lines"][0]["id"]
    error(api("patch", f"/cart/lines/{line_id}", {"quantity": 0}), 400, "quantity")
    error(api("patch", f"/cart/lines/{line_id}", {"period_months": 1}), 400, "period")
    error(api("patch", "/cart/lines/99999999999999999999999", {"quantity": 2}), 404, "not_found")
    error(api("patch", "/cart/lines/999999", {"quantity": 2}), 404, "not_found")
    assert CartLine.objects.get().quantity == 1


def test_choosing_the_payment_method(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    error(api("put", "/cart/payment-method", {"method": "card"}), 400, "cart_empty")
    api.add("web-starter")
    response = api("put", "/cart/payment-method", {"method": "card"})
    assert response.status_code == 200 and response.json()["payment_method"] == "card"
    error(api("put", "/cart/payment-method", {"method": "cash"}), 400, "method")
    assert Cart.objects.get().payment_method == "card"


# --- Promo codes (S2) ----------------------------------------------------------------------


def test_two_codes_apply_to_two_lines_and_one_is_removed(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("web-starter")
    api.add("domain-com")
    code_percent("WEB10", "10", plan("web-starter"))
    code_percent("DOM50", "50", plan("domain-com"))

    assert api("post", "/cart/promo-codes", {"code": "web10"}).status_code == 200
    body = api("post", "/cart/promo-codes", {"code": " Dom50 "}).json()

    by_plan = {line["plan_id"]: line for line in body["lines"]}
    web, dom = by_plan[plan("web-starter").pk], by_plan[plan("domain-com").pk]
    assert web["promo_code"] == "WEB10" and dom["promo_code"] == "DOM50"
    assert dom["discount"] == "7.50" and dom["discount_reason"] == "Promo code DOM50"
    assert Decimal(body["discount_total"]) == Decimal(web["discount"]) + Decimal(dom["discount"])

    after = api("delete", f"/cart/lines/{dom['id']}/promo-code").json()
    dom_after = next(line for line in after["lines"] if line["id"] == dom["id"])
    assert dom_after["promo_code"] is None and dom_after["discount"] == "0.00"


def test_a_refused_code_says_why_in_the_requests_language(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("domain-com")
    code_percent("WEBONLY", "10", plan("web-starter"))

    unknown = api("post", "/cart/promo-codes", {"code": "NOPE"}, lang="de")
    body = error(unknown, 400, "promo_unknown")
    with translation.override("de"):
        expected = translation.gettext(UNKNOWN_CODE)
    assert body["message"] == expected and "Promo-Code" in expected

    wrong = api("post", "/cart/promo-codes", {"code": "webonly"})
    error(wrong, 400, "promo_no_matching_product")
    assert not CartLine.objects.filter(promo_code__isnull=False).exists()


def test_a_code_on_an_empty_cart_is_refused(cast: Cast) -> None:
    code_percent("WEB10", "10")
    error(Api(cast.legal_rep)("post", "/cart/promo-codes", {"code": "WEB10"}), 400, "cart_empty")


def test_codes_are_rate_limited_per_user_as_on_the_page(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    api.add("web-starter")
    code_percent("GOOD10", "10")
    for attempt in range(PROMO_ATTEMPTS):
        error(api("post", "/cart/promo-codes", {"code": f"GUESS{attempt}"}), 400, "promo_unknown")
    limited = api("post", "/cart/promo-codes", {"code": "GOOD10"}, lang="en")
    body = error(limited, 400, "rate_limited")
    assert "Too many promo codes" in body["message"]
    assert not CartLine.objects.filter(promo_code__isnull=False).exists()


# --- Free grants (S3) ------------------------------------------------------------------------


def test_the_grants_list_shows_this_organizations_available_grants(cast: Cast) -> None:
    mine = Grant.objects.create(organization=cast.org, plan=plan("web-starter"), terms=2)
    Grant.objects.create(organization=cast.outsider.organization, plan=plan("web-starter"))
    Grant.objects.create(organization=cast.org, plan=plan("web-business"), status="revoked")

    body = Api(cast.legal_rep)("get", "/grants").json()

    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == mine.pk and item["terms"] == 2 and item["discount_percent"] == "100.00"
    assert item["plan"] == str(plan("web-starter")) and item["offer_kind"] == "web_hosting"


def test_the_grants_list_takes_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    api = Api(cast.legal_rep)
    with django_assert_max_num_queries(6):
        body = api("get", "/grants?limit=25").json()
    assert body["count"] == 30 and len(body["items"]) == 25


def test_a_grant_is_offered_on_its_line_used_and_dropped(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    Grant.objects.create(organization=cast.outsider.organization, plan=plan("web-starter"))
    body = api.add("web-starter")
    line = body["lines"][0]
    assert line["grants_available"] == [grant.pk]

    used = api("post", f"/cart/lines/{line['id']}/grant", {"grant_id": grant.pk})
    assert used.status_code == 200, used.content
    after = used.json()
    assert after["lines"][0]["grant_id"] == grant.pk
    assert after["total"] == "0.00" and not after["needs_payment"]
    assert after["lines"][0]["discount_reason"] == "Free grant"

    dropped = api("delete", f"/cart/lines/{line['id']}/grant").json()
    assert dropped["lines"][0]["grant_id"] is None and dropped["total"] != "0.00"
    grant.refresh_from_db()
    assert grant.status == "available"  # nothing is taken before the order is paid


def test_a_grant_of_another_organization_is_refused(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    other = Grant.objects.create(organization=cast.outsider.organization, plan=plan("web-starter"))
    line_id = api.add("web-starter")["lines"][0]["id"]
    response = api("post", f"/cart/lines/{line_id}/grant", {"grant_id": other.pk})
    error(response, 400, "grant")
    assert CartLine.objects.get().grant is None


def test_a_grant_for_another_plan_of_the_offer_is_hinted(cast: Cast) -> None:
    Grant.objects.create(organization=cast.org, plan=plan("web-business"))
    line = Api(cast.legal_rep).add("web-starter")["lines"][0]
    assert line["grants_available"] == []
    assert str(plan("web-business")) in line["grant_hint"]


def test_a_grant_held_by_another_of_the_users_organizations_is_hinted(cast: Cast) -> None:
    elsewhere = OrganizationFactory(name="Side Project")
    MembershipFactory(
        organization=elsewhere, user=cast.legal_rep.user, role=Role.LEGAL_REPRESENTATIVE
    )
    Grant.objects.create(organization=elsewhere, plan=plan("web-starter"))
    line = Api(cast.legal_rep).add("web-starter")["lines"][0]
    assert line["grants_available"] == [] and "Side Project" in line["grant_hint"]


def test_a_line_with_a_code_must_drop_it_before_a_grant(cast: Cast) -> None:
    api = Api(cast.legal_rep)
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    line_id = api.add("web-starter")["lines"][0]["id"]
    code_percent("WEB10", "10", plan("web-starter"))
    api("post", "/cart/promo-codes", {"code": "WEB10"})
    response = api("post", f"/cart/lines/{line_id}/grant", {"grant_id": grant.pk})
    error(response, 400, "grant_with_code")


def test_reading_the_cart_takes_the_same_queries_for_1_or_8_lines(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    api = Api(cast.legal_rep)
    Grant.objects.create(organization=cast.org, plan=plan("web-business"))
    api.add("web-starter")
    reset_queries()  # each request clears the log (request_started)
    with CaptureQueriesContext(connection) as one:
        api("get", "/cart")
    for_one_line = len(one.captured_queries)
    assert for_one_line > 5
    for slug in ["web-business", "domain-com"] * 3 + ["web-starter"]:
        api.add(slug)
    reset_queries()
    with django_assert_max_num_queries(for_one_line):
        body = api("get", "/cart").json()
    assert len(body["lines"]) == 8


# --- Orders (S4) ---------------------------------------------------------------------------


def order_create(cast: Cast, reference: str, *, organization: Any = None, **fields: Any) -> Order:
    values: dict[str, Any] = {
        "organization": organization or cast.org,
        "reference": reference,
        "currency": "EUR",
        "payment_method": "card",
        "subtotal": Decimal("15.00"),
        "discount_total": Decimal("7.50"),
        "net_total": Decimal("7.50"),
        "vat_total": Decimal("1.58"),
        "total": Decimal("9.08"),
        "idempotency_key": f"key-{reference}",
        **fields,
    }
    return Order.objects.create(**values)


def test_orders_are_listed_newest_first_with_their_invoice(cast: Cast) -> None:
    old = order_create(cast, "OR-1")
    Order.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=2))
    invoice = invoice_for(cast.org, "9.08")
    order_create(cast, "OR-2", invoice=invoice, status="paid", paid_at=timezone.now())
    order_create(cast, "OR-X", organization=cast.outsider.organization)

    body = Api(cast.admin)("get", "/orders").json()

    assert body["count"] == 2
    assert [o["reference"] for o in body["items"]] == ["OR-2", "OR-1"]
    newest = body["items"][0]
    assert newest["status"] == "paid" and newest["total"] == "9.08"
    assert newest["invoice_id"] == invoice.pk
    assert newest["invoice_number"] == (invoice.legal_number or invoice.payment_reference)
    assert body["items"][1]["invoice_id"] is None


def test_the_orders_list_takes_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        order_create(cast, f"OR-{i}", invoice=invoice_for(cast.org, "9.08") if i % 2 else None)
    api = Api(cast.legal_rep)
    with django_assert_max_num_queries(6):
        body = api("get", "/orders?offset=5&limit=20").json()
    assert body["count"] == 30 and len(body["items"]) == 20


def test_an_order_in_detail(cast: Cast) -> None:
    code = code_percent("DOM50", "50", plan("domain-com"))
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    order = order_create(cast, "OR-7", status="paid", paid_at=timezone.now())
    product = ProductInstance.objects.create(
        organization=cast.org,
        plan=plan("domain-com"),
        name="acme.example",
        period_months=12,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
    )
    amounts = {"vat_rate": Decimal("21.00"), "vat_amount": Decimal("0")}
    domain = OrderLine.objects.create(
        order=order,
        position=1,
        plan=plan("domain-com"),
        period_months=12,
        quantity=1,
        requirement="acme.example",
        description="Domain names – .com",
        description_translations={"es": "Dominios – .com"},
        unit_price=Decimal("15.00"),
        discount=Decimal("7.50"),
        discount_reason="Promo code DOM50",
        promo_code=code,
        discount_terms=1,
        net_amount=Decimal("7.50"),
        total_amount=Decimal("7.50"),
        **amounts,
    )
    domain.products.add(product)
    OrderLine.objects.create(
        order=order,
        position=2,
        plan=plan("web-starter"),
        period_months=12,
        quantity=1,
        description="Web hosting – Starter",
        unit_price=Decimal("54.00"),
        discount=Decimal("54.00"),
        discount_reason="Free grant",
        grant=grant,
        discount_terms=1,
        net_amount=Decimal("0"),
        total_amount=Decimal("0"),
        **amounts,
    )

    response = Api(cast.legal_rep)("get", "/orders/OR-7", lang="es")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == "OR-7" and body["status"] == "paid"
    first, second = body["lines"]
    assert first["description"] == "Dominios – .com" and first["promo_code"] == "DOM50"
    assert first["discount"] == "7.50" and first["products"] == [product.pk]
    assert first["requirement"] == "acme.example"
    assert second["grant_id"] == grant.pk and second["total_amount"] == "0.00"


def test_an_order_of_another_organization_is_not_found(cast: Cast) -> None:
    order_create(cast, "OR-X", organization=cast.outsider.organization)
    api = Api(cast.legal_rep)
    error(api("get", "/orders/OR-X"), 404, "not_found")
    error(api("get", "/orders/" + "9" * 300), 404, "not_found")


@pytest.mark.parametrize("path", ["/orders", "/orders/OR-1"])
@pytest.mark.parametrize("role", ["accountant", "member"])
def test_orders_need_the_right_to_manage_products(cast: Cast, role: str, path: str) -> None:
    order_create(cast, "OR-1")
    error(Api(getattr(cast, role))("get", path), 403, "forbidden")
    error(Api(cast.outsider, org_id=cast.org.pk)("get", path), 404, "not_found")
    error(Client().get(f"/api/v1/orgs/{cast.org.pk}{path}"), 401, "unauthenticated")
