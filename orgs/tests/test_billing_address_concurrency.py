"""O5: requests racing on one billing address through the API: the loser gets a
clean 404 (the address is gone), never a 500 (PostgreSQL, one connection per
request)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from accounts.tokens import api_token_create
from orgs.models import BillingAddress
from testsupport.cast import MembershipFactory, OrganizationFactory
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADDRESS = {
    "name": "Acme",
    "street": "Main 1",
    "postcode": "08001",
    "city": "Barcelona",
    "country": "ES",
}


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    membership = MembershipFactory(organization=OrganizationFactory(), role="legal_representative")
    _token, raw = api_token_create(user=membership.user, name="race")
    base = f"/api/v1/orgs/{membership.organization_id}"
    statuses: list[int] = []

    def call(method: str, path: str, body: object = None) -> None:
        client = Client(raise_request_exception=False)
        response = getattr(client, method)(
            base + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
        statuses.append(response.status_code)

    def address() -> int:
        return BillingAddress.objects.create(
            organization_id=membership.organization_id, **ADDRESS
        ).pk

    return call, address, statuses


@pytest.mark.parametrize("attempt", range(2))
def test_two_deletes_at_once_give_204_and_404(api, attempt) -> None:  # type: ignore[no-untyped-def]
    call, address, statuses = api
    pk = address()
    results = race(
        lambda: call("delete", f"/billing-addresses/{pk}"),
        lambda: call("delete", f"/billing-addresses/{pk}"),
    )
    assert results == [None, None]
    assert sorted(statuses) == [204, 404]
    assert not BillingAddress.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("attempt", range(3))
def test_change_remove_and_make_default_at_once_never_fail(api, attempt) -> None:  # type: ignore[no-untyped-def]
    call, address, statuses = api
    pk = address()
    results = race(
        lambda: call("put", f"/billing-addresses/{pk}", {**ADDRESS, "city": "Girona"}),
        lambda: call("delete", f"/billing-addresses/{pk}"),
        lambda: call("put", "/default-billing-address", {"address_id": pk}),
        lambda: call("delete", f"/billing-addresses/{pk}"),
    )
    assert results == [None, None, None, None]
    assert len(statuses) == 4
    assert set(statuses) <= {200, 204, 404}, statuses
    assert statuses.count(204) == 1
    assert not BillingAddress.objects.filter(pk=pk).exists()
