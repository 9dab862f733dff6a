"""GET /api/v1/me (A2) with a personal API token; errors in the one JSON shape."""

from __future__ import annotations

import pytest

from accounts.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/me"


def _unauthenticated(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "A valid API token is required."}
    }


def test_with_a_token_it_answers_the_tokens_user(client, cast):
    _token, raw = api_token_create(user=cast.member.user, name="ci")
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(cast.member.user.public_id),
        "email": "max@example.test",
        "name": "Max Member",
        "language": "en",
    }


def test_without_a_token_it_is_401_in_the_error_shape(client):
    _unauthenticated(client.get(URL))


@pytest.mark.parametrize("raw", ["gst_not-a-real-token", "not-even-the-prefix", ""])
def test_with_a_bad_token_it_is_401_in_the_error_shape(client, raw):
    _unauthenticated(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}"))


def test_with_a_revoked_token_it_is_401_in_the_error_shape(client, cast):
    token, raw = api_token_create(user=cast.member.user, name="ci")
    api_token_revoke(user=cast.member.user, token=token)
    _unauthenticated(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}"))


def test_a_session_login_alone_does_not_open_the_api(cast):
    from conftest import client_for

    _unauthenticated(client_for(cast.member).get(URL))


def test_using_a_token_records_when_it_was_last_used(client, cast):
    token, raw = api_token_create(user=cast.member.user, name="ci")
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at is not None
