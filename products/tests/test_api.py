"""S5, X3: products API, with the pages' rules and idempotency keys on POST."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from conftest import Cast
from core.models import AuditEvent
from orgs.models import Membership
from products.models import ProductInstance, ProductStatus


def api(membership: Membership):  # type: ignore[no-untyped-def]
    _, raw = api_token_create(user=membership.user, name="test")
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(method: str, path: str, body: object = None, key: str | None = None):  # type: ignore[no-untyped-def]
        headers = {"Idempotency-Key": key} if key else {}
        url = f"/api/v1/orgs/{membership.organization_id}{path}"
        if method == "get":
            return client.get(url, headers=headers)
        return client.post(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return call


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_list_every_product(cast: Cast, product: ProductInstance, role: str) -> None:
    response = api(getattr(cast, role))("get", "/products")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "acme.example"
    assert body["items"][0]["offer_kind"] == "web_hosting"


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_list_only_what_is_shared(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    call = api(getattr(cast, role))
    assert call("get", "/products").json()["count"] == 0
    assert call("get", f"/products/{product.pk}").status_code == 404
    product.members_with_access.add(getattr(cast, role))
    assert call("get", f"/products/{product.pk}").status_code == 200


def test_the_outsider_gets_404_on_the_organization(cast: Cast, product: ProductInstance) -> None:
    _, raw = api_token_create(user=cast.outsider.user, name="t")
    response = Client().get(
        f"/api/v1/orgs/{cast.org.pk}/products", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_without_a_token_it_is_401(cast: Cast) -> None:
    assert Client().get(f"/api/v1/orgs/{cast.org.pk}/products").status_code == 401


def test_auto_renewal_needs_an_idempotency_key(cast: Cast, product: ProductInstance) -> None:
    response = api(cast.admin)("post", f"/products/{product.pk}/auto-renewal", {"enabled": False})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    product.refresh_from_db()
    assert product.auto_renewal is True


def test_auto_renewal_replayed_acts_once(cast: Cast, product: ProductInstance) -> None:
    call = api(cast.admin)
    path = f"/products/{product.pk}/auto-renewal"
    first = call("post", path, {"enabled": False}, key="k1")
    second = call("post", path, {"enabled": False}, key="k1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(kind="product.auto_renewal_set").count() == 1


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_with_access_cannot_change_it(
    cast: Cast, product: ProductInstance, role: str
) -> None:
    product.members_with_access.add(getattr(cast, role))
    call = api(getattr(cast, role))
    response = call("post", f"/products/{product.pk}/cancel", {"when": "now"}, key="k")
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_cancel_at_term_end_then_replay(cast: Cast, product: ProductInstance) -> None:
    call = api(cast.legal_rep)
    path = f"/products/{product.pk}/cancel"
    response = call("post", path, {"when": "term_end"}, key="c1")
    assert response.status_code == 200
    assert response.json()["cancel_at_term_end"] is True
    # A replay returns the first answer, not "already cancelled".
    assert call("post", path, {"when": "term_end"}, key="c1").status_code == 200
    # A new request is a new attempt, refused with the business error shape.
    again = call("post", path, {"when": "term_end"}, key="c2")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "already_cancelled"


def test_a_bad_cancel_choice_is_422_and_changes_nothing(
    cast: Cast, product: ProductInstance
) -> None:
    response = api(cast.admin)("post", f"/products/{product.pk}/cancel", {"when": "soon"}, key="x")
    assert response.status_code == 422
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_cancel_now(cast: Cast, product: ProductInstance) -> None:
    response = api(cast.admin)("post", f"/products/{product.pk}/cancel", {"when": "now"}, key="n")
    assert response.json()["status"] == "cancelled"
