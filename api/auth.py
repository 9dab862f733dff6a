from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.models import User
from accounts.tokens import api_token_user

_CACHE = "_gestor_bearer"


def _token_user(request: HttpRequest, raw: str) -> User | None:
    """The token's user, looked up once per request (the language middleware and
    the API's authentication both ask)."""
    cached = getattr(request, _CACHE, None)
    if cached is not None and cached[0] == raw:
        return cached[1]  # type: ignore[no-any-return]
    user = api_token_user(raw)
    setattr(request, _CACHE, (raw, user))
    return user


def bearer_user(request: HttpRequest) -> User | None:
    """The user of the request's ``Authorization: Bearer`` token, if valid."""
    scheme, _sep, raw = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return _token_user(request, raw.strip())


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gst_…`` with a personal API token (profile page)."""

    openapi_description = "A personal API token, created on the profile page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_user(request, token)
        if user is None:
            return None
        request.user = user
        return user
