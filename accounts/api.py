from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from api.errors import ErrorOut

router = Router(tags=["account"])


class MeOut(Schema):
    id: UUID
    email: str
    name: str
    language: str


def me_out(user) -> MeOut:  # type: ignore[no-untyped-def]
    return MeOut(id=user.public_id, email=user.email, name=user.name, language=user.language)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    """A2: the account the token belongs to."""
    return me_out(request.auth)  # type: ignore[attr-defined]
