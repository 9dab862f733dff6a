"""I3, I5: the API's invoice list filters as the page does (same validation, same
messages), and exports the filtered set as streamed CSV; access per role."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.tokens import api_token_create
from conftest import Cast
from orgs.models import Membership
from testsupport.money import _ledger_stays_clean, invoice_for

__all__ = ["_ledger_stays_clean"]


def get(membership: Membership, path: str, params=None, *, language: str = "en"):
    _, raw = api_token_create(user=membership.user, name="test")
    headers = {"Authorization": f"Bearer {raw}", "Accept-Language": language}
    return Client().get(
        f"/api/v1/orgs/{membership.organization_id}/{path}", params or {}, headers=headers
    )


@pytest.fixture
def invoices(cast: Cast):
    with time_machine.travel("2026-03-10 10:00 +0000", tick=False):
        old = invoice_for(cast.org, "10.00")
    with time_machine.travel("2026-11-02 10:00 +0000", tick=False):
        new = invoice_for(cast.org, "25.00")
    return {"old": old, "new": new}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["new", "old"]),
        ({"status": "unpaid"}, ["new", "old"]),
        ({"status": "paid"}, []),
        ({"issued_from": "2026-03-01", "issued_to": "2026-03-31"}, ["old"]),
        ({"issued_from": "2026-11-01"}, ["new"]),
        ({"issued_to": "2026-03-10"}, ["old"]),
    ],
)
def test_the_list_filters_by_status_and_period(cast: Cast, invoices, params, expected):
    response = get(cast.accountant, "invoices", params)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [invoices[n].pk for n in expected]


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_end_before_the_start_is_a_400_with_the_pages_message(cast: Cast, language):
    response = get(
        cast.accountant,
        "invoices",
        {"issued_from": "2026-12-01", "issued_to": "2026-01-01"},
        language=language,
    )
    assert response.status_code == 400
    with translation.override(language):
        message = gettext("The start date must come before the end date.")
    assert response.json()["error"]["message"] == message


@pytest.mark.parametrize("params", [{"status": "stolen"}, {"issued_from": "yesterday"}])
def test_bad_filters_are_a_clear_400(cast: Cast, params):
    response = get(cast.accountant, "invoices", params)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["loc"] == [next(iter(params))]


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 403)],
)
def test_the_export_per_role(cast: Cast, invoices, role, status):
    assert get(getattr(cast, role), "invoices/export.csv").status_code == status


def test_an_outsider_gets_404(cast: Cast, invoices):
    _, raw = api_token_create(user=cast.outsider.user, name="test")
    response = Client().get(
        f"/api/v1/orgs/{cast.org.pk}/invoices/export.csv",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 404


def test_the_export_streams_the_filtered_set(cast: Cast, invoices):
    response = get(
        cast.accountant,
        "invoices/export.csv",
        {"issued_from": "2026-03-01", "issued_to": "2026-03-31", "format": "semicolon", "bom": 1},
    )
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == [invoices["old"].payment_reference]
    assert rows[1][6] == "10,00"


def test_the_export_refuses_an_end_before_the_start(cast: Cast):
    response = get(
        cast.accountant,
        "invoices/export.csv",
        {"issued_from": "2026-12-01", "issued_to": "2026-01-01"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The start date must come before the end date."
