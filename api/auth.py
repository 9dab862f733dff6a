from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.tokens import api_token_user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gst_…`` with a personal API token (profile page)."""

    openapi_description = "A personal API token, created on the profile page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        return user
