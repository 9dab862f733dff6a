from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accounts.models import ApiToken, User, api_user
from accounts.reauth import reauth_api_check
from accounts.services import user_profile_update
from accounts.tokens import api_token_create, api_token_revoke
from core.api import ErrorOut
from core.errors import BusinessError

router = Router(tags=["account"])


class MeOut(Schema):
    id: UUID
    email: str
    name: str
    language: str


class MeIn(Schema):
    name: str | None = Field(None, max_length=150)
    language: str | None = Field(None, description="One of: es, en, fr, de, it.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    password: str = Field(..., description="Your account password (re-authentication).")
    code: str | None = Field(
        None, description="A code from your authenticator app, when two-factor is on."
    )


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself, shown only this once.")


def me_out(user: User) -> MeOut:
    return MeOut(id=user.public_id, email=user.email, name=user.name, language=user.language)


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
    )


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    """A2: the account the token belongs to."""
    return me_out(api_user(request))


@router.patch(
    "/me", response={200: MeOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut}, summary="Update me"
)
def me_update(request: HttpRequest, payload: MeIn) -> MeOut:
    """A2, X1: change the name and/or the language. The login e-mail and the
    password change only in the browser, where they are verified."""
    if payload.language is not None and payload.language not in dict(settings.LANGUAGES):
        raise BusinessError(_("This language is not available."), field="language")
    user = user_profile_update(user=api_user(request), name=payload.name, language=payload.language)
    return me_out(user)


@router.get("/me/tokens", response={200: list[TokenOut], 401: ErrorOut}, summary="My API tokens")
def token_list(request: HttpRequest) -> list[TokenOut]:
    tokens = ApiToken.objects.filter(user=api_user(request), revoked_at__isnull=True)
    return [token_out(t) for t in tokens]


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="Create an API token",
)
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[TokenCreatedOut]:
    """A7: creating a token is a sensitive action: it asks for the password
    again (and a two-factor code when two-factor authentication is on)."""
    user = api_user(request)
    reauth_api_check(request, user=user, password=payload.password, code=payload.code)
    token, raw = api_token_create(user=user, name=payload.name)
    return Status(201, TokenCreatedOut(**token_out(token).dict(), token=raw))


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Revoke an API token",
)
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    token = get_object_or_404(
        ApiToken, pk=token_id, user=api_user(request), revoked_at__isnull=True
    )
    api_token_revoke(user=api_user(request), token=token)
    return Status(204, None)
