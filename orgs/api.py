from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from api.errors import ErrorOut
from orgs.access import memberships_of

router = Router(tags=["organizations"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    currency: str
    role: str
    accounting: bool


@router.get("/orgs", response={200: list[OrgOut], 401: ErrorOut}, summary="My organizations")
def orgs_list(request: HttpRequest) -> list[OrgOut]:
    """O1: the organizations the user belongs to, with their role in each."""
    return [
        OrgOut(
            id=m.organization.pk,
            name=m.organization.name,
            kind=m.organization.kind,
            country=str(m.organization.country or ""),
            currency=m.organization.currency.value,
            role=m.role,
            accounting=m.accounting,
        )
        for m in memberships_of(request.auth)  # type: ignore[attr-defined]
    ]
