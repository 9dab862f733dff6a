"""A7: an organization's two-factor rule holds on the API too: a legal
representative or administrator without two-factor authentication cannot act on
organizations' data with a token (a clear, translated 403), as the pages send
them to enrolment."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from conftest import ROLES, Cast
from testsupport.auth import totp_enable

pytestmark = pytest.mark.django_db


def _get(cast: Cast, role: str, path: str, **headers: str):  # type: ignore[no-untyped-def]
    membership = getattr(cast, role)
    _token, raw = api_token_create(user=membership.user, name="ci")
    return Client().get(
        path.format(org=membership.organization_id),
        headers={"Authorization": f"Bearer {raw}", **headers},
    )


@pytest.fixture
def required(cast: Cast) -> Cast:
    cast.org.require_two_factor = True
    cast.org.save()
    return cast


@pytest.mark.parametrize(
    ("role", "status"), [(r, 403 if r in ("legal_rep", "admin") else 200) for r in ROLES]
)
def test_without_two_factor_reps_and_admins_are_refused(
    required: Cast, role: str, status: int
) -> None:
    response = _get(required, role, "/api/v1/orgs/{org}")
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["code"] == "forbidden"
        assert "two-factor authentication" in response.json()["error"]["message"]


def test_a_legal_representative_cannot_change_the_organization(required: Cast) -> None:
    _token, raw = api_token_create(user=required.legal_rep.user, name="ci")
    response = Client().patch(
        f"/api/v1/orgs/{required.org.pk}",
        data=json.dumps({"name": "Taken over"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 403
    required.org.refresh_from_db()
    assert required.org.name == "Acme Hosting S.L."


def test_the_refusal_is_translated(required: Cast) -> None:
    response = _get(required, "admin", "/api/v1/orgs/{org}/members", **{"Accept-Language": "es"})
    assert "autenticación en dos pasos" in response.json()["error"]["message"]


def test_once_enrolled_the_api_works(required: Cast) -> None:
    totp_enable(required.legal_rep.user)
    assert _get(required, "legal_rep", "/api/v1/orgs/{org}").status_code == 200


def test_the_account_itself_stays_reachable(required: Cast) -> None:
    assert _get(required, "legal_rep", "/api/v1/me").status_code == 200


def test_an_outsider_still_gets_404(required: Cast) -> None:
    _token, raw = api_token_create(user=required.outsider.user, name="ci")
    response = Client().get(
        f"/api/v1/orgs/{required.org.pk}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 404
