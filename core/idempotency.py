"""Idempotency (X5): a retried request never acts twice.

The stored key of a money action a customer asked for
-----------------------------------------------------

A customer's key (the hidden field of a payment form, the ``Idempotency-Key``
header of the API) is only unique for that customer. Every payment path, on the
pages and in the API, stores it through :func:`idempotency_key`, so the same key
sent by another user or for another organization never meets it, and a key of
any accepted length fits the 200-character column.

Idempotency keys for API POSTs
------------------------------

Decorate a ninja endpoint that changes something::

    @router.post("/prepaid/credit", response={201: PaymentOut, 400: ErrorOut, 422: ErrorOut})
    @idempotent
    def prepaid_credit(request, payload: CreditIn) -> tuple[int, PaymentOut]: ...

The client sends ``Idempotency-Key: <its own unique id>`` (required: 400 without
it). The key is stored per user with a fingerprint of the request (method, path,
body) and the first response, under a unique constraint, in the same database
transaction as the endpoint's own writes:

- the same key and the same request again → the first response, replayed
  (header ``Idempotent-Replayed: true``), nothing done twice;
- the same key with another request → 422 ``idempotency_key_reused``;
- two requests with the same key at the same moment: the second waits on the
  unique index until the first commits, then replays it (PostgreSQL);
- an endpoint that fails (business error, validation error) stores nothing: the
  transaction rolls back, and the client may retry with the same key.

The endpoint returns ``(status, schema)`` or a schema (status 200).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from pydantic import BaseModel

from core.errors import BusinessError
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class IdempotencyKeyReused(BusinessError):
    pass


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for another request."),
            code="idempotency_key_reused",
        )
    if record.status_code is None:  # pragma: no cover - only if a crash left it half-done
        raise BusinessError(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency_in_progress",
        )
    response = JsonResponse(record.body, status=record.status_code, safe=False)
    response["Idempotent-Replayed"] = "true"
    return response


def _to_json(result: Any) -> tuple[int, Any]:
    status = 200
    if isinstance(result, tuple):
        status, result = result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    return status, result


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = (request.headers.get(HEADER) or "").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise BusinessError(
                _("Send an Idempotency-Key header (at most 255 characters) with this request."),
                code="idempotency_key_required",
            )
        # The token's user (api.auth); core names users only by their id.
        user_id = getattr(getattr(request, "auth", None), "pk", None)
        if user_id is None:
            raise PermissionDenied
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
            if existing is not None:
                return _replay(existing, fingerprint)
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user_id=user_id,
                        key=key,
                        fingerprint=fingerprint,
                        method=request.method or "",
                        path=request.path[:500],
                    )
            except IntegrityError:
                # Another request with this key committed first (we waited on its row).
                return _replay(IdempotencyRecord.objects.get(user_id=user_id, key=key), fingerprint)
            status, body = _to_json(view(request, *args, **kwargs))
            record.status_code = status
            record.body = body
            record.save(update_fields=["status_code", "body"])
        return JsonResponse(body, status=status, safe=False)

    # ninja reads the signature to build the endpoint: give it the real types
    # (resolved in the view's module, not this one).
    wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapper


def idempotency_key(*, organization_id: int, user_id: int, key: str) -> str:
    """``org<id>:user<id>:<sha256 of the customer's key>`` (82 characters at most)."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"org{organization_id}:user{user_id}:{digest}"
