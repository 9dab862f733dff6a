"""The account API (A2, A7): GET/PATCH /api/v1/me and the token endpoints."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from testsupport.auth import totp_code, totp_enable
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
TOKENS = "/api/v1/me/tokens"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def api(cast):  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(user=cast.member.user, name="ci")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_me_needs_a_token(cast):
    response = Client().get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_me_returns_the_account(api, cast):
    body = api.get(ME).json()
    assert body["email"] == "max@example.test"
    assert body["id"] == str(cast.member.user.public_id)


def test_me_updates_the_name_and_language(api, cast):
    response = api.patch(ME, {"name": "Max M.", "language": "de"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["language"] == "de"
    cast.member.user.refresh_from_db()
    assert (cast.member.user.name, cast.member.user.language) == ("Max M.", "de")


def test_an_unknown_language_gets_the_json_error_shape(api, cast):
    response = api.patch(ME, {"language": "xx"}, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"][0]["loc"] == ["language"]
    cast.member.user.refresh_from_db()
    assert cast.member.user.language == "en"


def test_a_too_long_name_is_a_validation_error(api):
    response = api.patch(ME, {"name": "x" * 151}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_the_email_cannot_be_changed_through_the_api(api, cast):
    api.patch(ME, {"email": "other@example.org"}, content_type="application/json")
    cast.member.user.refresh_from_db()
    assert cast.member.user.email == "max@example.test"


def test_tokens_are_listed_without_their_value(api, cast):
    body = api.get(TOKENS).json()
    assert [t["name"] for t in body] == ["ci"]
    assert "token" not in body[0]


def test_a_token_is_created_with_the_password(api, cast):
    response = api.post(
        TOKENS, {"name": "deploy", "password": TEST_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(ME).status_code == 200


def test_a_token_needs_the_right_password(api, cast):
    response = api.post(
        TOKENS, {"name": "deploy", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_password"
    assert not ApiToken.objects.filter(name="deploy").exists()


def test_with_two_factor_a_token_also_needs_a_code(api, cast):
    secret = totp_enable(cast.member.user)
    without = api.post(
        TOKENS, {"name": "deploy", "password": TEST_PASSWORD}, content_type="application/json"
    )
    assert without.status_code == 400
    assert without.json()["error"]["code"] == "wrong_code"
    with_code = api.post(
        TOKENS,
        {"name": "deploy", "password": TEST_PASSWORD, "code": totp_code(secret)},
        content_type="application/json",
    )
    assert with_code.status_code == 201


def test_password_guessing_through_the_api_is_rate_limited(api):
    for _ in range(10):
        api.post(TOKENS, {"name": "x", "password": "wrong"}, content_type="application/json")
    response = api.post(
        TOKENS, {"name": "x", "password": TEST_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429


def test_a_token_is_revoked(api, cast):
    token, _raw = api_token_create(user=cast.member.user, name="old")
    assert api.delete(f"{TOKENS}/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_is_not_found(api, cast):
    theirs, _raw = api_token_create(user=cast.admin.user, name="theirs")
    response = api.delete(f"{TOKENS}/{theirs.pk}")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
