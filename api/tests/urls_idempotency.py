"""A throwaway API for the idempotency tests: one POST that counts its calls."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema

from api.auth import TokenAuth
from core.api import install_error_handlers
from core.errors import BusinessError
from core.idempotency import idempotent
from core.models import AuditEvent

api = NinjaAPI(auth=TokenAuth(), urls_namespace="idempotency_test")
install_error_handlers(api)


class In(Schema):
    note: str


class Out(Schema):
    id: int
    note: str


@api.post("/things", response={201: Out})
@idempotent
def thing_create(request: HttpRequest, payload: In) -> tuple[int, Out]:
    if payload.note == "fail":
        raise BusinessError("no")
    event = AuditEvent.objects.create(kind="test.thing", data={"note": payload.note})
    return 201, Out(id=event.pk, note=payload.note)


urlpatterns = [path("api/", api.urls)]
